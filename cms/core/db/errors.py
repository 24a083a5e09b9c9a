"""What a database error was, by its SQLSTATE, whichever driver raised it."""

from __future__ import annotations

from django.db import DatabaseError

DEADLOCK_DETECTED = "40P01"


def deadlocked(error: DatabaseError) -> bool:
    """Whether PostgreSQL rolled this transaction back to break a deadlock (SQLSTATE 40P01).

    Django raises its own ``OperationalError`` with the driver's error as the cause; psycopg names
    the SQLSTATE ``sqlstate``. Other databases never answer with it."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == DEADLOCK_DETECTED
