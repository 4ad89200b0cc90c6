"""Flows: one routine request each, from identifying the customer to confirming the result."""
