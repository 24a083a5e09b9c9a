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

    Registered once per transaction however often it is asked for. A registration already made
    in this transaction serves every later write: it was made outside, or under, the savepoints
    open now (a savepoint released since is merged into its parent, and one rolled back has taken
    its registrations with it), so whatever rolls this write back either takes that registration
    too or leaves it to run harmlessly after the commit.
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
    if any(registered is callback and robust for _savepoints, registered, robust in connection.run_on_commit):
        return
    transaction.on_commit(callback, using=using, robust=True)


def renewed_again_after_commit(callback: Callable[[], None], *, using: str | None = None) -> None:
    """For a caller that has just run ``callback`` (a cache generation renewed at once): run it
    again after the transaction commits, once however many writes ask (``on_commit_once``), or
    nothing more outside a transaction, where the renewal just made already follows the write."""
    if transaction.get_connection(using).in_atomic_block:
        on_commit_once(callback, using=using)
