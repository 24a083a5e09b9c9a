"""The role-by-URL sweep: every URL the site answers, asked by every role, about someone else.

The test walks the whole URL resolver (Django's, Wagtail admin's, allauth's, each app's),
builds a concrete URL for each pattern by filling its parameters from a small world of
data owned by a *victim* (another person's booking, attempt, certificate, enrolment,
invitation, calendar token, pages, snippets, images and documents), and requests it as
each role, signed in through the real allauth flow with a completed second factor:
GET, HEAD, an empty POST and a plausible POST, with the CSRF check enforced as in
production. It fails on a 5xx or a raised exception, on the victim's private data in a
response (body, JSON or redirect target) that the role may not see, on any change to the
victim's rows, and on an admin URL answering 2xx to a session that never passed the
second factor. A new URL is covered without editing this file: its parameters are filled
by name, by the model of the view that serves it, or by converter type, and a pattern
that still cannot be turned into a URL resolving back to it fails the test by name.
How to read a failure: docs/accounts-and-security.md, "Role-by-URL test".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
import uuid
import warnings
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from cms.pages.demo.seed import home_page_ensure
from cms.people import roles
from cms.people.services import invitation_send
from learning.models import ModuleCompletion
from learning.services import (
    certificate_create,
    enrolments_sync,
    knowledge_check_answer,
    reflection_save,
    scenario_attempt_start,
)
from learning.views.assignments import calendar_token
from practiceweek import notifications as practiceweek_notifications
from practiceweek.models import Booking, BookingEvent
from practiceweek.models import Reflection as VisitReflection
from tests.cms.people.factories import TeamFactory, UserFactory, staff_member
from tests.conftest import caches_of_their_own
from tests.learning.factories import AssignmentFactory
from tests.modules.factories import (
    h5p_activity_block,
    h5p_package_ready,
    knowledge_check_block,
    module_with_lessons,
    reflection_block,
    scenario_block,
    scenario_create,
    text_block,
)
from tests.practiceweek.factories import PracticeWeekFactory, booking_direct, slot_at

PASSWORD = "correct-horse-battery-staple"

# Words that appear nowhere but in the victim's private data. Searched case-insensitively
# in every response body and redirect target.
SURNAME = "Quenbyvantrell"  # the victim's name and email (and so their certificate)
LESSON_REFLECTION = "Kestrelmoon"  # what the victim wrote in a lesson's reflection
VISIT_REFLECTION = "Thornquistle"  # what the victim wrote after a shadowing visit
BOOKING_NOTE = "Larkspurvane"  # L&D's note on the victim's booking (its audit trail)
INVITEE = "Brackwater"  # the email address of a person L&D invited
MARKERS = (SURNAME, LESSON_REFLECTION, VISIT_REFLECTION, BOOKING_NOTE, INVITEE)

# The control: the victim themselves, whose sweep must see their own data (else the world is
# not where the sweep looks, and the other roles' clean results would prove nothing).
VICTIM = "victim"

# What each role may legitimately see of the victim, and where. Anything not listed here is a leak.
L_AND_D = {"ld_editor", "ld_lead", "superuser"}
ADMIN_PREFIX = "/admin/"


def marker_allowed(*, role: str, marker: str, path: str, bearer: bool) -> bool:
    """Whether `role` may see `marker` in the answer to `path`.

    `bearer` says the URL carries one of the victim's secret link tokens (certificate code,
    calendar feed token, offer or invitation token): holding the token is the credential.
    """
    if role == VICTIM:
        return True  # their own data (the control sweep proves the world is reachable)
    if bearer and marker == SURNAME and path.startswith("/certificates/verify/"):
        # A certificate's code is printed on it so a third party can check it: the verify page
        # names the holder to whoever has the code, and to no one without it.
        return True
    if bearer and marker == INVITEE and path.startswith("/accounts/invitation/"):
        # The invitation link travels only in the email to the invited address: its holder is
        # shown the address the account will be made for.
        return True
    if role in L_AND_D:
        if marker in {SURNAME, BOOKING_NOTE, INVITEE}:
            # L&D run the people records, readiness (My team shows them every team), practice
            # week and invitations: they see names, emails, booking notes and invitations.
            return True
        if marker in {LESSON_REFLECTION, VISIT_REFLECTION} and re.match(
            r"^/admin/readiness/people/\d+/record\.\w+$", path
        ):
            # The subject access export is everything the platform holds about the person
            # (cms.core.personal_data), lesson and practice-week reflections included.
            return True
    # The victim's own line manager follows their learning (My team, reminders, scenario
    # figures): they see the name, never the reflections. Reflections after shadowing visits
    # stay private to their writer: L&D see only anonymised themes.
    return role == "line_manager" and marker == SURNAME


# Changes to the victim's rows a role may make (digest keys as "app_label.Model.lookup").
def change_allowed(*, role: str, key: str) -> bool:
    if role == VICTIM:
        return True
    # L&D and the victim's own line manager may nudge them about overdue learning (My team's
    # reminder button): the reminder log records the message.
    return role in {*L_AND_D, "line_manager"} and key.startswith("core.MessageSent.")


# Where a URL truly cannot be requested in a sweep, and why. Every other pattern is requested.
NOT_REQUESTED: dict[str, str] = {
    "admin/failwhale/ [wagtailadmin_error_test]": (
        "Wagtail's deliberate error page (superusers test error reporting with it): it raises by design."
    ),
}

# Problems the sweep finds today that belong to other work, each with who owns it. A problem
# line matching one of these patterns is reported in the test's output but does not fail it;
# delete the entry when its fix lands (the sweep then guards the fix).
KNOWN_PROBLEMS: dict[str, str] = {}


# ---------------------------------------------------------------------------------------
# The world: a victim with a bit of everything, and one person per role who is not them.


@dataclass
class World:
    victim_id: int
    role_emails: dict[str, str]
    params: dict[str, object]
    bearer_values: set[str]


def _verified(user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def world_build() -> World:
    """Everything the sweep asks about, built through the product's own services."""
    home = home_page_ensure()
    victim_manager = staff_member(role=roles.TEAM_MANAGER, first_name="Vera", last_name="Linehead")
    victim_team = victim_manager.profile.team
    victim = _verified(
        staff_member(
            role=roles.SENIOR_MANAGER,
            team=victim_team,
            line_manager=victim_manager,
            first_name="Marisol",
            last_name=SURNAME,
            email=f"marisol.{SURNAME.lower()}@oxfordshire.gov.uk",
        )
    )

    # The roles: the victim's own line manager, and others in teams of their own.
    own_team = TeamFactory()
    people = {
        "line_manager": victim_manager,
        "learner": staff_member(role=roles.SOCIAL_WORKER),
        "manager": staff_member(role=roles.TEAM_MANAGER, team=own_team),
        "senior_manager": staff_member(role=roles.SENIOR_MANAGER),
        "host": staff_member(role=roles.SOCIAL_WORKER),
        "ld_editor": staff_member(role=roles.LEARNING_AND_DEVELOPMENT),
        "ld_lead": staff_member(role=roles.LEARNING_AND_DEVELOPMENT_LEAD),
        "recruitment": staff_member(role=roles.RECRUITMENT),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    staff_member(role=roles.SOCIAL_WORKER, team=own_team, line_manager=people["manager"])
    for person in people.values():
        _verified(person)

    # Learning: an assigned module with a knowledge check, a reflection, an H5P activity and a scenario.
    scenario = scenario_create(slug="victim-practice")
    package = h5p_package_ready(title="Victim's activity")
    check, reflection = knowledge_check_block(), reflection_block()
    module, (lesson, lesson_two) = module_with_lessons(
        home,
        bodies=[
            [text_block(), check, reflection, h5p_activity_block(package=package)],
            [scenario_block(scenario)],
        ],
    )
    AssignmentFactory(module=module, teams=[victim_team], people=[victim])
    enrolments_sync()
    knowledge_check_answer(user=victim, lesson=lesson, block_id=check["id"], option_ids=["o2"])
    reflection_save(
        user=victim, lesson=lesson, block_id=reflection["id"], text=f"{LESSON_REFLECTION}: the family's fears"
    )
    attempt = scenario_attempt_start(user=victim, scenario=scenario, lesson=lesson_two, block_id="")
    completion = ModuleCompletion.objects.create(user=victim, module=module, completed_at=timezone.now())
    certificate = certificate_create(completion=completion)
    enrolment = victim.enrolments.get()

    # Practice week: the victim's confirmed visit with a reflection, and an offer on another slot.
    # A week under way: the victim's visit was yesterday (so it has a reflection), others are to come.
    week = PracticeWeekFactory(
        starts_on=timezone.localdate() - dt.timedelta(days=1),
        signup_opens_at=timezone.now() - dt.timedelta(days=20),
        signup_closes_at=timezone.now() - dt.timedelta(days=3),
    )
    victim_slot = slot_at(week, day=0, hour=9)
    offered_slot = slot_at(week, day=1, hour=9)
    host_slot = slot_at(week, day=2, hour=9, hosts=[people["host"]])
    booking = booking_direct(slot=victim_slot, user=victim)
    VisitReflection.objects.create(booking=booking, text=f"{VISIT_REFLECTION}: what I saw at the visit")
    BookingEvent.objects.create(
        booking=booking, at=timezone.now(), action="note", note=f"{BOOKING_NOTE}: needs step-free access"
    )
    offer = booking_direct(
        slot=offered_slot,
        user=victim,
        status=Booking.Status.OFFERED,
        offer_round=1,
        offer_expires_at=timezone.now() + dt.timedelta(days=1),
    )
    booking_direct(slot=host_slot, user=people["senior_manager"])

    invitation = invitation_send(
        email=f"ottoline.{INVITEE.lower()}@example.org", invited_by=people["ld_lead"]
    )

    # Media and a page revision for the admin's image, document and revision URLs. Documents and
    # images are shared content here (lesson handouts), not anybody's own: no marker in them.
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    document = get_document_model().objects.create(
        title="Family plan template", file=ContentFile(b"A plan", name="plan.txt")
    )
    image = get_image_model().objects.create(title="Victim photo", file=get_test_image_file())
    revision = lesson.save_revision(user=people["ld_editor"])

    victim_tokens = {
        "calendar": calendar_token(victim),
        "certificate": certificate.code,
        "offer": practiceweek_notifications.offer_token(booking=offer),
        "invitation": invitation.token,
    }
    params = {
        # By parameter name: the victim's objects first.
        "user_id": victim.pk,
        "booking_id": booking.pk,
        "slot_id": victim_slot.pk,
        "week_id": week.pk,
        "attempt_id": attempt.pk,
        "lesson_id": lesson.pk,
        "module_id": module.pk,
        "version_id": package.current_version_id,
        "block_id": reflection["id"],
        "page_id": lesson.pk,
        "parent_page_id": module.pk,
        "page_to_move_id": lesson.pk,
        "destination_id": module.pk,
        "revision_id": revision.pk,
        "document_id": document.pk,
        "doc_id": document.pk,
        "image_id": image.pk,
        "code": certificate.code,
        "kind": "png",
        "fmt": "json",
        "slug": scenario.slug,
        "path": "content/content.json",
        "app_label": "people",
        "app_name": "people",
        "model_name": "staffprofile",
        "content_type_app_name": "modules",
        "content_type_model_name": "lessonpage",
        "filter_spec": "original",
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "enrolment_id": enrolment.pk,
    }
    world = World(
        victim_id=victim.pk,
        role_emails={VICTIM: victim.email} | {name: person.email for name, person in people.items()},
        params=params,
        bearer_values=set(victim_tokens.values()),
    )
    # Tokens by the URL they open (the token parameter is generic in name).
    world.params["token"] = victim_tokens
    world.params["_document_path"] = (str(document.pk), document.filename)
    world.params["_page_path"] = lesson.url_path.split("/", 2)[-1]
    return world


# ---------------------------------------------------------------------------------------
# Walking the resolver and filling each pattern.


@dataclass
class Route:
    label: str  # the pattern as written, with its namespace path: what a failure names
    segments: list  # (pattern object, owning URLPattern or URLResolver)
    pattern: URLPattern


def routes() -> list[Route]:
    found = []

    def walk(resolver, segments, names):
        for entry in resolver.url_patterns:
            namespace = names + (
                [entry.namespace] if isinstance(entry, URLResolver) and entry.namespace else []
            )
            if isinstance(entry, URLResolver):
                walk(entry, [*segments, entry.pattern], namespace)
            else:
                text = "".join(str(p) for p in [*segments, entry.pattern])
                name = ":".join([*namespace, entry.name]) if entry.name else "(unnamed)"
                found.append(
                    Route(label=f"{text} [{name}]", segments=[*segments, entry.pattern], pattern=entry)
                )

    walk(get_resolver(), [], [])
    return found


ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
GENERIC_BY_CONVERTER = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.UUID(int=1)), "path": "x"}
GENERIC_FOR_REGEX = ("1", "x", "ABCDEFGH", "live", "latest", "png", "x/", "a-1", "")


