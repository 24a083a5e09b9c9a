"""Accounts: who may sign up, verification, password reset, rate limits, and the header by role."""

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import RequestFactory

from cms.core.context_processors import navigation
from cms.people.models import StaffProfile, User
from cms.people.roles import GROUP_SENIOR_MANAGERS, GROUP_TEAM_MANAGERS
from tests.cms.people.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
PASSWORD = "a-long-pass-phrase-77"


def _signup(client, email, **extra):
    data = {"first_name": "Ada", "last_name": "Lovelace", "email": email, "password1": PASSWORD}
    data["password2"] = PASSWORD
    data.update(extra)
    return client.post(SIGNUP, data)


def _link_in(message, path_fragment):
    match = re.search(r"https?://\S*" + re.escape(path_fragment) + r"\S*", message.body)
    assert match, f"no {path_fragment} link in: {message.body}"
    return match.group(0).replace("http://testserver", "")


def _unique_ip() -> str:
    """A client address of the test's own, so IP rate-limit counters are never shared."""
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


@pytest.mark.parametrize("email", ["ada@oxfordshire.gov.uk", "pc.jones@thamesvalley.police.uk", "n@NHS.NET"])
def test_staff_with_an_allowed_domain_can_sign_up_and_must_verify(client, home_page, email):
    """A social worker signs up with a council address and is sent a verification link."""
    response = _signup(client, email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email__iexact=email)
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_signing_up_gives_the_person_a_staff_profile(client, home_page):
    """A new recruit who signs up appears in the organisation (unplaced) straight away."""
    _signup(client, "new.recruit@oxfordshire.gov.uk")
    assert StaffProfile.objects.filter(user__email="new.recruit@oxfordshire.gov.uk").exists()


