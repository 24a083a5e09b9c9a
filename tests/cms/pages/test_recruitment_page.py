"""The recruitment page: vacancies that close by themselves, JobPosting data, SEO, blocks and the seed."""

import datetime as dt
import json
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.blocks import StructBlockValidationError
from wagtail.models import PageViewRestriction, Site

from cms.core.blocks import CallToActionBlock, QuestionsBlock, QuotesBlock, StatsBlock, TextSectionBlock
from cms.core.seeding import SeedContext
from cms.pages.blocks import EventBlock, EventsBlock, OfferBlock, VacanciesBlock
from cms.pages.demo.seed import seed_recruitment
from cms.pages.models import ExpressionOfInterestPage, HomePage, RecruitmentPage, Vacancy
from cms.pages.selectors import events_upcoming, public_cache_timeout
from cms.pages.services import public_cache_purge
from tests.cms.pages.factories import (
    ExpressionOfInterestPageFactory,
    RecruitmentPageFactory,
    StandardPageFactory,
    VacancyFactory,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
JOB_POSTING_REQUIRED = {
    "title",
    "description",
    "datePosted",
    "validThrough",
    "hiringOrganization",
    "jobLocation",
    "employmentType",
    "baseSalary",
}


@pytest.fixture
def recruitment(home_page) -> RecruitmentPage:
    Site.clear_site_root_paths_cache()  # home_page_ensure may repoint the site without clearing it
    page = RecruitmentPageFactory(parent=home_page)
    ExpressionOfInterestPageFactory(parent=page)
    public_cache_purge()
    return page


def job_postings(html: str) -> list[dict]:
    scripts = re.findall(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S)
    return [json.loads(script) for script in scripts]


# --- vacancies -----------------------------------------------------------------------------------


def test_open_vacancies_are_listed_and_closed_or_draft_ones_are_not(client, recruitment):
    """Visitors see jobs still open; a job past its closing date or not yet published is absent."""
    today = dt.datetime.now(LONDON).date()
    VacancyFactory(title="Open social worker", closing_date=today)
    VacancyFactory(title="Closed team manager", closing_date=today - dt.timedelta(days=1))
    VacancyFactory(title="Draft practitioner", live=False)
    html = client.get("/join-us/").content.decode()
    assert "Open social worker" in html
    assert "Closed team manager" not in html
    assert "Draft practitioner" not in html


def test_every_open_vacancy_has_a_valid_job_posting_and_closed_ones_none(client, recruitment):
    """Job search engines get one JobPosting per open vacancy, with every required property."""
    today = dt.datetime.now(LONDON).date()
    first = VacancyFactory(title="Social worker", locality="Banbury", salary_min=38000, salary_max=43000)
    VacancyFactory(title="Domestic abuse practitioner", employment_type=Vacancy.EmploymentType.PART_TIME)
    VacancyFactory(title="Closed team manager", closing_date=today - dt.timedelta(days=3))
    postings = job_postings(client.get("/join-us/").content.decode())
    assert sorted(p["title"] for p in postings) == ["Domestic abuse practitioner", "Social worker"]
    for posting in postings:
        assert posting["@context"] == "https://schema.org/"
        assert posting["@type"] == "JobPosting"
        assert posting.keys() >= JOB_POSTING_REQUIRED
        assert all(posting[key] for key in JOB_POSTING_REQUIRED)
    social = next(p for p in postings if p["title"] == "Social worker")
    assert social["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Oxfordshire County Council",
        "sameAs": "https://www.oxfordshire.gov.uk/",
    }
    assert social["jobLocation"]["address"]["addressLocality"] == "Banbury"
    assert social["jobLocation"]["address"]["addressCountry"] == "GB"
    assert social["baseSalary"]["currency"] == "GBP"
    assert social["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "minValue": 38000,
        "maxValue": 43000,
        "unitText": "YEAR",
    }
    assert social["employmentType"] == "FULL_TIME"
    closes = dt.datetime.fromisoformat(social["validThrough"])
    assert closes == dt.datetime.combine(
        first.closing_date + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON
    )
    assert dt.date.fromisoformat(social["datePosted"]) <= today
    assert social["url"].endswith(f"/join-us/#vacancy-{first.pk}")


def test_job_posting_json_cannot_break_out_of_its_script(client, recruitment):
    """An editor's "</script>" in a title stays inside the JSON (escaped), and decodes back intact."""
    VacancyFactory(title='Worker </script><script>alert("x")</script>')
    html = client.get("/join-us/").content.decode()
    assert '</script><script>alert("x")' not in html
    (posting,) = job_postings(html)
    assert posting["title"] == 'Worker </script><script>alert("x")</script>'


def test_json_ld_carries_the_csp_nonce_of_the_response(client, recruitment):
    VacancyFactory()
    response = client.get("/join-us/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script type="application/ld+json" nonce="{nonce}">' in response.content.decode()


def test_vacancy_closes_at_london_midnight_after_its_closing_date(client, recruitment):
    """A vacancy closing on 30 June (BST) shows at 23:59 that day and is gone at 00:00, cache or not."""
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=LONDON), tick=False):
        VacancyFactory(title="Summer social worker", closing_date=dt.date(2026, 6, 30))
    with time_machine.travel(dt.datetime(2026, 6, 30, 23, 59, tzinfo=LONDON), tick=False) as clock:
        assert "Summer social worker" in client.get("/join-us/").content.decode()
        cached = client.get("/join-us/")
        assert cached["X-Public-Cache"] == "hit"
        assert "Summer social worker" in cached.content.decode()
        clock.move_to(dt.datetime(2026, 7, 1, 0, 0, 1, tzinfo=LONDON))
        after = client.get("/join-us/")
        assert after["X-Public-Cache"] == "miss"
        assert "Summer social worker" not in after.content.decode()
        assert job_postings(after.content.decode()) == []


