"""Writes for the public pages: expressions of interest, the form's rate limit, the public cache."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse

from cms.core.email import absolute_url, email_send_after_commit
from cms.core.page_cache import tree_forget
from cms.core.queue import task_queue
from cms.core.transactions import on_commit_once, renewed_again_after_commit
from cms.pages import public_cache as public_cache_store
from cms.pages.conf import setting
from cms.pages.selectors import public_cache

if TYPE_CHECKING:
    from wagtail.contrib.forms.models import FormSubmission

    from cms.pages.forms import InterestForm
    from cms.pages.models import ExpressionOfInterestPage


# --- expressions of interest -----------------------------------------------------------


def interest_attempt_allowed(*, client_ip: str) -> bool:
    """Count one form post from this address; False once it is over the limit for the window.

    Fixed windows in the shared cache (Redis in production), so every web process
    counts the same posts. The address is hashed: the cache holds no personal data.
    """
    window = int(setting("RECRUITMENT_FORM_RATE_WINDOW_SECONDS"))
    limit = int(setting("RECRUITMENT_FORM_RATE_LIMIT"))
    bucket = int(time.time()) // window
    digest = hashlib.sha256(client_ip.encode()).hexdigest()[:32]
    key = f"pages:interest-rate:{digest}:{bucket}"
    cache = public_cache()
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


@dataclass(frozen=True)
class Answer:
    label: str
    value: str


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def interest_submission_create(*, page: ExpressionOfInterestPage, form: InterestForm) -> FormSubmission:
    """Store an expression of interest; after commit, Celery thanks the applicant and tells the team."""
    answers = form.answers()
    fields = list(page.get_form_fields())
    with transaction.atomic():
        submission = page.get_submission_class().objects.create(form_data=answers, page=page)
        listed = [{"label": f.label, "value": _display(answers.get(f.clean_name))} for f in fields]
        applicant_email = next(
            (
                answers.get(f.clean_name)
                for f in fields
                if f.field_type == "email" and answers.get(f.clean_name)
            ),
            None,
        )
        applicant_name = next(
            (
                answers.get(f.clean_name)
                for f in fields
                if f.autocomplete == "name" and answers.get(f.clean_name)
            ),
            "",
        )
        recruitment_page = page.get_parent().specific
        if applicant_email:
            email_send_after_commit(
                to=[applicant_email],
                template="pages/email/interest_acknowledgement",
                context={
                    "name": applicant_name,
                    "opening": page.acknowledgement_text,
                    "answers": listed,
                    "organisation": getattr(recruitment_page, "organisation_name", ""),
                    "recruitment_url": absolute_url(recruitment_page.url or "/"),
                },
            )
        email_send_after_commit(
            to=[setting("RECRUITMENT_NOTIFY_EMAIL")],
            template="pages/email/interest_notification",
            context={
                "name": applicant_name,
                "answers": listed,
                "form_title": page.title,
                "submissions_url": absolute_url(reverse("wagtailforms:list_submissions", args=[page.pk])),
            },
            headers={"Reply-To": applicant_email} if applicant_email else None,
        )
    return submission


# --- the public page cache --------------------------------------------------------------


def public_cache_purge() -> str:
    """Forget every cached public page at once (on any publish, unpublish, move or delete), and
    again after the transaction commits.

    Entries are stamped with the generation they were rendered under; a new random
    generation in the shared cache makes them all misses, in this process at once
    and in every other within a second. Old entries expire by their timeout. The purge after
    the commit leaves behind what a visit made while the change was uncommitted stored under
    the generation of the first (the old page). Returns the generation made at once.
    """
    generation = public_cache_store.purge()
    renewed_again_after_commit(_public_cache_purge_again)
    return generation


def _public_cache_purge_again() -> None:
    public_cache_store.purge()


def public_cache_warm_after_commit() -> None:
    """Once the current transaction commits, render the public pages into the emptied cache
    (cms.pages.tasks.public_cache_warm), so the first visitor after a publish is not the one
    who pays for it. Queued once however many pages the transaction publishes (the task renders
    them all); nothing is queued when PUBLIC_CACHE_WARM_PAGES is 0."""
    if int(setting("PUBLIC_CACHE_WARM_PAGES")) > 0:
        # After the commit the renewals run first (each is asked for once a transaction, so one
        # asked for here, or earlier, comes before the warming): the pages are rendered from the
        # committed rows, not from what other visits kept meanwhile, and no renewal after the
        # warming throws its work away. With the broker down the task runs here, in that order.
        tree_forget()
        renewed_again_after_commit(_public_cache_purge_again)
        on_commit_once(_public_cache_warm_queue)


def _public_cache_warm_queue() -> None:
    task_queue("cms.pages.tasks.public_cache_warm")


def public_cache_warm() -> int:
    """Render every site's public pages (at most PUBLIC_CACHE_WARM_PAGES a site, shallowest first)
    as an anonymous visitor would, storing them in the public cache; returns how many were stored.

    Pages already stored are answered from the cache (nothing rendered); pages the cache may not
    store (forms, view-restricted pages, error responses) are not asked for.
    """
    from wagtail.models import Page, Site

    from cms.pages.selectors import page_is_publicly_cacheable
    from cms.pages.warming import anonymous_get

    stored = 0
    limit = int(setting("PUBLIC_CACHE_WARM_PAGES"))
    for site in Site.objects.select_related("root_page"):
        pages = (
            Page.objects.descendant_of(site.root_page, inclusive=True)
            .live()
            .public()
            .order_by("depth", "path")
            .specific()[: limit * 2]
        )
        asked = 0
        for page in pages:
            if asked >= limit:
                break
            if not page_is_publicly_cacheable(page=page):
                continue
            url_parts = page.get_url_parts()
            if url_parts is None or url_parts[0] != site.pk:
                continue
            asked += 1
            _status, cache_status = anonymous_get(hostname=site.hostname, port=site.port, path=url_parts[2])
            stored += cache_status == "miss"
    return stored


def public_cache_store_response(
    *,
    key: str,
    generation: str | None,
    status: int,
    headers: list[tuple[str, str]],
    content: bytes,
    timeout: int,
) -> None:
    public_cache_store.entry_set(
        key=key, generation=generation, status=status, headers=headers, content=content, timeout=timeout
    )
