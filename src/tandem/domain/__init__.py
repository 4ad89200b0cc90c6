"""Pure domain logic: no I/O imports (no web, database or HTTP clients)."""