class Unfillable(Exception):
    pass


def _model_of(pattern: URLPattern):
    """The model a class-based view works on (Wagtail's viewsets pass it in), if any."""
    view_class = getattr(pattern.callback, "view_class", None)
    initkwargs = getattr(pattern.callback, "view_initkwargs", {}) or {}
    model = initkwargs.get("model") or getattr(view_class, "model", None)
    if not isinstance(model, type) and view_class is not None:
        try:  # a model worked out per view (Wagtail's choosers): ask an instance
            model = view_class(**initkwargs).model
        except Exception:  # a view that cannot be built bare has no model to offer
            model = None
    return model if isinstance(model, type) and issubclass(model, Model) else None


def _value_for(name: str, *, world: World, route: Route) -> str | None:
    if name == "token":
        tokens = world.params["token"]
        url_name = route.pattern.name or ""
        for key, token in tokens.items():
            if key in url_name or key in route.label:
                return token
        return None
    if name in {"pk", "object_id", "id"}:
        model = _model_of(route.pattern) or _model_named_in(route, world=world)
        if model is not None:
            return str(_victim_row_of(model, world=world))
        return None
    value = world.params.get(name)
    return None if value is None or isinstance(value, dict) else str(value)


def _model_named_in(route: Route, *, world: World):
    """The model a URL names: by app label and model name (as we fill them), else by its plural
    as a path segment ("documents/chooser/chosen/<pk>/" is a document)."""
    text = _route_text(route)
    if "<str:app_label>/<str:model_name>" in text or "<slug:app_label>/<slug:model_name>" in text:
        return apps.get_model(str(world.params["app_label"]), str(world.params["model_name"]))
    segments = set(re.split(r"[/^$]", text))
    for model in apps.get_models():
        if f"{model._meta.model_name}s" in segments:
            return model
    return None


