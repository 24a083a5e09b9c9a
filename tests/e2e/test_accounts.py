"""Account journeys in Chromium: sign-up and verification, refusal, invitations, MFA before the admin.

Forms are filled through their labels and submitted with the Enter key; axe runs
on every page. Screenshots of the main pages go to /tmp/shots/h1/ when that
directory can be written (they are for people reviewing the design, not assertions).
"""

import re
import tempfile
import time
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

from cms.people import services
from cms.people.models import User
from tests.cms.people.factories import UserFactory
from tests.e2e.axe import assert_accessible

# serialized_rollback: the flush after each test would otherwise take the Wagtail root page with it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-pass-phrase-77"
SHOTS = Path(tempfile.gettempdir()) / "shots" / "h1"


def _screenshot(page, name):
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _link_from_outbox(live_server, path_fragment):
    message = mail.outbox[-1]
    match = re.search(r"https?://\S*" + re.escape(path_fragment) + r"\S*", message.body)
    assert match, message.body
    path = re.sub(r"^https?://[^/]+", "", match.group(0))
    return live_server.url + path


def _totp_code(secret: str) -> str:
    """What the person's authenticator app would show now (allauth's own HOTP helper)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _sign_in(page, live_server, email, password, next_path=""):
    page.goto(live_server.url + "/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")


def test_staff_sign_up_verify_by_email_sign_in_and_reach_home(live_server, page, home_page):
    """A new social worker creates an account with a council address, confirms it and signs in."""
    page.goto(live_server.url + "/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    assert_accessible(page)
    _screenshot(page, "signup")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Social-Worker")
    page.get_by_label("Email").fill("sam.sw@oxfordshire.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    page.goto(_link_from_outbox(live_server, "/accounts/confirm-email/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    assert EmailAddress.objects.get(email="sam.sw@oxfordshire.gov.uk").verified
    assert_accessible(page)

    page.goto(live_server.url + "/accounts/logout/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").press("Enter")
    page.wait_for_url(live_server.url + "/")

    _sign_in(page, live_server, "sam.sw@oxfordshire.gov.uk", PASSWORD)
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()
    assert_accessible(page)


def test_sign_up_from_another_domain_is_refused_with_a_clear_message(live_server, page, home_page):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("First name").fill("Gail")
    page.get_by_label("Last name").fill("Mail")
    page.get_by_label("Email").fill("gail@gmail.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.keyboard.press("Enter")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("ask the Learning and Development team to send you an invitation")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    _screenshot(page, "signup-refused")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Email")).to_be_focused()
    assert not User.objects.filter(email="gail@gmail.com").exists()


def test_invited_partner_signs_up_through_the_invitation_link(live_server, page, home_page):
    """A worker at a partner charity, invited by L&D, creates an account with the invited address."""
    sent = services.invitation_send(email="pat@charity.org.uk", invited_by=None)
    page.goto(live_server.url + sent.url.replace("http://testserver", ""))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    expect(page.locator(".govuk-inset-text")).to_contain_text("pat@charity.org.uk")
    expect(page.get_by_label("Email")).to_have_value("pat@charity.org.uk")
    assert_accessible(page)
    _screenshot(page, "signup-invited")
    page.get_by_label("First name").fill("Pat")
    page.get_by_label("Last name").fill("Partner")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()
    assert_accessible(page)
    assert User.objects.get(email="pat@charity.org.uk").profile is not None

    page.goto(live_server.url + sent.url.replace("http://testserver", ""))
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation link cannot be used")
    assert_accessible(page)


def test_admin_user_must_enrol_in_mfa_before_reaching_the_admin(live_server, page, home_page):
    """An L&D lead signs in, is made to set up an authenticator app, then reaches the admin;
    next time they sign in they are asked for a code (here, a recovery code)."""
    user = UserFactory(email="lead@oxfordshire.gov.uk", is_superuser=True, is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    page.goto(live_server.url + "/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)
    _screenshot(page, "login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_label("Password").press("Enter")

    # Having just signed in, they are not asked for the password again before enrolling
    # (cms.core.sign_in.record_sign_in_as_recent_proof).
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_text("You need to set up two-factor authentication")).to_be_visible()
    assert_accessible(page)
    _screenshot(page, "mfa-activate")
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # CSP let the data: image load
    secret = page.locator("#authenticator_secret").get_attribute("data-copy-value")

    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_label("Authenticator code").press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Incorrect code")
    assert_accessible(page)

    page.get_by_label("Authenticator code").fill(_totp_code(secret))
    page.get_by_label("Authenticator code").press("Enter")
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    assert_accessible(page)
    _screenshot(page, "mfa-recovery-codes")
    recovery_code = page.locator(".app-recovery-codes code").first.inner_text()

    page.get_by_role("button", name="Continue to the admin").press("Enter")
    page.wait_for_url(live_server.url + "/admin/")
    expect(page.locator("main")).to_be_visible()

    page.goto(live_server.url + "/accounts/logout/")
    page.get_by_role("button", name="Sign out").press("Enter")
    page.wait_for_url(live_server.url + "/")

    _sign_in(page, live_server, user.email, "correct-horse-battery-staple", next_path="/admin/")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_accessible(page)
    _screenshot(page, "mfa-authenticate")
    page.get_by_label("Code").fill(recovery_code)
    page.get_by_label("Code").press("Enter")
    page.wait_for_url(live_server.url + "/admin/")