def test_vacancy_closing_date_uses_london_time_in_winter(client, recruitment):
    """In GMT, 23:30 UTC on the closing date is still that day in London: the vacancy is open."""
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 0, tzinfo=LONDON), tick=False):
        VacancyFactory(title="Winter social worker", closing_date=dt.date(2026, 1, 20))
    with time_machine.travel(dt.datetime(2026, 1, 20, 23, 30, tzinfo=dt.UTC), tick=False):
        assert "Winter social worker" in client.get("/join-us/").content.decode()
    with time_machine.travel(dt.datetime(2026, 1, 21, 0, 0, 1, tzinfo=dt.UTC), tick=False):
        assert "Winter social worker" not in client.get("/join-us/").content.decode()


def test_no_open_vacancies_shows_the_empty_text(client, recruitment):
    html = client.get("/join-us/").content.decode()
    assert "No vacancies now." in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"salary_min": 45000, "salary_max": 40000}, "salary_max", "at least the bottom"),
        ({"apply_url": "", "reference": ""}, "apply_url", "application link or a job reference"),
        ({"apply_url": "", "reference": "   "}, "apply_url", "application link or a job reference"),
    ],
)
def test_vacancy_validation_explains_what_is_wrong(changes, field, message):
    """An editor saving a salary range upside down, or no way to apply, is told what to fix."""
    vacancy = VacancyFactory.build(**changes)
    with pytest.raises(ValidationError) as error:
        vacancy.full_clean()
    assert message in " ".join(error.value.message_dict[field])


def test_a_reference_alone_is_a_way_to_apply():
    VacancyFactory.build(apply_url="", reference="FS-1").full_clean()