def _victim_row_of(model, *, world: World) -> int:
    """The pk of the victim's own row of `model`, else the victim's user, else any row, else 1."""
    user_model = get_user_model()
    if model is user_model:
        return world.victim_id
    for model_field in model._meta.concrete_fields:
        if model_field.is_relation and model_field.related_model is user_model:
            row = model._default_manager.filter(**{model_field.name: world.victim_id}).order_by("pk").first()
            if row is not None:
                return row.pk
    row = model._default_manager.order_by("pk").first()
    return row.pk if row is not None else 1


def _fill_route_pattern(text: str, converters: dict, *, world: World, route: Route) -> str:
    def replace(match):
        name, converter = match.group("name"), match.group("converter") or "str"
        value = _value_for(name, world=world, route=route)
        if value is None:
            value = GENERIC_BY_CONVERTER.get(converter)
        if value is None:
            raise Unfillable(f"no value for <{converter}:{name}>")
        return converters[name].to_url(converters[name].to_python(value)) if name in converters else value

    return ROUTE_PARAM.sub(replace, text)


def _top_level_groups(regex: str) -> list[tuple[int, int, str | None, str]]:
    """(start, end, name, body) of each top-level capturing group in `regex`."""
    groups, depth, start, escaped = [], 0, None, False
    for index, char in enumerate(regex):
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and start is not None:
                inner = regex[start + 1 : index]
                named = re.match(r"\?P<(\w+)>", inner)
                if named:
                    groups.append((start, index + 1, named.group(1), inner[named.end() :]))
                elif not inner.startswith("?"):
                    groups.append((start, index + 1, None, inner))
    return groups


