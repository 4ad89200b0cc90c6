"""CLI commands; each module registers its own sub-commands."""
