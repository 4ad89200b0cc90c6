"""Tandem: customer service where an AI assistant and a human team work in tandem."""
