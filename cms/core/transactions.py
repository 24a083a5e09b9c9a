"""After-commit work asked for by many writes of one transaction, registered once.

A cache generation renewed when rows change must be renewed *after* the commit: a request that
read the old rows while the transaction was open may have kept what it read under the generation
of that moment, and only a renewal after the commit leaves that behind. A transaction that saves a
hundred rows needs one renewal, not a hundred.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)


def on_commit_once(callback: Callable[[], None], *, using: str | None = None) -> None:
    """Run ``callback`` after the transaction commits (at once outside a transaction).

    Registered once per savepoint however often it is asked for: a registration made under the
    same savepoints runs, or is rolled back, with this write, so another would add nothing.
    Robust: a failing callback (a cache outage, say) never undoes the committed writes.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        # At once, as Django's on_commit would, but without opening a connection to ask whether
        # autocommit is on: this runs where the database may not be wanted (a cache recovering).
        try:
            callback()
        except Exception:
            logger.exception("After-commit work %r failed", callback)
        return
    savepoints = set(connection.savepoint_ids)
    for registered_under, registered, _robust in connection.run_on_commit:
        if registered is callback and registered_under == savepoints:
            return
    transaction.on_commit(callback, using=using, robust=True)
