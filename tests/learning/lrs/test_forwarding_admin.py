"""The forwarding screens: L&D see each target's outbox and resend dead letters; L&D leads set
targets up (the password is never shown back); everyone else is refused; hostile posts resend nothing."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from cms.people.roles import GROUP_LD_EDITORS, GROUP_LD_LEADS, GROUP_TEAM_MANAGERS
from cms.people.services import groups_ensure
from learning.models import LrsForwardingTarget, LrsOutbox
from learning.services.lrs import lrs_statements_store
from tests.cms.people.factories import UserFactory
from tests.learning.lrs.statements import lrs_statement

pytestmark = pytest.mark.django_db

Status = LrsOutbox.Status
OVERVIEW = "/admin/lrs-forwarding/"
TARGETS = "/admin/learning/lrs-forwarding-targets/"


def _person(kind):
    groups_ensure()
    if kind == "anonymous":
        return None
    if kind == "learner":
        return UserFactory()
    groups = {
        "manager": [GROUP_TEAM_MANAGERS],
        "ld_editor": [GROUP_LD_EDITORS],
        "ld_lead": [GROUP_LD_LEADS],
        "superuser": [],
    }[kind]
    user = UserFactory(groups=groups, is_superuser=kind == "superuser", is_staff=kind == "superuser")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def _client(kind, **kwargs):
    client = Client(**kwargs)
    user = _person(kind)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def council():
    """A target with two delivered statements, one pending that failed, and two dead letters."""
    target = LrsForwardingTarget.objects.create(
        name="Council LRS", endpoint="https://lrs.example.org/xapi/", username="key", password="s3cret-pw"
    )
    lrs_statements_store(
        statements=[lrs_statement() for _ in range(5)],
        credential=None,
        authority={"mbox": "mailto:t@example.org"},
        version="2.0.0",
    )
    rows = list(LrsOutbox.objects.filter(target=target).order_by("pk"))
    LrsOutbox.objects.filter(pk__in=[r.pk for r in rows[:2]]).update(status=Status.DELIVERED, attempts=1)
    LrsOutbox.objects.filter(pk=rows[2].pk).update(attempts=2, last_error="HTTP 503")
    LrsOutbox.objects.filter(pk__in=[r.pk for r in rows[3:]]).update(
        status=Status.DEAD, attempts=1, last_error="HTTP 400: bad verb", last_attempt_at=timezone.now()
    )
    target.failing_since = timezone.now()
    target.last_error = "HTTP 503 from POST"
    target.last_error_at = timezone.now()
    target.save()
    target.rows = rows
    return target


@pytest.mark.parametrize(
    ("kind", "sees"),
    [
        ("anonymous", False),
        ("learner", False),
        ("manager", False),
        ("ld_editor", True),
        ("ld_lead", True),
        ("superuser", True),
    ],
)
def test_only_ld_and_superusers_see_the_outbox_screens(council, kind, sees):
    client = _client(kind)
    detail = f"{OVERVIEW}{council.pk}/"
    for url in (OVERVIEW, detail):
        response = client.get(url)
        assert (response.status_code == 200) is sees, (url, response.status_code)
        assert response.status_code in ({200} if sees else {302, 403})
    if sees:
        page = client.get(detail).text
        assert "HTTP 503 from POST" in page and "Failing since" in page
        assert "HTTP 400: bad verb" in page and "Resend all dead letters" in page
        facts = re.sub(r"\s+", " ", page)
        assert "<dt>Delivered</dt> <dd>2</dd>" in facts
        assert "<dd>1, of which 1 failed at least once</dd>" in facts
        assert "<dt>Dead letters</dt> <dd>2</dd>" in facts
        assert "s3cret-pw" not in page


@pytest.mark.parametrize("kind", ["anonymous", "learner", "manager"])
def test_others_cannot_resend(council, kind):
    _client(kind).post(f"{OVERVIEW}{council.pk}/resend/", {"all": "1"})
    assert LrsOutbox.objects.filter(target=council, status=Status.DEAD).count() == 2


def test_resend_one_dead_letter_then_all(council):
    client = _client("ld_editor")
    dead = council.rows[3]
    response = client.post(f"{OVERVIEW}{council.pk}/resend/", {"outbox_id": str(dead.pk)}, follow=True)
    assert response.status_code == 200 and "1 statement queued to send again" in response.text
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (Status.PENDING, 0)
    response = client.post(f"{OVERVIEW}{council.pk}/resend/", {"all": "1"}, follow=True)
    assert "1 statement queued" in response.text
    assert not LrsOutbox.objects.filter(status=Status.DEAD).exists()


@pytest.mark.parametrize("value", ["abc", "", "-1", "9" * 40, "1 OR 1=1"])
def test_hostile_resend_ids_are_refused_with_a_message(council, value):
    response = _client("ld_lead").post(f"{OVERVIEW}{council.pk}/resend/", {"outbox_id": value}, follow=True)
    assert response.status_code == 200
    assert "Choose a dead letter to resend" in response.text
    assert LrsOutbox.objects.filter(status=Status.DEAD).count() == 2


def test_resending_a_row_that_is_not_a_dead_letter_or_is_another_targets_does_nothing(council):
    other = LrsForwardingTarget.objects.create(
        name="Other", endpoint="https://other.example.org/", username="k"
    )
    client = _client("ld_editor")
    delivered = council.rows[0]
    for target, row in ((council, delivered), (other, council.rows[3])):
        response = client.post(f"{OVERVIEW}{target.pk}/resend/", {"outbox_id": str(row.pk)}, follow=True)
        assert "Nothing to resend" in response.text
    delivered.refresh_from_db()
    assert delivered.status == Status.DELIVERED
    assert LrsOutbox.objects.filter(status=Status.DEAD).count() == 2


def test_resend_needs_post_with_the_csrf_token_and_a_real_target(council):
    client = _client("ld_editor", enforce_csrf_checks=True)
    assert client.get(f"{OVERVIEW}{council.pk}/resend/").status_code == 405
    assert client.post(f"{OVERVIEW}{council.pk}/resend/", {"all": "1"}).status_code == 403
    assert LrsOutbox.objects.filter(status=Status.DEAD).count() == 2
    assert _client("ld_editor").post(f"{OVERVIEW}999999/resend/", {"all": "1"}).status_code == 404
    assert _client("ld_editor").get(f"{OVERVIEW}999999/").status_code == 404
    # Someone refused is refused alike whether or not the target exists.
    assert _client("manager").get(f"{OVERVIEW}999999/").status_code in {302, 403}


def test_an_ld_lead_sets_up_a_target_and_its_password_is_never_shown_back():
    client = _client("ld_lead")
    response = client.post(
        f"{TARGETS}new/",
        {
            "name": "Council LRS",
            "endpoint": "https://lrs.example.org/xapi/",
            "version": "1.0.3",
            "username": "platform",
            "password": "s3cret-pw",
            "is_active": "on",
            "verbs": "http://adlnet.gov/expapi/verbs/completed\n",
            "batch_size": "100",
            "max_attempts": "20",
        },
    )
    assert response.status_code == 302, response.text[:3000]
    target = LrsForwardingTarget.objects.get()
    assert target.password == "s3cret-pw" and target.verbs == ["http://adlnet.gov/expapi/verbs/completed"]
    edit = client.get(f"{TARGETS}edit/{target.pk}/")
    assert edit.status_code == 200 and "s3cret-pw" not in edit.text
    response = client.post(
        f"{TARGETS}edit/{target.pk}/",
        {
            "name": "Council LRS",
            "endpoint": "https://lrs.example.org/xapi/",
            "version": "2.0.0",
            "username": "platform",
            "password": "",
            "is_active": "on",
            "verbs": "",
            "batch_size": "50",
            "max_attempts": "20",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.password, target.version, target.verbs) == ("s3cret-pw", "2.0.0", [])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"endpoint": "ftp://lrs.example.org/"}, "https://"),
        ({"credentials_env": "not valid!", "username": ""}, "capital letters"),
        ({"username": ""}, "Name the environment variable"),
        ({"credentials_env": "COUNCIL_LRS"}, "one way"),
        ({"verbs": "not an iri"}, "absolute IRI"),
        ({"batch_size": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_target_settings_are_form_errors(fields, message):
    data = {
        "name": "Council LRS",
        "endpoint": "https://lrs.example.org/xapi/",
        "version": "1.0.3",
        "username": "platform",
        "password": "pw",
        "is_active": "on",
        "verbs": "",
        "batch_size": "100",
        "max_attempts": "20",
        **fields,
    }
    response = _client("ld_lead").post(f"{TARGETS}new/", data)
    assert response.status_code == 200
    assert message in response.text
    assert not LrsForwardingTarget.objects.exists()


@pytest.mark.parametrize("kind", ["ld_editor", "manager", "learner"])
def test_only_ld_leads_and_superusers_set_targets_up(kind):
    client = _client(kind)
    assert client.get(TARGETS).status_code in {302, 403}
    sneaky = {"name": "sneaky", "endpoint": "https://evil.example.org/", "username": "x"}
    client.post(f"{TARGETS}new/", sneaky)
    assert not LrsForwardingTarget.objects.exists()
    assert _client("superuser").get(TARGETS).status_code == 200
