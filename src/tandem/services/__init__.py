"""Use cases: each opens one transaction and holds the conversation's lock while it works."""