def _fill_regex_pattern(regex: str, *, world: World, route: Route) -> str:
    pieces, last, unnamed = [], 0, 0
    for start, end, name, body in _top_level_groups(regex):
        candidates = []
        if name:
            value = _value_for(name, world=world, route=route)
            if value is not None:
                candidates.append(value)
        else:
            # Unnamed groups: the document's id and file name, or a page's path, when they fit.
            document = world.params["_document_path"]
            candidates += [document[unnamed] if unnamed < len(document) else "", world.params["_page_path"]]
            unnamed += 1
        candidates += list(GENERIC_FOR_REGEX)
        value = next((c for c in candidates if re.fullmatch(body, c)), None)
        if value is None:
            raise Unfillable(f"no value matches the group {body!r}")
        pieces += [regex[last:start], value]
        last = end
    pieces.append(regex[last:])
    text = "".join(pieces).removeprefix("^").removesuffix("$")
    return re.sub(r"\\(.)", r"\1", text)


def concrete_url(route: Route, *, world: World) -> str:
    """A URL that resolves back to this route, its parameters filled from the victim's world."""
    parts = []
    for segment in route.segments:
        if isinstance(segment, RoutePattern):
            parts.append(_fill_route_pattern(str(segment), segment.converters, world=world, route=route))
        else:
            parts.append(_fill_regex_pattern(str(segment), world=world, route=route))
    url = "/" + "".join(parts)
    try:
        match = resolve(url)
    except Resolver404 as error:
        raise Unfillable(f"{url} does not resolve") from error
    if match.func is not route.pattern.callback and getattr(match, "route", None) != _route_text(route):
        raise Unfillable(f"{url} resolves to {match.route} instead")
    return url


