"""Invitations: how L&D bring in people whose email domain cannot sign up on its own."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import timezone

from cms.people import services
from cms.people.models import Invitation, StaffProfile, User
from cms.people.roles import GROUP_LD_EDITORS, GROUP_LD_LEADS, GROUP_TEAM_MANAGERS
from tests.cms.people.factories import UserFactory
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-pass-phrase-77"
ADMIN_INVITATIONS = "/admin/invitations/"


def _signup(client, email):
    return client.post(
        "/accounts/signup/",
        {
            "first_name": "Pat",
            "last_name": "Partner",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def _accept_path(sent) -> str:
    return sent.url.replace("http://testserver", "")


def test_an_invitation_stores_only_a_hash_of_its_unguessable_token():
    sent = services.invitation_send(email="Pat@Charity.org.uk", invited_by=None)
    invitation = sent.invitation
    assert invitation.email == "pat@charity.org.uk"
    assert len(sent.token) >= 40
    assert sent.token not in invitation.token_hash
    assert invitation.token_hash == services.invitation_token_hash(sent.token)
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        timedelta(days=14), abs=timedelta(seconds=5)
    )
    assert f"/accounts/invitation/{sent.token}/" in sent.url


def test_invited_person_from_another_domain_signs_up_with_that_address(client, home_page):
    """A worker at a partner charity follows the link and creates an account, no further email check."""
    inviter = UserFactory(groups=[GROUP_LD_EDITORS])
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=inviter)

    response = client.get(_accept_path(sent))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/"
    page = client.get("/accounts/signup/")
    assert "You have been invited to join" in page.text
    assert 'value="pat@charity.org.uk"' in page.text

    response = _signup(client, "pat@charity.org.uk")
    assert response.status_code == 302
    user = User.objects.get(email="pat@charity.org.uk")
    assert EmailAddress.objects.get(user=user).verified
    invitation = Invitation.objects.get()
    assert invitation.accepted_user == user
    assert invitation.accepted_at is not None
    assert StaffProfile.objects.filter(user=user).exists()
    assert client.get("/").context["user"] == user


def test_an_invitation_admits_only_the_address_it_was_sent_to(client, home_page):
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    client.get(_accept_path(sent))
    response = _signup(client, "someone.else@charity.org.uk")
    assert response.status_code == 200
    assert "ask the Learning and Development team to send you an invitation" in response.text
    assert not User.objects.filter(email="someone.else@charity.org.uk").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invited_person_who_signs_up_with_an_allowed_address_must_still_verify_it(client, home_page):
    """The invitation proves one address only; a different council address gets the usual check."""
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    client.get(_accept_path(sent))
    _signup(client, "pat@oxfordshire.gov.uk")
    user = User.objects.get(email="pat@oxfordshire.gov.uk")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("pat@oxfordshire.gov.uk", False)
    ]
    assert Invitation.objects.get().accepted_at is None


def test_without_following_the_link_an_invited_address_cannot_sign_up(client, home_page):
    services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    response = _signup(client, "pat@charity.org.uk")
    assert response.status_code == 200
    assert not User.objects.filter(email="pat@charity.org.uk").exists()


def test_a_used_invitation_cannot_be_used_again(client, home_page):
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    client.get(_accept_path(sent))
    _signup(client, "pat@charity.org.uk")
    client.logout()
    response = client.get(_accept_path(sent))
    assert response.status_code == 410
    assert "already been used" in response.text


def test_an_expired_invitation_is_refused_with_a_clear_message(client, home_page):
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        response = client.get(_accept_path(sent))
    assert response.status_code == 410
    assert "This invitation has expired" in response.text


def test_an_invitation_that_expires_between_the_link_and_the_form_admits_nobody(client, home_page):
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    client.get(_accept_path(sent))
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = _signup(client, "pat@charity.org.uk")
    assert response.status_code == 200
    assert not User.objects.filter(email="pat@charity.org.uk").exists()


@pytest.mark.parametrize("token", ["forged-token", "x" * 43, "%00", "a" * 500])
def test_forged_or_mangled_tokens_are_refused_with_a_clear_message(client, home_page, token):
    services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    response = client.get(f"/accounts/invitation/{token}/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.text
    assert "account_verified_email" not in client.session


def test_a_signed_in_person_following_an_invitation_is_told_to_sign_out_first(client, home_page):
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    client.force_login(UserFactory(email="someone@oxfordshire.gov.uk"))
    response = client.get(_accept_path(sent))
    assert response.status_code == 409
    assert "Sign out first" in response.text


def test_sending_again_replaces_the_earlier_link():
    first = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    second = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    assert first.invitation.pk == second.invitation.pk
    with pytest.raises(services.InvitationInvalid):
        services.invitation_check(token=first.token)
    assert services.invitation_check(token=second.token) == second.invitation


def test_people_who_already_have_an_account_are_not_invited():
    UserFactory(email="existing@charity.org.uk")
    with pytest.raises(services.InvitationError, match="already has an account"):
        services.invitation_send(email="Existing@charity.org.uk", invited_by=None)


def test_accepting_is_single_use_even_when_two_requests_race():
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    user = UserFactory(email="pat@charity.org.uk")
    stale_copy = Invitation.objects.get(pk=sent.invitation.pk)
    services.invitation_accept(invitation=sent.invitation, user=user)
    with pytest.raises(services.InvitationUsed):
        services.invitation_accept(invitation=stale_copy, user=user)


@pytest.mark.celery
def test_the_invitation_email_has_text_and_html_parts_with_the_link(celery_worker):
    """The invited person receives a message (sent by the worker after commit) naming who invited them."""
    inviter = UserFactory(first_name="Lena", last_name="Lead", groups=[GROUP_LD_LEADS])
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=inviter)
    (message,) = wait_for(lambda: list(mail.outbox))
    assert message.to == ["pat@charity.org.uk"]
    assert message.subject == "You are invited to Family Safeguarding Learning"
    assert "Lena Lead" in message.body
    assert sent.url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{sent.url}"' in html


# The admin screen -------------------------------------------------------------


def _admin_user(**kwargs):
    user = UserFactory(**kwargs)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def _grant_admin_access(group_name):
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))


@pytest.mark.parametrize("group", [GROUP_LD_EDITORS, GROUP_LD_LEADS])
def test_ld_staff_send_an_invitation_from_the_admin(
    client, home_page, group, django_capture_on_commit_callbacks
):
    _grant_admin_access(group)
    user = _admin_user(groups=[group])
    client.force_login(user)
    assert client.get(ADMIN_INVITATIONS + "new/").status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(ADMIN_INVITATIONS + "new/", {"email": "pat@charity.org.uk"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.invited_by) == ("pat@charity.org.uk", user)
    assert len(callbacks) == 1  # the email is queued once the invitation is committed
    listing = client.get(ADMIN_INVITATIONS)
    assert "pat@charity.org.uk" in listing.text
    assert "pending" in listing.text


def test_the_admin_form_explains_why_an_address_cannot_be_invited(client, home_page):
    _grant_admin_access(GROUP_LD_EDITORS)
    client.force_login(_admin_user(groups=[GROUP_LD_EDITORS]))
    UserFactory(email="existing@charity.org.uk")
    response = client.post(ADMIN_INVITATIONS + "new/", {"email": "existing@charity.org.uk"})
    assert response.status_code == 200
    assert "already has an account" in response.text
    response = client.post(ADMIN_INVITATIONS + "new/", {"email": "not an email"})
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_superusers_may_send_invitations(client, home_page):
    client.force_login(_admin_user(is_superuser=True))
    response = client.post(ADMIN_INVITATIONS + "new/", {"email": "pat@charity.org.uk"})
    assert response.status_code == 302
    assert Invitation.objects.count() == 1


def test_other_admin_users_cannot_see_or_send_invitations(client, home_page):
    """A team manager with admin access (say, for reports) has no say over who joins."""
    _grant_admin_access(GROUP_TEAM_MANAGERS)
    client.force_login(_admin_user(groups=[GROUP_TEAM_MANAGERS]))
    services.invitation_send(email="secret@charity.org.uk", invited_by=None)
    listing = client.get(ADMIN_INVITATIONS)
    assert listing.status_code in (302, 403)
    assert "secret@charity.org.uk" not in listing.text
    response = client.post(ADMIN_INVITATIONS + "new/", {"email": "pat@charity.org.uk"})
    assert response.status_code in (302, 403)
    assert not Invitation.objects.filter(email="pat@charity.org.uk").exists()


def test_invitations_cannot_be_edited_only_withdrawn(client, home_page):
    """The emailed token belongs to one address, so L&D withdraw and resend rather than edit."""
    client.force_login(_admin_user(is_superuser=True))
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    edit = client.post(f"{ADMIN_INVITATIONS}edit/{sent.invitation.pk}/", {"email": "other@charity.org.uk"})
    assert edit.status_code in (302, 403)
    assert Invitation.objects.get().email == "pat@charity.org.uk"
    client.post(f"{ADMIN_INVITATIONS}delete/{sent.invitation.pk}/")
    assert not Invitation.objects.exists()
    with pytest.raises(services.InvitationInvalid):
        services.invitation_check(token=sent.token)


def test_the_invitation_list_has_a_fixed_number_of_queries(client, home_page, django_assert_max_num_queries):
    client.force_login(_admin_user(is_superuser=True))
    inviter = UserFactory()
    for n in range(15):
        services.invitation_send(email=f"p{n}@charity.org.uk", invited_by=inviter)
    with django_assert_max_num_queries(30):
        response = client.get(ADMIN_INVITATIONS)
    assert response.status_code == 200
    assert len(re.findall(r"p\d+@charity\.org\.uk", response.text)) >= 15
