"""Purge the public cache whenever what the public sees may have changed.

Any save or delete of a page or a vacancy purges (drafts included: rare next to
page views, and it keeps the rule simple), as do Wagtail's publish, unpublish,
slug-change and move signals, which scheduled publishing sends too.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    published,
    unpublished,
)

from cms.pages.services import public_cache_purge


def purge_public_cache(sender, **kwargs) -> None:
    public_cache_purge()


def purge_when_public_content_changes(sender, instance=None, created=False, **kwargs) -> None:
    from cms.core.models import BrandingSettings
    from cms.pages.models import Vacancy

    if isinstance(instance, Page | Vacancy) or (isinstance(instance, BrandingSettings) and not created):
        public_cache_purge()


def connect() -> None:
    from cms.core.cache import redis_recovered

    # A purge made while Redis was unavailable may not have reached it (cms.core.cache).
    redis_recovered.connect(purge_public_cache, dispatch_uid="pages-purge-redis-recovered")
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(purge_public_cache, dispatch_uid=f"pages-purge-{id(signal)}")
    for signal in (published, unpublished, post_save, post_delete):
        signal.connect(purge_when_public_content_changes, dispatch_uid=f"pages-purge-content-{id(signal)}")
