"""The human side: queue ordering, wait estimates and the handoff card."""
