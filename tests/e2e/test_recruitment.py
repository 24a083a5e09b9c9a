"""A social worker finds the recruitment page and expresses interest with the keyboard alone."""

import gzip
import mimetypes
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from cms.core.seeding import SeedContext
from cms.pages.demo.seed import seed_pages, seed_recruitment
from cms.pages.services import public_cache_purge
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots/h7"))  # noqa: S108 - screenshots for people to look at
WEIGHT_BUDGET_BYTES = 200 * 1024


def wagtail_roots_ensure() -> None:
    """Wagtail's default locale, root page and root collection come from migrations; a
    transactional test's flush (this one's or an earlier test's) removes them."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(
            instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
        )


@pytest.fixture
def seeded(settings):
    settings.DEBUG = False
    wagtail_roots_ensure()
    settings.RECRUITMENT_FORM_RATE_LIMIT = 50
    context = SeedContext(stdout=StringIO(), password="x")
    seed_pages(context)
    seed_recruitment(context)
    Site.clear_site_root_paths_cache()
    public_cache_purge()
    SHOTS.mkdir(parents=True, exist_ok=True)


def serve_media(page):
    """The test server does not serve uploads (DEBUG is off); hand the browser the files from disk."""

    def handler(route):
        path = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
        file = Path(settings.MEDIA_ROOT) / path
        if not file.is_file():
            route.fulfill(status=404, body="")
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=file.read_bytes(), headers={"Content-Type": content_type})

    page.route("**/media/**", handler)


def tab_to(page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has focus (a keyboard user's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def test_keyboard_journey_from_landing_page_to_thank_you(live_server, page, seeded):
    """From the landing page a visitor tabs to the call to action, meets the error summary when
    sending too early, fills in the form with the keyboard and is thanked; axe is clean throughout."""
    serve_media(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    requested = []

    def record(request):
        requested.append(request)

    page.on("request", record)
    page.goto(live_server.url + "/join-us/")
    page.wait_for_load_state("networkidle")
    page.remove_listener("request", record)
    hero = next(index for index, request in enumerate(requested) if request.resource_type == "image")
    # (kind, url, raw bytes, gzip bytes, requested before the hero image?)
    transfers: list[tuple[str, str, int, int, bool]] = []
    for index, request in enumerate(requested):
        if request.resource_type in ("document", "stylesheet", "script"):
            body = request.response().body()
            gz = len(gzip.compress(body, 9))
            transfers.append((request.resource_type, request.url, len(body), gz, index < hero))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Do the social work you came into the job to do"
    )
    assert page.locator("picture source[type='image/avif']").count() == 1
    assert page.locator("picture source[type='image/webp']").count() == 1
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "landing-1280.png"), full_page=True)

    # Static files are served compressed in production (whitenoise); HTML by the proxy.
    before_hero = sum(item[3] for item in transfers if item[4])
    everything = sum(item[3] for item in transfers)
    print(f"\nlanding weight before the hero image: {before_hero} bytes gzip")  # noqa: T201
    print(f"landing weight, all HTML+CSS+JS: {everything} bytes gzip")  # noqa: T201
    for kind, url, size, gz, before in transfers:
        print(f"  {kind:10} {gz:7} gz {size:7} raw {'before' if before else 'after '} {url}")  # noqa: T201
    assert {kind for kind, *_ in transfers} >= {"document", "stylesheet", "script"}
    assert before_hero <= WEIGHT_BUDGET_BYTES
    assert everything <= WEIGHT_BUDGET_BYTES

    # FAQ answers open from the keyboard (details elements: no JavaScript needed).
    question = page.locator("summary", has_text="Do I need to be registered with Social Work England?")
    question.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Yes, for social worker posts.")).to_be_visible()

    page.goto(live_server.url + "/join-us/")
    tab_to(page, "a.app-hero__button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us you are interested")
    assert_accessible(page)

    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your full name")
    expect(summary).to_contain_text("Agree to be contacted, so that we can reply to you")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "form-errors-1280.png"), full_page=True)

    # The error summary's first link takes the keyboard user to the question.
    summary.get_by_role("link", name="Enter your full name").focus()
    page.keyboard.press("Enter")
    tab_to(page, "#id_full_name")
    page.keyboard.type("Priya Shah")
    page.keyboard.press("Tab")
    page.keyboard.type("priya.shah@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("07700 900982")
    page.keyboard.press("Tab")
    page.keyboard.type("Child protection social worker")
    tab_to(page, "#id_social_work_england_registration_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_areas_of_interest_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_areas_of_interest_4")
    page.keyboard.press("Space")
    tab_to(page, "#id_consent_to_contact")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your details")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "thank-you-1280.png"), full_page=True)
    submission = FormSubmission.objects.get()
    assert submission.form_data["full_name"] == "Priya Shah"
    assert submission.form_data["areas_of_interest"] == [
        "Social worker in a Family Safeguarding Team",
        "Open days and events",
    ]
    assert submission.form_data["consent_to_contact"] is True


def test_phone_sized_pages_are_accessible(live_server, page, seeded):
    """On a 375px phone the landing page and the form read in one column, axe clean."""
    serve_media(page)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + "/join-us/")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(SHOTS / "landing-375.png"), full_page=True)
    page.goto(live_server.url + "/join-us/express-interest/")
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "form-375.png"), full_page=True)


def test_form_works_without_javascript(live_server, browser, seeded):
    """With JavaScript off, a visitor still sends the form and is thanked."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/join-us/express-interest/")
    page.get_by_label("Full name").fill("Sam Okafor")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Current role").fill("Final-year social work student")
    page.get_by_label("Final-year social work student").check()
    page.get_by_label("Newly qualified social worker (ASYE)").check()
    page.get_by_label("I agree to the recruitment team contacting me about jobs and events").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, we have your details")
    context.close()
    assert FormSubmission.objects.get().form_data["full_name"] == "Sam Okafor"
