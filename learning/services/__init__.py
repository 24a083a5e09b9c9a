"""Writes to records of learning. Each file holds one family of services; all are re-exported here."""

__all__: list[str] = []
