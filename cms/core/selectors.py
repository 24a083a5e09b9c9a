"""Reads for the site's frame: branding, and the sections a person may go to.

Navigation knows the other apps only by URL name, and the groups that open each audience
only as cms.people registers them (cms.core.audiences): cms.core imports no domain app.
A section whose URL is not installed yet is left out, so the header never links to a
page that does not exist.

The frame is on every page, so what it reads is cached (cms.core.signals clears
it): a person's groups, whether they line-manage anyone and whether they may use
the admin (which also decides whether Wagtail's user bar, with its own permission
check, is on the page), and the site's branding.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, AnonymousUser, Group
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db.models import Exists, Expression, OuterRef, StringAgg, Subquery, Value
from django.http import HttpRequest

from cms.core.addresses import reverse_fixed_or_none
from cms.core.audiences import audience_groups, audience_groups_of, audience_tests
from cms.core.branding import font_stack, safe_brand_colour
from cms.core.middleware import admin_access_permissions
from cms.core.models import BrandingSettings
from cms.core.page_cache import branding_generation, frame_cache_seconds, tree_cache_get, tree_cache_set

# Whoever a request is for (the user model is cms.people's; cms.core names only Django's base).
SiteUser = AbstractUser | AnonymousUser


@dataclass(frozen=True)
class Section:
    label: str
    url_names: tuple[str, ...]
    audience: str
    description: str
    in_header: bool = True


# Header order. The first URL name that resolves is used.
SECTIONS = (
    Section(
        "My learning",
        ("learning:my_learning",),
        "staff",
        "The modules you need to complete and by when, your progress and your certificates.",
    ),
    Section(
        "Practice week",
        ("practiceweek:index",),
        "senior_manager",
        "Book a frontline shadowing visit with a family safeguarding team, or change your booking.",
    ),
    Section(
        "Hosting",
        ("practiceweek:hosting",),
        "host",
        "Practice week visitors coming to your team: who, when, and marking attendance.",
    ),
    Section(
        "My team",
        ("learning:my_team",),
        "manager",
        "Who in your team has completed their learning, who is overdue, and reminders.",
    ),
    Section(
        "Team MI practice",
        ("learning:scenario_team",),
        "manager",
        "How your team is doing in the motivational interviewing practice scenarios.",
        in_header=False,
    ),
    Section(
        "Readiness",
        ("learning_readiness", "learning:readiness", "learning_readiness:index"),
        "readiness",
        "How ready each team, role and agency is for go-live, with the overdue list.",
        in_header=False,
    ),
    Section(
        "Admin",
        ("wagtailadmin_home",),
        "admin",
        "Write and publish modules, upload H5P activities, manage people and practice week.",
    ),
)


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    description: str
    active: bool
    in_header: bool


def audiences_for(*, user: SiteUser) -> frozenset[str]:
    """Which sections `user` may use: staff, manager, senior_manager, ld, readiness, host, admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    groups, has_reports, can_access_admin, passed = _people_facts(user)
    if user.is_superuser:
        # Every role's section; a section that is a fact about them (hosting) only when it is.
        return frozenset({"staff", "manager", "senior_manager", "ld", "readiness", "admin", *passed})
    audiences = {"staff", *passed}
    audiences.update(audience for audience, opening in audience_groups().items() if groups & opening)
    if has_reports:
        audiences.add("manager")
    if can_access_admin:
        audiences.add("admin")
    return frozenset(audiences)


GROUP_NAMES_ATTRIBUTE = "_core_group_names"
# Between group names in the frame's one query (a control character no group name holds).
GROUP_NAMES_SEPARATOR = "\x1f"


def group_names_of(user: SiteUser) -> frozenset[str]:
    """The names of `user`'s permission groups: one query per user object (a request's user).

    Remembered on the instance, as Django remembers permissions; cms.core.signals forgets
    it when that instance's groups change.
    """
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    names = getattr(user, GROUP_NAMES_ATTRIBUTE, None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, GROUP_NAMES_ATTRIBUTE, names)
    return names


# Where a request's user object carries its facts when the sign-in read them with its row
# (cms.people.middleware reads both in one round trip on GET and HEAD requests).
PEOPLE_FACTS_ATTRIBUTE = "_core_people_facts"


def people_facts_cache_key(user_id: int | None) -> str:
    # v2: the facts gained the audiences passed by registered tests.
    return f"core:frame:people:v2:{user_id}"


