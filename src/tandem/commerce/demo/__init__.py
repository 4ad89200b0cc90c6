"""The built-in demo shop: generated customers, products and orders behind CommerceBackend."""
