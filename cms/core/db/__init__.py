"""Database backends of our own: Django's, with what a request costs trimmed (docs/core.md)."""
