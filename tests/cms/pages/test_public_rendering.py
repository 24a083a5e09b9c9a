"""Public pages rendered without the whole-response cache: what they cost, and that they stay true.

A request with a query string (a campaign link) is never answered from the public cache, so it
is rendered every time; it still uses the page tree cache and the fragments kept under the public
cache's generation (cms.pages.selectors.public_fragment). These tests pin what such a render
reads, and prove every publish or edit shows on the very next anonymous visit.
"""

import pickle

import pytest
from django.test import Client
from wagtail.models import Site

from cms.core.page_cache import _local_tier, tree_forget
from cms.pages import public_cache
from cms.pages.selectors import public_cache_key
from cms.pages.services import public_cache_purge, public_cache_warm
from tests.cms.pages.factories import ExpressionOfInterestPageFactory, RecruitmentPageFactory, VacancyFactory
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db

CAMPAIGN = "?utm_source=newsletter"


@pytest.fixture
def recruitment(home_page, site_caches):
    Site.clear_site_root_paths_cache()  # home_page_ensure may repoint the site without clearing it
    page = RecruitmentPageFactory(parent=home_page)
    ExpressionOfInterestPageFactory(parent=page)
    VacancyFactory(title="Senior social worker")
    page.save_revision().publish()
    return page


def caches_as_after_a_publish() -> None:
    """Every cached answer stale, in Redis and in this process, as the publish signals leave them."""
    tree_forget()
    _local_tier.clear()
    public_cache_purge()
    public_cache.local_clear()


@pytest.mark.parametrize(("path", "cold", "warm"), [("/join-us/", 4, 0), ("/", 5, 0)])
def test_rendered_public_pages_read_nothing_once_their_caches_are_warm(
    client, recruitment, django_assert_num_queries, path, cold, warm
):
    """A campaign link to the landing page or the home page: the first render after a publish reads
    the site, the route and what the page shows (the landing page: its call-to-action page and the
    open vacancies; the home page: its view restrictions and the recruitment page it links to);
    every later one reads nothing."""
    client.get(path + CAMPAIGN)
    caches_as_after_a_publish()
    with django_assert_num_queries(cold):
        first = client.get(path + CAMPAIGN)
    with django_assert_num_queries(warm):
        second = client.get(path + CAMPAIGN)
    assert first.status_code == second.status_code == 200
    assert "X-Public-Cache" not in second
    assert second.content.replace(b"\n", b"").count(b"nonce=") == first.content.replace(b"\n", b"").count(
        b"nonce="
    )


