"""The expression of interest form: validation, storage, emails, spam defences, who sees submissions."""

import uuid

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from cms.celery import app as celery_app
from cms.pages.models import ExpressionOfInterestPage
from cms.people.roles import GROUP_RECRUITMENT, GROUP_STAFF
from tests.cms.pages.factories import (
    ExpressionOfInterestPageFactory,
    RecruitmentPageFactory,
    recruitment_access_grant,
)
from tests.cms.people.factories import UserFactory
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db

FORM_URL = "/join-us/express-interest/"
THANK_YOU_URL = "/join-us/express-interest/thank-you/"


def valid_answers(**overrides) -> dict:
    answers = {
        "full_name": "Priya Shah",
        "email_address": "priya.shah@example.org",
        "phone_number": "07700 900982",
        "current_role": "Child protection social worker",
        "social_work_england_registration": "Registered social worker",
        "areas_of_interest": ["Social worker in a Family Safeguarding Team", "Open days and events"],
        "consent_to_contact": "on",
    }
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}


@pytest.fixture
def form_page(home_page) -> ExpressionOfInterestPage:
    Site.clear_site_root_paths_cache()  # home_page_ensure may repoint the site without clearing it
    recruitment = RecruitmentPageFactory(parent=home_page)
    return ExpressionOfInterestPageFactory(parent=recruitment)


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process: with on-commit callbacks executed, emails land in mail.outbox."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.RECRUITMENT_FORM_RATE_LIMIT = 100


def unique_ip() -> str:
    """A documentation-range IPv6 address of this test's own, so rate counters never meet."""
    return "2001:db8::" + ":".join(uuid.uuid4().hex[i : i + 4] for i in range(0, 16, 4))


def post(client, data, *, ip=None):
    return client.post(FORM_URL, data, REMOTE_ADDR=ip or client.defaults.setdefault("_ip", unique_ip()))


# --- showing the form ---------------------------------------------------------------------


