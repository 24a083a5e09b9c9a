"""Hostile input to the public and account forms: expression of interest, sign-up names, invitations.

These are Django forms, which refuse NUL themselves; the properties check that every
other odd input (lone surrogates as raw bytes, control characters, very long text,
huge numbers) ends in a page or a redirect, never a 500, with the stored row holding
what the form received or nothing new.
"""

import uuid
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from cms.people.models import User
from tests.cms.pages.factories import ExpressionOfInterestPageFactory, RecruitmentPageFactory
from tests.hostile import FORM, as_received, form_body, hostile_settings, hostile_text

pytestmark = pytest.mark.django_db

FORM_URL = "/join-us/express-interest/"
PASSWORD = "a-long-pass-phrase-77"


def _ip() -> str:
    return "2001:db8::" + ":".join(uuid.uuid4().hex[i : i + 4] for i in range(0, 16, 4))


@pytest.fixture
def form_page(home_page, settings):
    settings.RECRUITMENT_FORM_RATE_LIMIT = 1000
    Site.clear_site_root_paths_cache()
    return ExpressionOfInterestPageFactory(parent=RecruitmentPageFactory(parent=home_page))


EOI_FIELDS = [
    "full_name",
    "email_address",
    "phone_number",
    "current_role",
    "social_work_england_registration",
]


@hostile_settings
@given(field=st.sampled_from(EOI_FIELDS), text=hostile_text)
def test_an_expression_of_interest_in_any_text_is_stored_as_received_or_refused(
    client, form_page, field, text
):
    """A visitor's answers with odd characters are kept exactly as received, or the form comes back."""
    answers = {
        "full_name": "Priya Shah",
        "email_address": "priya.shah@example.org",
        "phone_number": "07700 900982",
        "current_role": "Child protection social worker",
        "social_work_england_registration": "Registered social worker",
        "areas_of_interest": ["Open days and events"],
        "consent_to_contact": "on",
        field: text,
    }
    before = FormSubmission.objects.count()
    response = client.post(FORM_URL, data=form_body(answers), content_type=FORM, REMOTE_ADDR=_ip())
    assert response.status_code in {200, 302, 400}
    if response.status_code == 302:
        stored = FormSubmission.objects.latest("pk").form_data[field]
        assert stored == as_received(text).strip()
        assert FormSubmission.objects.count() == before + 1
    else:
        assert "govuk-error-summary" in response.content.decode()
        assert FormSubmission.objects.count() == before


@pytest.fixture
def signup_open(home_page, settings):
    """Sign-up without its rate limit: the property posts many times from one test."""
    settings.ACCOUNT_RATE_LIMITS = False


@hostile_settings
@given(first=hostile_text, last=st.one_of(st.just("Lovelace"), hostile_text))
def test_signing_up_with_any_name_stores_it_as_received_or_refuses_it(client, signup_open, first, last):
    """A new member of staff's name in odd characters is stored as received, or the form says what to fix."""
    email = f"ada.{uuid.uuid4().hex[:12]}@oxfordshire.gov.uk"
    data = {
        "first_name": first,
        "last_name": last,
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    response = client.post("/accounts/signup/", data=form_body(data), content_type=FORM, REMOTE_ADDR=_ip())
    assert response.status_code in {200, 302, 400}
    user = User.objects.filter(email=email).first()
    if response.status_code == 302:
        assert (user.first_name, user.last_name) == (as_received(first).strip(), as_received(last).strip())
    else:
        assert user is None


@hostile_settings
@given(token=hostile_text)
def test_any_invitation_token_in_the_link_gets_a_page_not_a_server_error(client, home_page, token):
    """A mangled or hostile invitation link is refused with a page explaining it, never a 500."""
    path = "/accounts/invitation/" + quote(token, safe="", errors="surrogatepass") + "/"
    response = client.get(path)
    assert response.status_code in {302, 404}