def _route_text(route: Route) -> str:
    return "".join(str(segment) for segment in route.segments)


# ---------------------------------------------------------------------------------------
# The victim's rows, and what a request wrote.


def _victim_querysets(world: World):
    """(name, queryset) for every row pointing at the victim's user, then every row of our apps
    pointing at those rows; the names are stable so two digests compare key by key."""
    user_model = get_user_model()
    first_level = []
    yield "user", user_model._default_manager.filter(pk=world.victim_id)
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation and model_field.related_model is user_model:
                first_level.append((model, model_field.name))
                yield (
                    f"{model._meta.label}.{model_field.name}",
                    model._default_manager.filter(**{model_field.name: world.victim_id}),
                )
    ours = {"people", "learning", "practiceweek", "modules"}
    for model in apps.get_models():
        if model._meta.app_label not in ours:
            continue
        for model_field in model._meta.concrete_fields:
            for parent, user_field in first_level:
                if model_field.is_relation and model_field.related_model is parent:
                    lookup = f"{model_field.name}__{user_field}"
                    yield (
                        f"{model._meta.label}.{lookup}",
                        model._default_manager.filter(**{lookup: world.victim_id}),
                    )
    # An invitation belongs to the person invited, who has no account yet.
    from cms.people.models import Invitation

    yield "invitation", Invitation.objects.filter(email__icontains=INVITEE)


def victim_digest(world: World) -> dict[str, str]:
    digest = {}
    for name, queryset in _victim_querysets(world):
        rows = list(queryset.order_by("pk").values())
        digest[name] = hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()
    return digest


MESSAGE_COOKIE = CookieStorage.cookie_name
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class WriteLog:
    """The SQL writes a request made (for naming the URL that changed the victim's rows)."""

    def __init__(self):
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if WRITE.match(sql):
            self.writes.append(sql[:120])
        return execute(sql, params, many, context)


