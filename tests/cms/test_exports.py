"""Every spreadsheet the people and recruitment admin writes is safe, whole and cheap: staff,
vacancies and expression-of-interest answers, in CSV and XLSX, at 5,000 rows, with
formula-looking text in every text column and relations missing."""

from datetime import date

import pytest
from wagtail.contrib.forms.models import FormSubmission

from cms.pages.models import Vacancy
from cms.people import roles
from cms.people.models import Agency, Role, StaffProfile, Team, User
from cms.people.roles import GROUP_RECRUITMENT
from tests.cms.pages.factories import (
    ExpressionOfInterestPageFactory,
    RecruitmentPageFactory,
    recruitment_access_grant,
)
from tests.cms.people.factories import UserFactory, mfa_enrol, staff_member
from tests.spreadsheet_reading import (
    assert_every_cell_neutralised,
    csv_rows,
    response_bytes,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

ROWS = 5000
FORMATS = ["csv", "xlsx"]


def export_rows(client, url: str, fmt: str) -> list[list]:
    response = client.get(f"{url}{'&' if '?' in url else '?'}export={fmt}")
    assert response.status_code == 200, response.status_code
    if fmt == "csv":
        return csv_rows(response)
    return xlsx_rows(response_bytes(response))


@pytest.fixture
def ld_client(client):
    client.force_login(staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True))
    return client


def _staff_in_bulk(count: int) -> None:
    """`count` people, every text formula-looking; every other one with no role, team, agency,
    line manager or start date."""
    agency = Agency.objects.create(name="=Agency", slug="formula-agency")
    team = Team.objects.create(name="+Team", slug="formula-team", agency=agency)
    role = Role.objects.create(name="@Role", slug="formula-role")
    manager = UserFactory(email="-manager@example.org")
    users = User.objects.bulk_create(
        User(
            email=f"=person{n}@example.org",
            first_name='=HYPERLINK("http://x")',
            last_name="-1+1",
            password="!",
        )
        for n in range(count)
    )
    StaffProfile.objects.bulk_create(
        StaffProfile(
            user=user,
            job_title="\t=cmd",
            role=role if n % 2 else None,
            team=team if n % 2 else None,
            agency=agency if n % 2 else None,
            line_manager=manager if n % 2 else None,
            start_date=date(2026, 9, 1) if n % 2 else None,
        )
        for n, user in enumerate(users)
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_staff_export_is_whole_and_neutralised_with_people_missing_relations(
    ld_client, fmt, django_assert_max_num_queries
):
    """L&D export 5,000 staff, half with no line manager, team, agency or start date: every row
    arrives, every formula-looking cell is text, and the export does not query per row."""
    _staff_in_bulk(ROWS)
    with django_assert_max_num_queries(25):
        rows = export_rows(ld_client, "/admin/people/staff/", fmt)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["First name", "Last name", "Email"]
    assert len(body) == StaffProfile.objects.count()
    assert_every_cell_neutralised(rows)
    ours = [row for row in body if row[2].startswith("'=person")]
    assert len(ours) == ROWS
    empty = "" if fmt == "csv" else None
    without = [row for row in ours if row[5] in ("", None)]
    assert len(without) == ROWS // 2
    assert all(row[4:9] == [empty] * 5 for row in without)
    with_all = [row for row in ours if row[5] not in ("", None)]
    assert with_all[0][:9] == [
        '\'=HYPERLINK("http://x")',
        "'-1+1",
        with_all[0][2],
        "'\t=cmd",
        "'@Role",
        "'+Team",
        "'=Agency",
        "'-manager@example.org",
        "2026-09-01" if fmt == "csv" else 46266.0,
    ]


def test_the_staff_export_is_refused_to_people_outside_l_and_d(client):
    """A team manager cannot download the staff list."""
    client.force_login(staff_member(role=roles.TEAM_MANAGER, mfa=True))
    response = client.get("/admin/people/staff/?export=csv")
    assert response.status_code == 302
    assert b"@example" not in response_bytes(response)


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


# --- stored as typed: the guard works on the way out only -----------------------------------

FORMULA_NAME = '=HYPERLINK("http://evil.example")'


def test_a_name_typed_on_the_sign_up_form_is_stored_as_typed(client, home_page):
    """Someone signs up as '=HYPERLINK(...)': their name is kept exactly, not altered on the way in."""
    password = "a-long-pass-phrase-77"
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": FORMULA_NAME,
            "last_name": "-Lovelace",
            "email": "typed.name@oxfordshire.gov.uk",
            "password1": password,
            "password2": password,
        },
        REMOTE_ADDR="10.12.34.56",
    )
    assert response.status_code == 302
    user = User.objects.get(email="typed.name@oxfordshire.gov.uk")
    assert (user.first_name, user.last_name) == (FORMULA_NAME, "-Lovelace")


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


@pytest.mark.parametrize("fmt", FORMATS)
def test_wagtails_own_reports_export_through_the_guard(client, home_page, fmt):
    """Site history names people and pages as typed, and search terms are typed by anyone:
    Wagtail's own report exports neutralise them like every other export."""
    from django.urls import reverse
    from wagtail.contrib.search_promotions.models import Query
    from wagtail.log_actions import log

    from cms.pages.models import StandardPage

    editor = UserFactory(is_superuser=True, first_name="=Editor", last_name="+Name")
    page = home_page.add_child(
        instance=StandardPage(title='=HYPERLINK("http://x")', slug="formula-title", body="<p>Text</p>")
    )
    log(instance=page, action="wagtail.edit", user=editor)
    Query.get("=cmd|' /C calc'!A0").add_hit()
    client.force_login(mfa_enrol(editor))

    history = export_rows(client, reverse("wagtailadmin_reports:site_history"), fmt)
    terms = export_rows(client, reverse("wagtailsearchpromotions:search_terms"), fmt)

    assert any('\'=HYPERLINK("http://x")' in row for row in history)
    assert any("'=cmd|' /c calc'!a0" in row for row in terms)  # Wagtail stores terms lower-cased
    assert_every_cell_neutralised(history)
    assert_every_cell_neutralised(terms)