@pytest.mark.parametrize(
    "changes", [{"salary_min": 45000, "salary_max": 40000}, {"apply_url": "", "reference": ""}]
)
def test_the_database_refuses_vacancies_that_bypass_validation(changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        VacancyFactory(**changes, live=False)


# --- SEO ----------------------------------------------------------------------------------------


def test_page_has_description_canonical_open_graph_and_twitter_tags(client, recruitment):
    recruitment.search_description = "Social work jobs in whole-family teams."
    recruitment.save_revision().publish()
    html = client.get("/join-us/").content.decode()
    assert '<meta name="description" content="Social work jobs in whole-family teams.">' in html
    assert '<link rel="canonical" href="http://testserver/join-us/">' in html
    assert '<meta property="og:title" content="Social work jobs">' in html
    assert '<meta property="og:url" content="http://testserver/join-us/">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta name="twitter:description" content="Social work jobs in whole-family teams.">' in html


def test_description_falls_back_to_the_hero_text(client, recruitment):
    html = client.get("/join-us/").content.decode()
    assert (
        '<meta name="description" content="We are recruiting social workers for whole-family teams.">' in html
    )


def test_sitemap_lists_public_pages_only(client, home_page, recruitment):
    """Search engines are told about public pages, never private, draft or staff-only ones."""
    from modules.models import ModuleIndexPage

    StandardPageFactory(parent=home_page, title="Accessibility statement", slug="accessibility")
    private = StandardPageFactory(parent=home_page, title="Staff notice", slug="staff-notice")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    StandardPageFactory(parent=home_page, title="Draft", slug="draft-page", live=False)
    home_page.add_child(instance=ModuleIndexPage(title="Training", slug="training"))
    xml = client.get("/sitemap.xml").content.decode()
    # Locations use the Wagtail site's own address (the default site is localhost).
    paths = sorted(re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>(.*?)</loc>", xml))
    assert paths == ["/", "/accessibility/", "/join-us/", "/join-us/express-interest/"]


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "User-agent: *" in text
    for private in ("/admin/", "/accounts/", "/learning/"):
        assert f"Disallow: {private}" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


# --- blocks --------------------------------------------------------------------------------------


def test_call_to_action_needs_exactly_one_destination(home_page):
    block = CallToActionBlock()
    base = {"heading": "Interested?", "text": "", "button_label": "Tell us"}
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({**base, "page": None, "url": ""}))
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({**base, "page": home_page.pk, "url": "https://example.org/"}))
    assert block.clean(block.to_python({**base, "page": None, "url": "https://example.org/"}))


def test_event_end_time_must_follow_its_start():
    block = EventBlock()
    value = {**EventBlock().meta.preview_value, "start_time": "18:00", "end_time": "17:00"}
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python(value))
    assert "end_time" in error.value.block_errors
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({**value, "start_time": None}))


def test_past_events_are_hidden_and_upcoming_ones_sorted():
    block = EventsBlock()
    events = [
        {**EventBlock().meta.preview_value, "title": "Later", "date": "2026-03-10"},
        {**EventBlock().meta.preview_value, "title": "Past", "date": "2026-02-27"},
        {**EventBlock().meta.preview_value, "title": "Today", "date": "2026-02-28"},
    ]
    value = block.to_python({**EventsBlock().meta.preview_value, "events": events})
    with time_machine.travel(dt.datetime(2026, 2, 28, 20, 0, tzinfo=LONDON), tick=False):
        titles = [event["title"] for event in events_upcoming(events=list(value["events"]))]
        html = block.render(value)
    assert titles == ["Today", "Later"]
    assert "Past" not in html and "Today" in html


@pytest.mark.parametrize(
    "block_class",
    [TextSectionBlock, StatsBlock, QuotesBlock, QuestionsBlock, OfferBlock, EventsBlock, VacanciesBlock],
)
def test_every_block_renders_its_preview_value(block_class):
    """Editors' block previews show a credible example (and the templates render)."""
    block = block_class()
    for attribute in ("icon", "template", "label", "help_text", "preview_value"):
        assert getattr(block.meta, attribute)
    html = block.render(block.get_preview_value(), context={"open_vacancies": []})
    assert block.meta.preview_value["heading"] in html