# ---------------------------------------------------------------------------------------
# Signing in as the product does, and the sweep itself.


def csrf_token(client: Client) -> str:
    cookie = client.cookies.get(settings.CSRF_COOKIE_NAME)
    return cookie.value if cookie else ""


def _post(client: Client, url: str, data: dict):
    return client.post(
        url, {**data, "csrfmiddlewaretoken": csrf_token(client)}, HTTP_X_CSRFTOKEN=csrf_token(client)
    )


def sign_in(client: Client, email: str, *, totp_secret: str | None) -> None:
    """allauth's sign-in form, then (for MFA users) its TOTP stage with the code the app would show."""
    client.get("/accounts/login/")
    response = _post(client, "/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, f"sign-in for {email} answered {response.status_code}"
    if totp_secret is not None:
        assert response["Location"].startswith("/accounts/2fa/authenticate/"), response["Location"]
        code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30))
        response = _post(client, "/accounts/2fa/authenticate/", {"code": code})
        assert response.status_code == 302, f"TOTP stage for {email} answered {response.status_code}"
    assert "_auth_user_id" in client.session, f"{email} is not signed in"


ROLES = (
    "anonymous",
    "learner",
    "line_manager",
    "manager",
    "senior_manager",
    "host",
    "ld_editor",
    "ld_lead",
    "recruitment",
    "superuser",
)
MFA_ROLES = ("ld_editor", "ld_lead", "recruitment", "superuser")
# May change the victim's records through the admin (each such POST is rolled back straight after).
ADMIN_WRITERS = L_AND_D


def plausible_body(world: World) -> dict:
    """Field names the site's forms read, with values aimed at the victim's records."""
    return {
        "option": "o2",
        "text": "A sweep reflection",
        "step": "1",
        "response": "x",
        "enrolment": str(world.params["enrolment_id"]),
        "slot": str(world.params["slot_id"]),
        "booking": str(world.params["booking_id"]),
        "user": str(world.victim_id),
        "decision": "accept",
        "action": "erase",
        "reason": "Role-by-URL sweep",
        "confirm": "yes",
        "agreed": "on",
        "note": "sweep",
        "themes": "mi",
        "share_themes": "on",
        "status": "cancelled",
        "title": "Sweep",
        "next": "/",
    }