def _people_facts(user: SiteUser) -> tuple[frozenset[str], bool, bool, frozenset[str]]:
    """(group names, line-manages an active person, may use the admin, the audiences whose
    registered tests the person passes), cached per person.

    Admin access only decides whether the frame links to the admin (and shows
    Wagtail's user bar); the admin checks the permission itself on every request.
    """
    key = people_facts_cache_key(user.pk)
    seconds = frame_cache_seconds()
    cached = getattr(user, PEOPLE_FACTS_ATTRIBUTE, None) if seconds else None
    if cached is None and seconds:
        cached = cache.get(key)
    if cached is not None:
        return cached
    # One query, over the person's own row: their group names (unless this request's user
    # object knows them already) and an EXISTS for each fact.
    questions: dict[str, Expression | Subquery] = {}
    known_groups = getattr(user, GROUP_NAMES_ATTRIBUTE, None)
    if known_groups is None:
        questions["frame_group_names"] = Subquery(
            Group.objects.filter(user=OuterRef("pk"))
            .order_by()
            .values("user")
            .annotate(names=StringAgg("name", delimiter=Value(GROUP_NAMES_SEPARATOR)))
            .values("names")
        )
    # A line manager with active reports manages people even outside the managers' group.
    reports = getattr(user, "direct_reports", None)
    if reports is not None:
        questions["frame_reports"] = Exists(reports.filter(active=True))
    if not user.is_superuser:
        questions["frame_admin"] = Exists(admin_access_permissions(user))
    tests = audience_tests()
    for audience, test in tests.items():
        questions[f"audience_{audience}"] = Exists(test(user))
    person_id = cast(int, user.pk)  # audiences_for asks only for signed-in people
    found = get_user_model()._base_manager.filter(pk=person_id).values(**questions).first()
    answers: dict[str, Any] = dict(found) if found else {}
    if known_groups is None:
        names: str = answers.get("frame_group_names") or ""
        known_groups = frozenset(filter(None, names.split(GROUP_NAMES_SEPARATOR)))
        setattr(user, GROUP_NAMES_ATTRIBUTE, known_groups)
    groups = known_groups
    has_reports = bool(groups & audience_groups_of("manager")) or bool(answers.get("frame_reports"))
    can_access_admin = user.is_superuser or bool(answers.get("frame_admin"))
    passed = frozenset(audience for audience in tests if answers.get(f"audience_{audience}"))
    facts = (groups, has_reports, can_access_admin, passed)
    if seconds:
        cache.set(key, facts, seconds)
    return facts


def navigation_for(
    *, user: SiteUser, path: str = "/", audiences: frozenset[str] | None = None
) -> list[NavItem]:
    """The sections `user` may open that are installed, in header order."""
    if audiences is None:
        audiences = audiences_for(user=user)
    found = []
    for section in SECTIONS:
        if section.audience not in audiences:
            continue
        href = _first_reversible(section.url_names)
        if href is not None:
            found.append((section, href))
    # The one section the page is in: the longest address it starts with (/learning/team/
    # is My team, not also My learning at /learning/).
    current = max((href for _section, href in found if path.startswith(href)), key=len, default=None)
    return [
        NavItem(
            label=section.label,
            href=href,
            description=section.description,
            active=href == current,
            in_header=section.in_header,
        )
        for section, href in found
    ]


def _first_reversible(url_names: tuple[str, ...]) -> str | None:
    return next(filter(None, map(reverse_fixed_or_none, url_names)), None)


@dataclass(frozen=True)
class Branding:
    """What the frame shows of the branding settings, checked and ready for templates."""

    organisation_name: str
    brand_colour: str
    font_stack: str
    show_beta_banner: bool
    feedback_href: str = ""
    logo_url: str = ""
    logo_width: int = 0
    logo_height: int = 0


LOGO_FILTER = "height-40"


def branding_for_request(*, request: HttpRequest) -> Branding:
    """The branding of the site the request is for; defaults when it matches no Wagtail site.

    Cached by host name under the branding's generation, which cms.core.signals renews when
    branding, a logo or a site changes, and read from this process's tier (cms.core.page_cache
    reads that generation with the tree's), so a page costs no round trip for it, and a page
    outside Wagtail's tree (sign-in, My learning) does not pay for Wagtail's site lookup
    query either.
    """
    seconds = frame_cache_seconds()
    try:
        host = request.get_host()
    except DisallowedHost:
        host, seconds = "", 0
    if not seconds:
        return _branding_uncached(request)
    key = f"core:frame:branding:{branding_generation()}:{host}"
    branding = tree_cache_get(key, seconds=seconds)
    if branding is None:
        branding = _branding_uncached(request)
        tree_cache_set(key, branding, seconds)
    return branding


def _branding_uncached(request: HttpRequest) -> Branding:
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is None:
        return _branding_from(BrandingSettings())
    return _branding_from(BrandingSettings.for_site(site))


def _branding_from(settings: BrandingSettings) -> Branding:
    branding = Branding(
        organisation_name=settings.organisation_name,
        brand_colour=safe_brand_colour(settings.brand_colour),
        font_stack=font_stack(settings.font),
        show_beta_banner=settings.show_beta_banner,
        feedback_href=settings.feedback_url
        or (f"mailto:{settings.feedback_email}" if settings.feedback_email else ""),
    )
    if settings.logo_id and settings.logo is not None:
        rendition = settings.logo.get_rendition(LOGO_FILTER)
        branding = replace(
            branding, logo_url=rendition.url, logo_width=rendition.width, logo_height=rendition.height
        )
    return branding


def branding_settings_default() -> BrandingSettings:
    """The default site's branding settings (with its logo), for what is made away from a request:
    certificates drawn by the worker, for one. Unsaved defaults when there is no default site."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return BrandingSettings.for_site(site) if site is not None else BrandingSettings()