def test_figures_show_their_source_note():
    block = StatsBlock()
    html = block.render(block.get_preview_value())
    assert "55%" in html and "Source: Hertfordshire County Council" in html


def test_questions_are_details_elements_that_work_without_javascript():
    html = QuestionsBlock().render(QuestionsBlock().get_preview_value())
    assert '<details class="govuk-details app-question">' in html
    assert "<summary" in html


def test_recruitment_page_body_needs_one_vacancies_block():
    stream = RecruitmentPage.body.field.stream_block
    value = stream.to_python([{"type": "text", "value": TextSectionBlock().meta.preview_value}])
    with pytest.raises(ValidationError):
        stream.clean(value)


def test_home_page_allows_the_recruitment_page_and_keeps_its_other_children():
    assert {"pages.StandardPage", "pages.RecruitmentPage", "modules.ModuleIndexPage"} <= set(
        HomePage.subpage_types
    )
    assert RecruitmentPage.parent_page_types == ["pages.HomePage"]
    assert ExpressionOfInterestPage.parent_page_types == ["pages.RecruitmentPage"]


def test_cache_timeout_never_runs_past_london_midnight():
    """Entries end by the next London midnight (when vacancies close) in summer and winter."""
    summer = dt.datetime(2026, 6, 30, 23, 50, tzinfo=LONDON)
    winter = dt.datetime(2026, 12, 1, 23, 0, tzinfo=LONDON)
    assert public_cache_timeout(now=summer, longest=3600) == 600
    assert public_cache_timeout(now=winter, longest=3600) == 3600
    assert public_cache_timeout(now=winter, longest=300) == 300


# --- the seed -------------------------------------------------------------------------------------


def test_seed_builds_a_live_page_with_open_and_closed_vacancies_and_is_idempotent(client, home_page):
    """`seed_demo` gives /join-us/ with its form and at least three open vacancies and one closed."""
    context = SeedContext(stdout=StringIO(), password="x")
    seed_recruitment(context)
    seed_recruitment(context)
    page = RecruitmentPage.objects.get()
    assert page.live and page.url == "/join-us/"
    form_page = ExpressionOfInterestPage.objects.get()
    assert form_page.live and form_page.get_parent().pk == page.pk
    assert form_page.form_fields.count() == 7
    today = dt.datetime.now(LONDON).date()
    assert Vacancy.objects.filter(live=True, closing_date__gte=today).count() >= 3
    assert Vacancy.objects.filter(closing_date__lt=today).count() == 1
    assert Vacancy.objects.count() == 5
    response = client.get("/join-us/")
    assert response.status_code == 200
    assert len(job_postings(response.content.decode())) == 4
    assert client.get("/join-us/express-interest/").status_code == 200


# --- the admin ----------------------------------------------------------------------------------


def test_editors_can_open_the_admin_screens_for_pages_and_vacancies(client, home_page, recruitment):
    """An administrator lists vacancies, opens the add forms and edits both pages."""
    from allauth.mfa.models import Authenticator

    from tests.cms.people.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(admin)
    vacancy = VacancyFactory(title="Listed vacancy")
    listing = client.get("/admin/snippets/pages/vacancy/")
    assert listing.status_code == 200
    assert "Listed vacancy" in listing.content.decode()
    assert client.get("/admin/snippets/pages/vacancy/add/").status_code == 200
    assert client.get(f"/admin/snippets/pages/vacancy/edit/{vacancy.pk}/").status_code == 200
    assert client.get(f"/admin/pages/add/pages/recruitmentpage/{home_page.pk}/").status_code == 200
    assert client.get(f"/admin/pages/{recruitment.pk}/edit/").status_code == 200
    form_page = ExpressionOfInterestPage.objects.get()
    assert client.get(f"/admin/pages/{form_page.pk}/edit/").status_code == 200
