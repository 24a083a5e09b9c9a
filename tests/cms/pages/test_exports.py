"""The recruitment exports are safe, whole and cheap: vacancies and expression-of-interest
answers, in CSV and XLSX, at 5,000 rows with formula-looking text in every text column;
answers typed on the public form are stored as typed (the guard works on the way out)."""

from datetime import date

import pytest
from wagtail.contrib.forms.models import FormSubmission

from cms.pages.models import Vacancy
from cms.people.roles import GROUP_RECRUITMENT
from tests.cms.pages.factories import (
    ExpressionOfInterestPageFactory,
    RecruitmentPageFactory,
    recruitment_access_grant,
)
from tests.cms.people.factories import UserFactory, mfa_enrol
from tests.spreadsheet_reading import FORMATS, assert_every_cell_neutralised, export_rows

pytestmark = pytest.mark.django_db

ROWS = 5000
FORMULA_NAME = '=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_vacancies_export_is_whole_and_neutralised(client, fmt, django_assert_max_num_queries):
    """Recruitment export 5,000 vacancies whose every text field looks like a formula."""
    Vacancy.objects.bulk_create(
        Vacancy(
            title='=HYPERLINK("http://x")',
            team="+Team",
            locality="-Banbury",
            grade="@Grade",
            salary_min=30000,
            salary_max=40000,
            hours="\t37",
            closing_date=date(2027, 1, 31),
            reference=f"\r=ref{n}",
        )
        for n in range(ROWS)
    )
    client.force_login(mfa_enrol(UserFactory(is_superuser=True)))
    with django_assert_max_num_queries(25):
        rows = export_rows(client, "/admin/snippets/pages/vacancy/", fmt)
    assert len(rows) == ROWS + 1
    assert_every_cell_neutralised(rows)
    assert rows[1][:4] == ['\'=HYPERLINK("http://x")', "'+Team", "'-Banbury", "'@Grade"]


@pytest.fixture
def form_page(home_page):
    recruitment = RecruitmentPageFactory(parent=home_page)
    return ExpressionOfInterestPageFactory(parent=recruitment)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_expression_of_interest_export_is_whole_and_neutralised(
    client, form_page, fmt, django_assert_max_num_queries
):
    """The recruitment team export 5,000 answers typed on the public form as formulas."""
    FormSubmission.objects.bulk_create(
        FormSubmission(
            page=form_page,
            form_data={
                "full_name": '=HYPERLINK("http://x")',
                "email_address": f"+{n}@example.org",
                "phone_number": "-07700 900982",
                "current_role": "@Role",
                "areas_of_interest": ["=one", "two"],
                "consent_to_contact": True,
            },
        )
        for n in range(ROWS)
    )
    person = UserFactory(groups=[GROUP_RECRUITMENT])
    recruitment_access_grant()
    client.force_login(mfa_enrol(person))
    with django_assert_max_num_queries(25):
        rows = export_rows(client, f"/admin/forms/submissions/{form_page.pk}/", fmt)
    assert len(rows) == ROWS + 1
    assert_every_cell_neutralised(rows)
    assert '\'=HYPERLINK("http://x")' in rows[1]
    assert "'=one, two" in rows[1]


def test_answers_typed_on_the_expression_of_interest_form_are_stored_as_typed(client, form_page):
    """An applicant types a formula as their name: the submission keeps it exactly."""
    response = client.post(
        form_page.url,
        {
            "full_name": FORMULA_NAME,
            "email_address": "applicant@example.org",
            "current_role": "+Social worker",
            "social_work_england_registration": "Registered social worker",
            "areas_of_interest": ["Open days and events"],
            "consent_to_contact": "on",
        },
        REMOTE_ADDR="2001:db8::77",
    )
    assert response.status_code == 302, response.content[:500]
    answers = FormSubmission.objects.get().form_data
    assert (answers["full_name"], answers["current_role"]) == (FORMULA_NAME, "+Social worker")
