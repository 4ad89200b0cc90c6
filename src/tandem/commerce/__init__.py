"""The shop's data and actions, behind one declared interface (CommerceBackend)."""