def test_form_shows_every_question_with_labels_and_autocomplete(client, form_page):
    """A visitor sees each question labelled, with autocomplete tokens for their own details."""
    response = client.get(FORM_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Full name", "Email address", "Phone number (optional)", "Current role"):
        assert label in html
    assert 'autocomplete="name"' in html
    assert 'autocomplete="email"' in html
    assert 'type="tel"' in html and 'autocomplete="tel"' in html
    assert "<legend" in html and "Social Work England registration" in html
    assert 'name="website"' in html and 'class="app-honeypot" aria-hidden="true"' in html
    assert response["Cache-Control"] == "private, no-store"


def test_form_page_is_never_served_from_the_public_cache(client, form_page):
    """Each visitor gets a CSRF token of their own: the form page is never cached."""
    from django.test import Client

    first = Client().get(FORM_URL)
    second = Client().get(FORM_URL)
    assert "X-Public-Cache" not in first and "X-Public-Cache" not in second
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


# --- storing a submission --------------------------------------------------------------------


def test_valid_submission_is_stored_and_the_visitor_is_thanked(client, form_page):
    """A social worker sends the form: the answers are stored and they see the confirmation."""
    response = post(client, valid_answers())
    assert response.status_code == 302
    assert response["Location"] == THANK_YOU_URL
    submission = FormSubmission.objects.get(page=form_page)
    assert submission.form_data["full_name"] == "Priya Shah"
    assert submission.form_data["areas_of_interest"] == [
        "Social worker in a Family Safeguarding Team",
        "Open days and events",
    ]
    assert submission.form_data["consent_to_contact"] is True
    assert "website" not in submission.form_data
    thanks = client.get(THANK_YOU_URL)
    assert "Thank you, we have your details" in thanks.content.decode()


def test_phone_number_is_optional(client, form_page):
    response = post(client, valid_answers(phone_number=""))
    assert response.status_code == 302
    assert FormSubmission.objects.get().form_data["phone_number"] == ""


def test_submissions_export_as_wagtail_does(client, form_page):
    """The recruitment team downloads every submission as a spreadsheet (CSV) from the admin."""
    post(client, valid_answers())
    person = UserFactory(groups=[GROUP_RECRUITMENT])
    recruitment_access_grant()
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(person)
    response = client.get(f"/admin/forms/submissions/{form_page.pk}/?export=csv")
    assert response.status_code == 200
    content = (
        b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    )
    assert "Priya Shah" in content and "priya.shah@example.org" in content


# --- validation -------------------------------------------------------------------------------

REQUIRED = [
    ("full_name", "Enter your full name"),
    ("email_address", "Enter your email address"),
    ("current_role", "Enter your current role"),
    ("social_work_england_registration", "Select your Social Work England registration status"),
    ("areas_of_interest", "Select at least one area you are interested in"),
    ("consent_to_contact", "Agree to be contacted, so that we can reply to you"),
]


@pytest.mark.parametrize(("field", "message"), REQUIRED)
def test_each_missing_answer_is_named_in_the_summary_and_by_the_question(client, form_page, field, message):
    """Leaving out a required answer brings the form back with a clear message, other answers kept."""
    response = post(client, valid_answers(**{field: None}))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(message) == 2  # error summary and inline
    assert "There is a problem" in html
    assert "<title>Error: " in html
    if field != "full_name":
        assert 'value="Priya Shah"' in html
    if field != "social_work_england_registration":
        assert 'value="Registered social worker" checked' in html
    assert not FormSubmission.objects.exists()


def test_error_summary_links_to_the_first_option_of_a_group(client, form_page):
    html = post(client, valid_answers(areas_of_interest=None)).content.decode()
    assert 'href="#id_areas_of_interest_0"' in html
    assert 'id="id_areas_of_interest_0"' in html


@pytest.mark.parametrize(
    "email",
    ["not-an-email", "priya@", "priya.shah@example.org\r\nBcc: victim@example.com", "a@b.c\nSubject: hi"],
)
def test_bad_or_hostile_email_is_refused(client, form_page, email):
    """A malformed address, or one smuggling extra mail headers, is refused with the GOV.UK message."""
    response = post(client, valid_answers(email_address=email))
    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.com" in response.content.decode()
    assert not FormSubmission.objects.exists()


@pytest.mark.parametrize("name", ["Priya\r\nBcc: victim@example.com", "Priya\nShah", "Priya\x07"])
def test_line_breaks_in_a_name_are_refused(client, form_page, name):
    """Names go into email subjects: line breaks and control characters are refused."""
    response = post(client, valid_answers(full_name=name))
    assert "Remove line breaks and special characters." in response.content.decode()
    assert not FormSubmission.objects.exists()


@pytest.mark.parametrize(("field", "label"), [("full_name", "Full name"), ("current_role", "Current role")])
def test_very_long_answers_are_refused_with_the_limit(client, form_page, field, label):
    response = post(client, valid_answers(**{field: "x" * 10_000}))
    assert f"{label} must be 255 characters or fewer" in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_very_long_email_is_refused(client, form_page):
    response = post(client, valid_answers(email_address="a" * 300 + "@example.org"))
    assert response.status_code == 200
    assert not FormSubmission.objects.exists()


@pytest.mark.parametrize("phone", ["call me", "123", "0" * 30, "07700 900982 ext <b>"])
def test_bad_phone_numbers_are_refused(client, form_page, phone):
    response = post(client, valid_answers(phone_number=phone))
    assert "Enter a telephone number, like 01632 960 001" in response.content.decode()


def test_an_option_that_was_never_offered_is_refused(client, form_page):
    response = post(client, valid_answers(social_work_england_registration="Head of the universe"))
    assert "Select one of the options for: Social Work England registration" in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_html_in_answers_is_stored_as_text_and_escaped_when_shown_again(client, form_page):
    """Script typed into a field never runs: it is escaped on the form and stored as plain text."""
    hostile = '<script>alert("x")</script>'
    response = post(client, valid_answers(current_role=hostile, full_name=None))
    html = response.content.decode()
    assert hostile not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    post(client, valid_answers(current_role=hostile))
    assert FormSubmission.objects.get().form_data["current_role"] == hostile


# --- emails ------------------------------------------------------------------------------------


def test_applicant_is_thanked_and_the_team_notified(
    client, form_page, settings, eager_celery, django_capture_on_commit_callbacks
):
    """Both emails go out after commit, each with text and HTML parts; hostile text is escaped."""
    settings.RECRUITMENT_NOTIFY_EMAIL = "recruitment-team@oxfordshire.gov.uk"
    with django_capture_on_commit_callbacks(execute=True):
        post(client, valid_answers(current_role="<b>Senior</b> practitioner"))
    assert len(mail.outbox) == 2
    acknowledgement, notification = sorted(mail.outbox, key=lambda m: m.to[0] != "priya.shah@example.org")
    assert acknowledgement.to == ["priya.shah@example.org"]
    assert "Hello Priya Shah," in acknowledgement.body
    assert "Thank you for telling us you are interested." in acknowledgement.body
    assert "Current role: <b>Senior</b> practitioner" in acknowledgement.body
    html = acknowledgement.alternatives[0].content
    assert "&lt;b&gt;Senior&lt;/b&gt;" in html and "<b>Senior</b>" not in html
    assert notification.to == ["recruitment-team@oxfordshire.gov.uk"]
    assert notification.subject == "New expression of interest: Priya Shah"
    assert notification.extra_headers["Reply-To"] == "priya.shah@example.org"
    assert f"http://testserver/admin/forms/submissions/{form_page.pk}/" in notification.body
    assert notification.alternatives[0].mimetype == "text/html"


@pytest.mark.celery
def test_emails_are_sent_by_a_real_worker(client, form_page, celery_worker, settings):
    """Through the broker and a real Celery worker, the applicant and the team both get mail."""
    settings.RECRUITMENT_NOTIFY_EMAIL = "recruitment-team@oxfordshire.gov.uk"
    response = post(client, valid_answers())
    assert response.status_code == 302
    wait_for(lambda: len(mail.outbox) >= 2)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "priya.shah@example.org",
        "recruitment-team@oxfordshire.gov.uk",
    ]


