"""My team's prepared lists, kept in the shared cache under a generation of the records they read.

My team works out every item of a manager's people (1,800 for a manager of 60: who, which
module, required, due, status, progress) before it shows a page of fifty. That work is the
same for every page, sort and visit until one of the records it reads changes, so the
prepared list (in its order, with the status counts, teams and people it shows) is kept in
the shared cache. Its key holds:

- the *team generation*, renewed (``team_learning_forget``) whenever an enrolment or a module's
  progress is saved, or an assignment, a staff profile, a person, a team or a role saved or
  deleted (learning.apps connects the signals; enrolments and progress go only with one of
  those or with their module, a page change), when cms.people announces people changed (the staff
  import and erasure, which write without signals), and by the services that write
  enrolments and progress in bulk or in raw SQL (a sync, a completion, a lesson's progress):
  renewed after commit, so a list read from the rows before it is never found again;
- the page tree's generation (module titles, renamed on publish);
- a digest of the people's query (whose team, or everyone for L&D: the managed teams are
  read afresh for each request), the day (overdue is relative to it) and the filters.

Only a shared cache is used (our Redis backend, while it answers): a per-process cache would
miss renewals made by another process (the worker's enrolment refresh). Without it, and for
lists longer than ``TEAM_CACHE_MAX_ITEMS``, every request works the list out as before.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from cms.core.page_cache import frame_cache_seconds, shared_cache_answering, tree_generation
from cms.core.transactions import on_commit_once

TEAM_GENERATION_KEY = "learning:team:generation"
# What My team reads of a module's progress row, besides that it exists (learning.selectors.team):
# a save changing neither (an answer, a visit) leaves its lists as they are.
TEAM_READS_OF_PROGRESS = frozenset({"lessons_completed", "lessons_total"})
# Longer lists (L&D's view of everyone) are worked out each time: they would be megabytes.
TEAM_CACHE_MAX_ITEMS = 10_000


def team_cache_shared() -> bool:
    """Whether My team's lists may be cached: the caches are on and shared by every process."""
    return frame_cache_seconds() > 0 and shared_cache_answering()


def _forget_now() -> None:
    cache.delete(TEAM_GENERATION_KEY)


def team_learning_forget(*args: Any, using: str | None = None, **kwargs: Any) -> None:
    """Every prepared My team list is stale (signal receivers and raw or bulk writers call this).

    Renewed after commit (at once outside a transaction), once however many writes the
    transaction makes: a request that read the rows before the commit may have kept its list
    under the generation of the time, which the renewal leaves behind.
    """
    on_commit_once(_forget_now, using=using)


def team_learning_cached[Prepared](
    *,
    profiles: QuerySet,
    today: date,
    filters: tuple[str | int | None, ...],
    prepare: Callable[[], tuple[Prepared, int | None]],
) -> Prepared:
    """The prepared list for these people, day and filters: from the cache under the current
    generations, else ``prepare()`` (which returns it and how many items it holds, or None when
    it is not to be kept) kept there."""
    if not team_cache_shared():
        return prepare()[0]
    generation = cache.get_or_set(TEAM_GENERATION_KEY, lambda: secrets.token_hex(8), None)
    people = hashlib.sha256(str(profiles.query).encode()).hexdigest()[:32]
    parts = ":".join("" if part is None else str(part) for part in filters)
    key = f"learning:team:v2:{generation}:{tree_generation()}:{people}:{today.isoformat()}:{parts}"
    found = cache.get(key)
    if found is not None:
        return found
    prepared, size = prepare()
    if size is not None and size <= TEAM_CACHE_MAX_ITEMS:
        cache.set(key, prepared, frame_cache_seconds())
    return prepared