def test_an_unverified_account_cannot_sign_in_until_the_emailed_link_is_followed(client, home_page):
    """Verification is mandatory: the link in the email confirms the address and signs the person in."""
    _signup(client, "verify.me@oxfordshire.gov.uk")
    client.logout()
    response = client.post(LOGIN, {"login": "verify.me@oxfordshire.gov.uk", "password": PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    confirm_path = _link_in(mail.outbox[-1], "/accounts/confirm-email/")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Confirm your email address" in page.text
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="verify.me@oxfordshire.gov.uk").verified
    assert client.get("/").context["user"].email == "verify.me@oxfordshire.gov.uk"


@pytest.mark.parametrize(
    "email", ["someone@gmail.com", "x@oxfordshire.gov.uk.evil.com", "x@evil-oxfordshire.gov.uk"]
)
def test_other_domains_are_refused_with_a_clear_message(client, home_page, email):
    response = _signup(client, email)
    assert response.status_code == 200
    assert "ask the Learning and Development team to send you an invitation" in response.text
    assert not User.objects.filter(email__iexact=email).exists()
    assert mail.outbox == []


def test_signup_errors_use_the_govuk_error_summary_and_inline_messages(client, home_page):
    """Errors are listed at the top, linked to their fields, and repeated beside each field."""
    response = _signup(client, "someone@gmail.com", password2="something-else-entirely")
    html = response.text
    assert "<title>Error: Create an account" in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_email">' in html
    assert 'id="id_email-error" class="govuk-error-message"' in html
    assert 'aria-describedby="id_email-error"' in html
    assert "govuk-input--error" in html


def test_sign_in_and_sign_up_fields_have_labels_and_autocomplete(client, home_page):
    login = client.get(LOGIN).text
    assert '<label class="govuk-label govuk-label--s" for="id_login">' in login
    assert 'autocomplete="email"' in login
    assert 'autocomplete="current-password"' in login
    assert "placeholder" not in login
    signup = client.get(SIGNUP).text
    for autocomplete in ("given-name", "family-name", "email", "new-password"):
        assert f'autocomplete="{autocomplete}"' in signup


def test_wrong_password_is_refused_with_a_message_linked_to_the_form(client, home_page):
    UserFactory(email="known@oxfordshire.gov.uk")
    response = client.post(
        LOGIN, {"login": "known@oxfordshire.gov.uk", "password": "wrong"}, REMOTE_ADDR=_unique_ip()
    )
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.text
    assert '<a href="#id_login">' in response.text


def test_password_reset_by_emailed_link(client, home_page):
    """Someone who forgot their password gets a one-time link and chooses a new one."""
    user = UserFactory(email="forgetful@oxfordshire.gov.uk")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post("/accounts/password/reset/", {"email": "Forgetful@oxfordshire.gov.uk"})
    assert response["Location"] == "/accounts/password/reset/done/"
    (message,) = mail.outbox
    reset_path = _link_in(message, "/accounts/password/reset/key/")

    form_page = client.get(reset_path, follow=True)
    assert "Choose a new password" in form_page.text
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path
    new_password = "a-brand-new-pass-phrase-12"
    done = client.post(action, {"password1": new_password, "password2": new_password})
    assert done["Location"] == "/accounts/password/reset/key/done/"
    user.refresh_from_db()
    assert user.check_password(new_password)

    reused = client.get(reset_path, follow=True)
    assert "Reset link not valid" in reused.text


def test_password_reset_for_an_unknown_address_reveals_nothing(client, home_page):
    response = client.post("/accounts/password/reset/", {"email": "nobody@oxfordshire.gov.uk"})
    assert response["Location"] == "/accounts/password/reset/done/"


def test_repeated_failed_logins_are_refused_even_with_the_right_password(client, home_page):
    """After five wrong passwords for one account, sign-in is refused for a while (shared cache)."""
    email = f"target-{uuid.uuid4().hex[:10]}@oxfordshire.gov.uk"
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    ip = _unique_ip()
    for _ in range(5):
        response = client.post(LOGIN, {"login": email, "password": "not-the-password"}, REMOTE_ADDR=ip)
        assert "not correct" in response.text
    response = client.post(
        LOGIN, {"login": email, "password": "correct-horse-battery-staple"}, REMOTE_ADDR=ip
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_rate_limits_live_in_the_shared_cache(settings):
    """allauth counts attempts in Django's default cache: Redis whenever REDIS_URL is set."""
    from django.core.cache import cache

    if settings.REDIS_URL:
        assert settings.CACHES["default"]["BACKEND"] == "cms.core.cache.RedisCache"
    key = f"ratelimit-probe-{uuid.uuid4().hex}"
    cache.set(key, 1, 30)
    assert cache.get(key) == 1
    assert "login_failed" in settings.ACCOUNT_RATE_LIMITS


def _nav_labels(user):
    request = RequestFactory().get("/")
    request.user = user
    return [item.label for item in navigation(request)["nav_items"]]


def test_anonymous_visitors_get_no_staff_navigation():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert navigation(request)["nav_items"] == []


@pytest.mark.parametrize(
    ("groups", "expected_admin"),
    [
        ([], False),
        ([GROUP_TEAM_MANAGERS], False),
        ([GROUP_SENIOR_MANAGERS], False),
    ],
)
def test_navigation_offers_admin_only_to_people_with_admin_access(groups, expected_admin):
    user = UserFactory(groups=groups)
    assert ("Admin" in _nav_labels(user)) is expected_admin


def test_superusers_see_admin_in_navigation():
    assert "Admin" in _nav_labels(UserFactory(is_superuser=True))


# Microsoft Entra ID single sign-on (configuration level) -------------------------

ENTRA = {
    "microsoft": {
        "APPS": [
            {
                "client_id": "client-123",
                "secret": "secret-456",
                "settings": {"tenant": "11111111-2222-3333-4444-555555555555"},
            }
        ]
    }
}


def _entra_settings_from_env(env):
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    clean = {k: v for k, v in os.environ.items() if not k.startswith("ENTRA_")}
    clean.update(env, DJANGO_SETTINGS_MODULE="cms.settings.test")
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(repr(settings.SOCIALACCOUNT_PROVIDERS))",
        ],
        env=clean,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_entra_sign_in_is_off_without_its_environment_variables():
    assert _entra_settings_from_env({}) == "{}"
    assert _entra_settings_from_env({"ENTRA_TENANT_ID": "t", "ENTRA_CLIENT_ID": "c"}) == "{}"


def test_entra_sign_in_is_configured_for_one_tenant_from_the_environment():
    value = _entra_settings_from_env(
        {"ENTRA_TENANT_ID": "tenant-guid", "ENTRA_CLIENT_ID": "client-id", "ENTRA_CLIENT_SECRET": "s3cret"}
    )
    assert "'tenant': 'tenant-guid'" in value
    assert "'client_id': 'client-id'" in value


def test_without_entra_the_sign_in_page_has_no_microsoft_button(client, home_page, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "Microsoft" not in client.get(LOGIN).text


def test_with_entra_the_button_sends_people_to_the_councils_tenant_only(client, home_page, settings):
    settings.SOCIALACCOUNT_PROVIDERS = ENTRA
    page = client.get(LOGIN)
    assert "Sign in with Microsoft" in page.text
    response = client.post("/accounts/microsoft/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(
        "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/authorize"
    )
    assert "client_id=client-123" in response["Location"]


def _sociallogin(email):
    from allauth.socialaccount.models import SocialAccount, SocialLogin

    return SocialLogin(user=User(email=email), account=SocialAccount(provider="microsoft", uid=email))


@pytest.mark.parametrize(
    ("email", "open_for_signup"),
    [("ada@oxfordshire.gov.uk", True), ("guest@contractor.example", False), ("", False)],
)
def test_sso_creates_accounts_only_for_allowed_domains(rf, email, open_for_signup):
    """Someone from the council's tenant with a contractor's address gets no account uninvited."""
    from cms.people.adapters import SocialAccountAdapter

    request = rf.get("/")
    assert SocialAccountAdapter(request).is_open_for_signup(request, _sociallogin(email)) is open_for_signup


def test_sso_admits_an_invited_address_from_another_domain(rf):
    from cms.people import services
    from cms.people.adapters import SocialAccountAdapter

    services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    request = rf.get("/")
    assert SocialAccountAdapter(request).is_open_for_signup(request, _sociallogin("pat@charity.org.uk"))
