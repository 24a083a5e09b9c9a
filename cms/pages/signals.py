"""Purge the public cache whenever what the public sees may have changed.

Any save or delete of a page, a vacancy or an image purges (drafts included: rare next to
page views, and it keeps the rule simple), as do Wagtail's publish, unpublish,
slug-change and move signals, which scheduled publishing sends too. A publish, unpublish
or move of a page or vacancy also queues, after commit, a task that renders the public pages
into the emptied cache (cms.pages.warming), so it is warm again before visitors need it.
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

from cms.pages.services import public_cache_purge, public_cache_warm_after_commit


def purge_public_cache(sender, **kwargs) -> None:
    public_cache_purge()


def purge_and_warm_public_cache(sender, **kwargs) -> None:
    public_cache_purge()
    public_cache_warm_after_commit()


def warm_when_vacancy_published(sender, instance=None, **kwargs) -> None:
    from cms.pages.models import Vacancy

    if isinstance(instance, Vacancy):
        public_cache_warm_after_commit()


def purge_when_public_content_changes(sender, instance=None, created=False, **kwargs) -> None:
    from wagtail.images.models import AbstractImage

    from cms.core.models import BrandingSettings
    from cms.pages.models import Vacancy

    # An image changed (a new file, a focal point): pages and fragments showing it re-render.
    if isinstance(instance, Page | Vacancy | AbstractImage) or (
        isinstance(instance, BrandingSettings) and not created
    ):
        public_cache_purge()


def connect() -> None:
    from cms.core.cache import redis_recovered

    # A purge made while Redis was unavailable may not have reached it (cms.core.cache).
    redis_recovered.connect(purge_public_cache, dispatch_uid="pages-purge-redis-recovered")
    page_slug_changed.connect(purge_public_cache, dispatch_uid="pages-purge-slug-changed")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(purge_and_warm_public_cache, dispatch_uid=f"pages-purge-{id(signal)}")
    for signal in (published, unpublished):
        signal.connect(warm_when_vacancy_published, dispatch_uid=f"pages-warm-vacancy-{id(signal)}")
    for signal in (published, unpublished, post_save, post_delete):
        signal.connect(purge_when_public_content_changes, dispatch_uid=f"pages-purge-content-{id(signal)}")
