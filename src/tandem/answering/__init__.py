"""What the AI says and does: reply templates, identification, flows and knowledge."""
