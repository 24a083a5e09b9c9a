"""Reads for the public pages: London dates, upcoming events, JobPosting data, cache lifetimes.

Dates that decide what the public sees (closing dates, event days) are days in
Europe/London: a vacancy is open up to the end of its closing date there. The open
vacancies themselves are a query on the model (`Vacancy.objects.open()`): this module
names models only for type checking, since the page models build their context from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.cache import BaseCache, caches
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import mark_safe

from cms.pages import public_cache as public_cache_store

if TYPE_CHECKING:
    from django.http import HttpRequest
    from wagtail.images.models import AbstractImage

    from cms.pages.models import RecruitmentPage, Vacancy

LONDON = ZoneInfo("Europe/London")


def london_today(*, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(LONDON).date()


def london_midnight_after(*, day: dt.date) -> dt.datetime:
    """The instant the day after `day` begins in London (aware, any DST offset)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)


def vacancy_closes_at(*, vacancy: Vacancy) -> dt.datetime:
    """A vacancy is open until the end of its closing date, UK time."""
    return london_midnight_after(day=vacancy.closing_date)


def public_cache_timeout(*, now: dt.datetime | None = None, longest: int) -> int:
    """Seconds a cached public page may live: never past the next London midnight.

    Vacancies close and events pass at London midnight, so an entry that ends by
    then never shows a closed vacancy or a past event.
    """
    now = now or timezone.now()
    until_midnight = (london_midnight_after(day=london_today(now=now)) - now).total_seconds()
    return max(1, min(longest, int(until_midnight)))


def events_upcoming(*, events: list[Any], now: dt.datetime | None = None) -> list[Any]:
    """Events (EventBlock values) on or after today in London, in date order."""
    today = london_today(now=now)
    upcoming = [event for event in events if event["date"] and event["date"] >= today]
    return sorted(upcoming, key=lambda event: (event["date"], event["start_time"] or dt.time.min))


def job_posting_data(
    *,
    vacancy: Vacancy,
    organisation_name: str,
    organisation_url: str,
    region: str,
    page_url: str,
) -> dict[str, Any]:
    """schema.org JobPosting for one vacancy, with every property job search engines require."""
    from wagtail.rich_text import expand_db_html

    posted = vacancy.first_published_at or vacancy.latest_revision_created_at or timezone.now()
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": expand_db_html(vacancy.description),
        "datePosted": posted.astimezone(LONDON).date().isoformat(),
        "validThrough": vacancy_closes_at(vacancy=vacancy).isoformat(),
        "employmentType": vacancy.employment_type,
        "hiringOrganization": {
            "@type": "Organization",
            "name": organisation_name,
            "sameAs": organisation_url,
        },
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": vacancy.locality,
                "addressRegion": region,
                "addressCountry": "GB",
            },
        },
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "GBP",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": vacancy.salary_min,
                "maxValue": vacancy.salary_max,
                "unitText": "YEAR",
            },
        },
        "url": f"{page_url}#vacancy-{vacancy.pk}",
    }
    if vacancy.reference:
        data["identifier"] = {"@type": "PropertyValue", "name": organisation_name, "value": vacancy.reference}
    return data


def job_postings_for(
    *, vacancies: list[Vacancy], page: RecruitmentPage, page_url: str
) -> list[dict[str, Any]]:
    return [
        job_posting_data(
            vacancy=vacancy,
            organisation_name=page.organisation_name,
            organisation_url=page.organisation_url,
            region=page.job_region,
            page_url=page_url,
        )
        for vacancy in vacancies
    ]


# The characters that could end a <script> element or open a comment inside one,
# escaped as JSON allows (the same set Django's json_script escapes).
_SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def ld_json_text(value: Any) -> str:
    """`value` as JSON safe to place inside <script type="application/ld+json">."""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_SAFE)


def recruitment_job_postings_json(
    *, page: RecruitmentPage, request: HttpRequest, vacancies: list[Vacancy]
) -> tuple[str, ...]:
    """The page's JobPosting data, one JSON text per open vacancy (safe inside a <script>), kept
    as a fragment of the public cache: `vacancies` is only read when it is not kept."""

    def build() -> tuple[str, ...]:
        page_url = request.build_absolute_uri(page.get_url(request))
        return tuple(
            mark_safe(ld_json_text(posting))  # noqa: S308
            for posting in job_postings_for(vacancies=vacancies, page=page, page_url=page_url)
        )

    if getattr(request, "is_preview", False):
        return build()
    # The page's address is worked out only when built: it depends on the host, the scheme and the
    # page's place in the tree (a move renews the generation), all named here.
    vary = (page.pk, page.live_revision_id, page.url_path, request.scheme, request.get_host())
    return public_fragment(name="job-postings", vary=vary, build=build)


def social_image_url(*, image: AbstractImage | None, request: HttpRequest) -> str | None:
    """Absolute address of the 1200x630 JPEG that Open Graph and Twitter cards show."""
    if image is None:
        return None
    rendition = image.get_rendition("fill-1200x630|format-jpeg|jpegquality-80")
    return request.build_absolute_uri(rendition.url)


def public_page_model_labels() -> frozenset[str]:
    from cms.pages.conf import setting

    return frozenset(setting("PUBLIC_PAGE_MODELS"))


def page_is_publicly_cacheable(*, page: Any) -> bool:
    """A public page type, not excluded (forms), with no view restriction of its own or above."""
    from cms.pages.conf import setting

    label = page.specific_class._meta.label_lower
    if label not in public_page_model_labels() or label in setting("PUBLIC_CACHE_EXCLUDED_MODELS"):
        return False
    return not page.get_view_restrictions().exists()


# --- the public page cache --------------------------------------------------------------


def public_cache() -> BaseCache:
    """The shared cache behind the public page cache and the form's rate limit."""
    from cms.pages.conf import setting

    return caches[setting("PUBLIC_CACHE_ALIAS")]


def public_cache_key(*, host: str, path: str) -> str:
    digest = hashlib.sha256(f"{host}\n{path}".encode()).hexdigest()[:40]
    return f"pages:public-cache:page:{digest}"


def public_cache_lookup(*, key: str) -> tuple[str | None, public_cache_store.Entry | None]:
    """(the current generation, or None while the shared cache is unavailable; the stored response
    for `key` if it belongs to it)."""
    generation = public_cache_store.generation_current()
    return generation, public_cache_store.entry_get(key=key, generation=generation)


def public_fragment[T](*, name: str, vary: tuple[Any, ...], build: Callable[[], T]) -> T:
    """A part of a public page that is the same for every anonymous visitor, built once per
    generation of the public cache (so until the next publish or edit, or London midnight) and
    shared by every web process; built each time while the shared cache does not answer.

    `vary` names everything else the part depends on (the page and its live revision, the host);
    the value must be immutable (a string, or a tuple of strings).
    """
    from cms.pages.conf import setting

    return public_cache_store.fragment_get_or_build(
        name=name,
        vary=vary,
        build=build,
        timeout=public_cache_timeout(longest=int(setting("PUBLIC_CACHE_SECONDS"))),
    )
