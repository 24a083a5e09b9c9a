"""Accounts: who may sign up, and what the header offers each kind of person."""

import pytest
from django.core import mail
from django.test import RequestFactory

from cms.core.context_processors import navigation
from cms.people.models import User
from cms.people.roles import GROUP_LD_EDITORS, GROUP_SENIOR_MANAGERS, GROUP_TEAM_MANAGERS
from tests.cms.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


def _signup(client, email):
    return client.post(
        SIGNUP, {"email": email, "password1": "a-long-pass-phrase-77", "password2": "a-long-pass-phrase-77"}
    )


@pytest.mark.parametrize("email", ["ada@oxfordshire.gov.uk", "pc.jones@thamesvalley.police.uk", "n@NHS.NET"])
def test_staff_with_an_allowed_domain_can_sign_up_and_must_verify(client, home_page, email):
    """A social worker signs up with a council address and is sent a verification link."""
    response = _signup(client, email)
    assert response.status_code == 302
    assert User.objects.filter(email__iexact=email).exists()
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.parametrize(
    "email", ["someone@gmail.com", "x@oxfordshire.gov.uk.evil.com", "x@evil-oxfordshire.gov.uk"]
)
def test_other_domains_are_refused_with_a_clear_message(client, home_page, email):
    response = _signup(client, email)
    assert response.status_code == 200
    assert "ask the Learning and Development team to send you an invitation" in response.text
    assert not User.objects.filter(email__iexact=email).exists()
    assert mail.outbox == []


def _nav_labels(user):
    request = RequestFactory().get("/")
    request.user = user
    return [item["label"] for item in navigation(request)["nav_items"]]


def test_anonymous_visitors_get_no_staff_navigation():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert navigation(request) == {"nav_items": []}


@pytest.mark.parametrize(
    ("groups", "expected_admin"),
    [
        ([], False),
        ([GROUP_TEAM_MANAGERS], False),
        ([GROUP_SENIOR_MANAGERS], False),
        ([GROUP_LD_EDITORS], False),
    ],
)
def test_navigation_offers_admin_only_to_people_with_admin_access(groups, expected_admin):
    user = UserFactory(groups=groups)
    assert ("Admin" in _nav_labels(user)) is expected_admin


def test_superusers_see_admin_in_navigation():
    assert "Admin" in _nav_labels(UserFactory(is_superuser=True))
