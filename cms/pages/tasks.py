"""Celery tasks of the public pages: rendering them into the public cache after a publish.

Queued after commit by cms.pages.services (by dotted path), so this module is the only side
that imports the other.
"""

from __future__ import annotations

from celery import shared_task

from cms.pages.services import public_cache_warm as _public_cache_warm


@shared_task(ignore_result=True)
def public_cache_warm() -> int:
    return _public_cache_warm()