def test_invalid_submissions_send_no_email(
    client, form_page, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, valid_answers(email_address="nope"))
    assert mail.outbox == []


# --- spam -------------------------------------------------------------------------------------


def test_a_filled_honeypot_is_thanked_but_nothing_is_stored_or_sent(
    client, form_page, eager_celery, django_capture_on_commit_callbacks
):
    """A bot that fills every field sees the same confirmation as a person, and nothing happens."""
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, valid_answers(website="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == THANK_YOU_URL
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []


def test_posts_over_the_rate_limit_from_one_address_are_refused(client, form_page, settings):
    """After the limit, one address is told to wait (429, answers kept); other addresses still get in."""
    settings.RECRUITMENT_FORM_RATE_LIMIT = 2
    address = unique_ip()
    assert post(client, valid_answers(), ip=address).status_code == 302
    assert post(client, valid_answers(email_address="bad"), ip=address).status_code == 200
    refused = post(client, valid_answers(full_name="Third Try"), ip=address)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "too many forms from your connection" in html
    assert 'value="Third Try"' in html
    assert FormSubmission.objects.count() == 1
    assert post(client, valid_answers(), ip=unique_ip()).status_code == 302
    assert FormSubmission.objects.count() == 2


def test_rate_limit_counts_the_client_behind_trusted_proxies(client, form_page, settings):
    """Behind one proxy, the limit applies to the address the proxy saw, not the proxy's own."""
    settings.RECRUITMENT_FORM_RATE_LIMIT = 1
    settings.RECRUITMENT_TRUSTED_PROXY_COUNT = 1
    proxy, one, another = unique_ip(), unique_ip(), unique_ip()
    first = client.post(FORM_URL, valid_answers(), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=one)
    other = client.post(FORM_URL, valid_answers(), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=another)
    again = client.post(FORM_URL, valid_answers(), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=one)
    assert (first.status_code, other.status_code, again.status_code) == (302, 302, 429)


# --- who sees submissions ------------------------------------------------------------------


def _admin_user(groups):
    person = UserFactory(groups=groups)
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return person


def test_recruitment_team_sees_submissions_in_the_admin(client, form_page):
    """A recruitment adviser opens Forms in the admin and reads what applicants sent."""
    post(client, valid_answers())
    recruitment_access_grant()
    client.force_login(_admin_user([GROUP_STAFF, GROUP_RECRUITMENT]))
    forms = client.get("/admin/forms/")
    assert forms.status_code == 200
    assert "Tell us you are interested" in forms.content.decode()
    listing = client.get(f"/admin/forms/submissions/{form_page.pk}/")
    assert listing.status_code == 200
    assert "Priya Shah" in listing.content.decode()


def test_recruitment_team_keeps_vacancies_up_to_date_without_editing_pages(client, form_page):
    """The role setup lets a recruitment adviser add and publish vacancies, not edit other pages."""
    recruitment_access_grant()
    person = _admin_user([GROUP_STAFF, GROUP_RECRUITMENT])
    assert person.has_perms(["pages.add_vacancy", "pages.change_vacancy", "pages.publish_vacancy"])
    client.force_login(person)
    assert client.get("/admin/snippets/pages/vacancy/").status_code == 200
    assert client.get("/admin/snippets/pages/vacancy/add/").status_code == 200
    recruitment = form_page.get_parent()
    assert client.get(f"/admin/pages/{recruitment.pk}/edit/").status_code in (302, 403)


def test_learners_cannot_see_submissions(client, form_page):
    """A social worker on the learning platform has no way into applicants' details."""
    post(client, valid_answers())
    recruitment_access_grant()
    client.force_login(_admin_user([GROUP_STAFF]))
    response = client.get(f"/admin/forms/submissions/{form_page.pk}/")
    assert response.status_code in (302, 403)
    assert "Priya Shah" not in response.content.decode()
    assert client.get("/admin/forms/").status_code in (302, 403)


def test_anonymous_visitors_cannot_see_submissions(client, form_page):
    post(client, valid_answers())
    response = client.get(f"/admin/forms/submissions/{form_page.pk}/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