@dataclass
class Sweep:
    role: str
    world: World
    client: Client
    session_data: dict | None
    problems: list[str] = field(default_factory=list)
    writes_by_url: dict[str, list[str]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    def keep_signed_in(self) -> None:
        """A URL that signs the role out (logout, erase) must not end the sweep: restore the session."""
        if self.session_data is None or "_auth_user_id" in self.client.session:
            return
        store = SessionStore()
        store.update(self.session_data)
        store.create()
        self.client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key

    def request(self, method: str, url: str, *, data=None, rollback: bool = False):
        self.keep_signed_in()
        log = WriteLog()
        response = None
        try:
            with connection.execute_wrapper(log), transaction.atomic():
                if method == "GET":
                    response = self.client.get(url)
                elif method == "HEAD":
                    response = self.client.head(url)
                elif method == "JSON":
                    response = self.client.post(
                        url,
                        json.dumps(data),
                        content_type="application/json",
                        HTTP_X_CSRFTOKEN=csrf_token(self.client),
                    )
                else:
                    response = _post(self.client, url, data or {})
                if rollback:
                    transaction.set_rollback(True)
        except Exception as error:  # any exception a view raises is a failure to report, not to stop on
            self.problems.append(f"{self.role} {method} {url}: raised {type(error).__name__}: {error}"[:400])
            return None
        if log.writes:
            self.writes_by_url[f"{method} {url}"] = log.writes
        self.check(method, url, response, flashed=self.flashed_messages())
        return response

    def flashed_messages(self) -> str:
        """The messages this answer left for the next page, taken from the client as a browser's
        next page would show them (left to pile up, they would slow every later request)."""
        morsel = self.client.cookies.pop(MESSAGE_COOKIE, None)
        if morsel is None or not morsel.value:
            return ""
        messages = CookieStorage(HttpRequest())._decode(morsel.value) or []
        return " ".join(str(message.message) for message in messages)

    def check(self, method: str, url: str, response, *, flashed: str = "") -> None:
        where = f"{self.role} {method} {url}"
        if response.status_code >= 500:
            self.problems.append(f"{where}: answered {response.status_code}")
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        text = (body.decode("utf-8", "replace") + str(dict(response.headers)) + flashed).lower()
        bearer = any(value in url for value in self.world.bearer_values)
        for marker in MARKERS:
            at = text.find(marker.lower())
            if at >= 0:
                self.seen.add(marker)
            if at >= 0 and not marker_allowed(role=self.role, marker=marker, path=url, bearer=bearer):
                context = " ".join(text[max(0, at - 100) : at + 40].split())
                self.problems.append(f"{where}: shows the victim's private {marker!r} in: ...{context}...")


def _area_of(url: str) -> str:
    return "admin" if url.startswith(ADMIN_PREFIX) else "site"


def urls_of_area(sweep: Sweep, *, area: str) -> list[str]:
    """The area's concrete URLs; those carrying one of the victim's link tokens come last, because
    opening such a link legitimately puts its context in the session (an invitation pre-fills sign-up)."""
    urls = []
    for route in routes():
        if route.label in NOT_REQUESTED:
            continue
        try:
            url = concrete_url(route, world=sweep.world)
        except Unfillable as reason:
            if area == "site":  # reported once, not per area
                sweep.problems.append(f"cannot build a URL for {route.label}: {reason}")
            continue
        if _area_of(url) == area:
            urls.append(url)
    return sorted(urls, key=lambda url: any(value in url for value in sweep.world.bearer_values))


def sweep_run(sweep: Sweep, *, area: str) -> None:
    """Every pattern of the area, every method, as this role; the victim's rows must not change."""
    before = victim_digest(sweep.world)
    plausible = plausible_body(sweep.world)
    for url in urls_of_area(sweep, area=area):
        # Keep the world whole: L&D's admin writes and the victim's own are undone one by one.
        rollback = (area == "admin" and sweep.role in ADMIN_WRITERS) or sweep.role == VICTIM
        sweep.request("GET", url)
        if area == "site":
            # Wagtail's admin views answer HEAD exactly as GET (the body is dropped): asking twice
            # would double the sweep's slowest half for nothing.
            sweep.request("HEAD", url)
        sweep.request("POST", url, data={}, rollback=rollback)
        sweep.request("POST", url, data=plausible, rollback=rollback)
        if area == "site":
            sweep.request("JSON", url, data=plausible, rollback=rollback)
    after = victim_digest(sweep.world)
    changed = sorted(
        key
        for key in set(before) | set(after)
        if before.get(key) != after.get(key) and not change_allowed(role=sweep.role, key=key)
    )
    if changed:
        tables = {
            apps.get_model(key.split(".")[0], key.split(".")[1])._meta.db_table if "." in key else "user"
            for key in changed
        }
        suspects = [
            request
            for request, writes in sweep.writes_by_url.items()
            if any(table in sql.lower() for sql in writes for table in tables)
        ]
        sweep.problems.append(
            f"{sweep.role} changed the victim's rows in {changed}; requests that wrote there: {suspects[:20]}"
        )


def password_only_sweep_run(sweep: Sweep) -> None:
    """Every admin URL, GET, to a session that never passed the second factor: none may answer 2xx."""
    for url in urls_of_area(sweep, area="admin"):
        response = sweep.request("GET", url)
        if response is not None and 200 <= response.status_code < 300:
            sweep.problems.append(
                f"{sweep.role} (password only) GET {url}: answered {response.status_code}, not the MFA step"
            )


class RoleByURLTests(TestCase):
    """One test per role and area; the world is built once per class (per xdist worker)."""

    @classmethod
    def setUpTestData(cls):
        cls.world = world_build()
        user_model = get_user_model()
        cls.totp_secrets = {}
        for role in MFA_ROLES:
            user = user_model.objects.get(email=cls.world.role_emails[role])
            secret = generate_totp_secret()
            TOTP.activate(user, secret)
            cls.totp_secrets[role] = secret

    def setUp(self):
        # A key space of this test's own: allauth's used-code ledger, rate limits and the
        # cached sign-in rows must not carry over between tests that reuse the same people.
        override = override_settings(CACHES=caches_of_their_own(settings.CACHES))
        override.enable()
        self.addCleanup(override.disable)

    def _sweep_for(self, role: str) -> Sweep:
        client = Client(enforce_csrf_checks=True, REMOTE_ADDR=f"10.0.{(*ROLES, VICTIM).index(role)}.1")
        if role == "anonymous":
            client.get("/accounts/login/")
            return Sweep(role=role, world=self.world, client=client, session_data=None)
        sign_in(client, self.world.role_emails[role], totp_secret=self.totp_secrets.get(role))
        return Sweep(role=role, world=self.world, client=client, session_data=dict(client.session.items()))

    def _password_only_sweep_for(self, role: str) -> Sweep:
        """Signed in with the password while not yet enrolled, then enrolled: the session never saw a code."""
        from allauth.mfa.models import Authenticator

        user = get_user_model().objects.get(email=self.world.role_emails[role])
        Authenticator.objects.filter(user=user).delete()
        client = Client(enforce_csrf_checks=True, REMOTE_ADDR=f"10.1.{ROLES.index(role)}.1")
        sign_in(client, user.email, totp_secret=None)
        TOTP.activate(user, generate_totp_secret())
        return Sweep(role=role, world=self.world, client=client, session_data=dict(client.session.items()))

    def _assert_clean(self, sweep: Sweep) -> None:
        known = [line for line in sweep.problems if any(re.search(p, line) for p in KNOWN_PROBLEMS)]
        if known:
            warnings.warn(
                f"{len(known)} known problems (KNOWN_PROBLEMS), not failing this test:\n  "
                + "\n  ".join(known),
                stacklevel=1,
            )
        problems = [line for line in sweep.problems if line not in known]
        self.assertFalse(problems, f"{len(problems)} problems:\n" + "\n".join(problems))


def _full_sweep_test(role: str, area: str):
    def test(self):
        sweep_run(sweep := self._sweep_for(role), area=area)
        self._assert_clean(sweep)

    test.__name__ = f"test_{area}_urls_as_{role}_never_fail_leak_or_change_the_victims_records"
    test.__doc__ = (
        f"A {role.replace('_', ' ')} asking for every {area} URL with another person's ids gets no 5xx, "
        "sees nothing of theirs it may not, and changes none of their records."
    )
    return test


def _victim_control_test(self):
    sweep_run(sweep := self._sweep_for(VICTIM), area="site")
    self._assert_clean(sweep)
    self.assertEqual(
        {SURNAME, LESSON_REFLECTION, VISIT_REFLECTION} - sweep.seen,
        set(),
        "the victim's own sweep never saw these of their records: the URLs are not filled with their objects",
    )


_victim_control_test.__name__ = "test_site_urls_as_the_victim_show_them_their_own_records"
_victim_control_test.__doc__ = (
    "The person whose records the sweep aims at sees them in their own sweep, so the other roles' "
    "clean results mean the same URLs refused them."
)


def _password_only_test(role: str):
    def test(self):
        password_only_sweep_run(sweep := self._password_only_sweep_for(role))
        self._assert_clean(sweep)

    test.__name__ = f"test_admin_urls_refuse_a_{role}_session_without_the_second_factor"
    test.__doc__ = (
        f"A {role.replace('_', ' ')} whose session never passed the second factor is sent to the MFA step "
        "by every admin URL."
    )
    return test


for _role in ROLES:
    for _area in ("site", "admin"):
        _test = _full_sweep_test(_role, _area)
        setattr(RoleByURLTests, _test.__name__, _test)
RoleByURLTests.test_site_urls_as_the_victim_show_them_their_own_records = _victim_control_test
for _role in MFA_ROLES:
    _test = _password_only_test(_role)
    setattr(RoleByURLTests, _test.__name__, _test)
