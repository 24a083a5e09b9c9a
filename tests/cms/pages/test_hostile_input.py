"""Hostile input to the public expression-of-interest form.

A Django form, which refuses NUL itself; the property checks that every other odd input
(lone surrogates as raw bytes, control characters, very long text, huge numbers) ends in
a page or a redirect, never a 500, with the stored row holding what the form received or
nothing new.
"""

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from tests.cms.pages.factories import ExpressionOfInterestPageFactory, RecruitmentPageFactory
from tests.hostile import FORM, as_received, form_body, hostile_settings, hostile_text

pytestmark = pytest.mark.django_db

FORM_URL = "/join-us/express-interest/"


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