def test_each_rendered_page_has_its_own_nonce_around_the_kept_parts(client, recruitment):
    first, second = client.get("/join-us/" + CAMPAIGN), client.get("/join-us/" + CAMPAIGN)
    nonce = second["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert nonce not in first.content.decode()
    assert f'<script type="application/ld+json" nonce="{nonce}">' in second.content.decode()


def test_a_published_edit_shows_at_once_on_a_rendered_page(client, recruitment):
    """An editor publishes a new headline: the next campaign visitor and the next plain visitor see it."""
    assert "Do the social work" in client.get("/join-us/" + CAMPAIGN).text
    recruitment.hero_heading = "A brand new headline"
    recruitment.save_revision().publish()
    assert "A brand new headline" in client.get("/join-us/" + CAMPAIGN).text
    assert "A brand new headline" in client.get("/join-us/").text


def test_a_saved_draft_is_not_shown_and_its_preview_is_never_kept(client, admin_client, recruitment):
    """A draft stays private: the public keeps the live text, and the preview shows the draft,
    even after the public render kept its fragments, without leaving the draft in them."""
    client.get("/join-us/" + CAMPAIGN)
    recruitment.hero_heading = "A draft headline"
    recruitment.save_revision()
    preview = recruitment.get_latest_revision_as_object().make_preview_request()
    assert "A draft headline" in preview.content.decode()
    public = client.get("/join-us/" + CAMPAIGN).text
    assert "A draft headline" not in public
    assert "Do the social work" in public


def test_a_published_vacancy_shows_at_once_in_the_list_and_the_job_postings(client, recruitment):
    """A recruitment adviser publishes a job: it is listed and in the JobPosting data at once."""
    client.get("/join-us/" + CAMPAIGN)
    vacancy = VacancyFactory(title="Family practitioner", reference="FP-1")
    html = client.get("/join-us/" + CAMPAIGN).text
    assert "Family practitioner" in html
    assert html.count('"@type": "JobPosting"') == 2
    vacancy.unpublish()
    html = client.get("/join-us/" + CAMPAIGN).text
    assert "Family practitioner" not in html
    assert html.count('"@type": "JobPosting"') == 1


def test_a_home_page_edit_shows_at_once_and_signed_in_people_keep_their_own_frame(
    client, admin_client, home_page, recruitment
):
    client.get("/" + CAMPAIGN)
    home_page.body = "<p>Our new practice week is open for booking.</p>"
    home_page.save_revision().publish()
    assert "Our new practice week is open for booking." in client.get("/" + CAMPAIGN).text
    signed_in = admin_client.get("/" + CAMPAIGN).text
    assert "Where to go next" in signed_in
    assert "Our new practice week is open for booking." in signed_in
    assert "Staff and partner agencies" not in signed_in


@pytest.fixture
def warming(settings):
    settings.PUBLIC_CACHE_WARM_PAGES = 20  # off in the test settings


def test_warming_renders_public_pages_into_the_cache(client, recruitment, warming):
    """After a publish the worker renders the site's public pages: the next visitor is a cache hit
    and sees the published page; the form is never stored (its CSRF token is one visitor's)."""
    recruitment.hero_heading = "Warmed headline"
    recruitment.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    assert public_cache_warm() == 2  # the home page and the landing page
    response = client.get("/join-us/", HTTP_HOST=site.hostname)
    assert response["X-Public-Cache"] == "hit"
    assert "Warmed headline" in response.text
    assert client.get("/", HTTP_HOST=site.hostname)["X-Public-Cache"] == "hit"
    assert client.get("/join-us/express-interest/", HTTP_HOST=site.hostname).get("X-Public-Cache") is None
    assert public_cache_warm() == 0  # already stored: nothing rendered again


def test_a_publish_leaves_the_cache_warm_through_the_worker(celery_worker, home_page, site_caches, warming):
    """An editor publishes the landing page: once the publish commits, a real worker renders it
    into the emptied cache, so the first visitor after it is answered from the cache."""
    Site.clear_site_root_paths_cache()
    page = RecruitmentPageFactory(parent=home_page)
    site = Site.objects.get(is_default_site=True)
    page.hero_heading = "Published and warmed"
    page.save_revision().publish()

    def warmed():
        return public_cache.entry_get(
            key=public_cache_key(host=site.hostname, path="/join-us/"),
            generation=public_cache.generation_current(),
        )

    entry = wait_for(warmed)
    assert b"Published and warmed" in entry[4]
    response = Client().get("/join-us/", HTTP_HOST=site.hostname)
    assert response["X-Public-Cache"] == "hit"


def test_a_transaction_publishing_many_pages_warms_the_cache_once_after_the_renewals(
    home_page, site_caches, warming, django_capture_on_commit_callbacks
):
    """A bulk publish (or the demo seeder) publishes a vacancy, then page after page, in one
    transaction: the warming task, which renders every public page, is queued once after the
    commit, and after the page tree's and the public cache's renewals (else, with the broker
    down, it would render from what other visits kept meanwhile, or a renewal would empty the
    cache it had just filled)."""
    Site.clear_site_root_paths_cache()
    with django_capture_on_commit_callbacks() as callbacks:
        VacancyFactory(title="Team manager").save_revision().publish()
        for slug in ("join-us", "join-our-teams", "work-with-us"):
            page = RecruitmentPageFactory(parent=home_page, slug=slug)
            page.save_revision().publish()
    jobs = [c.__qualname__ for c in callbacks]
    assert jobs[-1] == "_public_cache_warm_queue"
    assert sorted(jobs[:-1]) == ["_public_cache_purge_again", "_tree_forget_now"]


def test_a_purge_is_made_again_after_the_commit(db, site_caches, django_capture_on_commit_callbacks):
    """A visit while the publish is uncommitted reads the old page and may keep it under the
    generation the purge made at once; the purge after the commit leaves it behind."""
    with django_capture_on_commit_callbacks(execute=True):
        at_once = public_cache_purge()
        assert public_cache.generation_current() == at_once
        public_cache_purge()  # another write of the same transaction: one purge after commit
    after_commit = public_cache.generation_current()
    assert after_commit not in {None, at_once}


def test_a_cached_route_carries_no_body_and_reads_it_again_when_needed(
    recruitment, django_assert_num_queries
):
    """The route cache keeps the page lean (read on every request); a render that needs the body
    (its fragment not kept) reads it again, and gets the published one."""
    recruitment.body[0].value["heading"] = "Published section heading"
    recruitment.save_revision().publish()
    recruitment.hero_image  # noqa: B018 (a related row read while rendering)
    copy = pickle.loads(pickle.dumps(recruitment))  # noqa: S301 (our own bytes)
    assert "body" not in copy.__dict__
    assert "hero_image" not in copy._state.fields_cache
    assert copy.hero_heading == recruitment.hero_heading
    with django_assert_num_queries(1):
        assert copy.body[0].value["heading"] == "Published section heading"
