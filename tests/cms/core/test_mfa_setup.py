"""Setting up an authenticator straight after signing in: no second password prompt, and a
setup key shown whole, in groups, with a copy button."""

import re

import pytest
from allauth.account.models import EmailAddress

from tests.cms.people.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def _signed_in_through_allauth(client, **user_fields):
    user = UserFactory(**user_fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return user


def test_an_admin_sent_to_set_up_an_authenticator_after_signing_in_is_not_asked_for_the_password_again(
    client, home_page
):
    """Sign in, open /admin/, be sent to enrol: the enrol page opens, not "confirm your password"."""
    _signed_in_through_allauth(client, is_superuser=True, is_staff=True)
    response = client.get("/admin/")
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    assert "Set up two-factor authentication" in response.content.decode()


def test_a_sign_in_long_ago_still_asks_for_the_password_before_enrolling(client, home_page, settings):
    """The sign-in counts only as recent proof: after the reauthentication timeout allauth asks again."""
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    _signed_in_through_allauth(client, is_superuser=True, is_staff=True)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_the_sign_in_proof_does_not_pass_the_admin_mfa_gate(client, home_page):
    """Counting the sign-in as recent proof must not count as a second factor."""
    from allauth.mfa.models import Authenticator

    user = UserFactory(is_superuser=True, is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    # The MFA stage has not been passed: the person is not signed in yet, and the admin is closed.
    response = client.get("/admin/")
    assert response.status_code == 302
    assert not response["Location"].startswith("/admin")


def test_the_setup_key_is_shown_whole_in_groups_of_four_with_a_copy_button(client, home_page):
    _signed_in_through_allauth(client, is_superuser=True, is_staff=True)
    html = client.get("/accounts/2fa/totp/activate/").content.decode()
    code = re.search(
        r'<code id="authenticator_secret"[^>]*data-copy-value="([A-Z2-7]+)"[^>]*>([^<]+)</code>', html
    )
    assert code is not None
    secret, shown = code.groups()
    assert shown.replace(" ", "") == secret
    assert all(len(group) == 4 for group in shown.split(" ")[:-1])
    assert f' value="{secret}"' not in html  # no longer an input's value, cut off by its box
    assert re.search(r'<button type="button"[^>]*data-copy-target="authenticator_secret"[^>]*hidden>', html)
    assert 'aria-live="polite"' in html
