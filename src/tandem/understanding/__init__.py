"""Understanding a customer's message: language, intent, frustration and details."""
