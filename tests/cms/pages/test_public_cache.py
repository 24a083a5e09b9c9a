"""The public page cache: anonymous visitors get stored responses; anything published purges them."""

import re

import pytest
from django.conf import settings
from django.test import Client
from wagtail.models import PageViewRestriction, Site

from cms.pages import public_cache
from cms.pages.services import public_cache_purge
from tests.cms.pages.factories import (
    ExpressionOfInterestPageFactory,
    RecruitmentPageFactory,
    StandardPageFactory,
    VacancyFactory,
)
from tests.cms.people.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recruitment(home_page):
    Site.clear_site_root_paths_cache()  # home_page_ensure may repoint the site without clearing it
    page = RecruitmentPageFactory(parent=home_page)
    ExpressionOfInterestPageFactory(parent=page)
    public_cache_purge()
    return page


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_second_anonymous_visit_is_served_from_the_cache_with_its_own_headers(client, recruitment):
    """The stored response replays body and headers together: its CSP nonce matches its HTML."""
    first = client.get("/join-us/")
    second = client.get("/join-us/")
    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert nonce_of(second) == nonce_of(first)
    assert f'nonce="{nonce_of(second)}"' in second.content.decode()
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert second["X-Frame-Options"] == first["X-Frame-Options"]
    assert "csrfmiddlewaretoken" not in second.content.decode()


def test_a_cache_hit_needs_no_database_query(client, recruitment, django_assert_num_queries):
    client.get("/join-us/")
    with django_assert_num_queries(0):
        assert client.get("/join-us/")["X-Public-Cache"] == "hit"


def test_home_and_standard_pages_are_cached_too(client, home_page, recruitment):
    StandardPageFactory(parent=home_page, slug="accessibility")
    for path in ("/", "/accessibility/"):
        client.get(path)
        assert client.get(path)["X-Public-Cache"] == "hit"


def test_signed_in_people_are_never_served_or_stored(client, recruitment):
    """A signed-in visitor sees their own header (Sign out), never a page cached for someone else."""
    Client().get("/join-us/")  # an anonymous visitor fills the cache
    client.force_login(UserFactory())
    response = client.get("/join-us/")
    assert "X-Public-Cache" not in response
    assert "Sign out" in response.content.decode()
    public_cache_purge()
    client.get("/join-us/")  # a signed-in render is not stored
    anonymous = Client().get("/join-us/")
    assert anonymous["X-Public-Cache"] == "miss"
    assert "Sign out" not in anonymous.content.decode()


def test_visitors_with_messages_or_a_query_string_bypass_the_cache(client, recruitment):
    client.get("/join-us/")
    assert "X-Public-Cache" not in client.get("/join-us/?utm_source=jobs")
    with_messages = Client()
    with_messages.cookies[getattr(settings, "MESSAGE_COOKIE_NAME", "messages")] = "x"
    assert "X-Public-Cache" not in with_messages.get("/join-us/")


def test_view_restricted_pages_are_not_stored(client, home_page):
    private = StandardPageFactory(parent=home_page, slug="staff-notice")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret-word"
    )
    first = client.get("/staff-notice/")
    second = client.get("/staff-notice/")
    assert second.get("X-Public-Cache") != "hit"
    assert "X-Public-Cache" not in first


def test_publishing_a_page_purges_the_cache(client, recruitment):
    """An editor publishes a new headline: the next anonymous visitor sees it at once."""
    client.get("/join-us/")
    assert client.get("/join-us/")["X-Public-Cache"] == "hit"
    recruitment.hero_heading = "A brand new headline"
    recruitment.save_revision().publish()
    response = client.get("/join-us/")
    assert response["X-Public-Cache"] == "miss"
    assert "A brand new headline" in response.content.decode()


def test_unpublishing_a_page_purges_the_cache(client, recruitment):
    client.get("/join-us/")
    recruitment.unpublish()
    assert client.get("/join-us/").status_code == 404


def test_publishing_and_unpublishing_a_vacancy_purges_the_cache(client, recruitment):
    """A recruitment adviser publishes a job, then withdraws it: the page follows each time."""
    client.get("/join-us/")
    vacancy = VacancyFactory(title="Brand new vacancy")
    response = client.get("/join-us/")
    assert response["X-Public-Cache"] == "miss"
    assert "Brand new vacancy" in response.content.decode()
    assert client.get("/join-us/")["X-Public-Cache"] == "hit"
    vacancy.unpublish()  # wagtail's UnpublishAction, as the admin's "Unpublish" does
    response = client.get("/join-us/")
    assert "Brand new vacancy" not in response.content.decode()


def test_deleting_a_vacancy_purges_the_cache(client, recruitment):
    vacancy = VacancyFactory(title="Soon deleted")
    assert "Soon deleted" in client.get("/join-us/").content.decode()
    vacancy.delete()
    assert "Soon deleted" not in client.get("/join-us/").content.decode()


def test_a_purge_reaches_every_web_process(client, recruitment):
    """The generation lives in the shared cache: a purge from anywhere invalidates every entry."""
    client.get("/join-us/")
    client.get("/")
    public_cache_purge()
    assert client.get("/join-us/")["X-Public-Cache"] == "miss"
    assert client.get("/")["X-Public-Cache"] == "miss"


def test_a_purge_by_another_process_is_seen_once_the_generation_is_rechecked(client, recruitment, settings):
    """Another web process purges (writes a new generation to Redis): this one stops serving its
    in-memory copy as soon as it re-reads the generation (every second; here, every request)."""
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 0
    client.get("/join-us/")
    assert client.get("/join-us/")["X-Public-Cache"] == "hit"
    public_cache.shared().set(public_cache.GENERATION_KEY, "written-by-another-process", timeout=None)
    assert client.get("/join-us/")["X-Public-Cache"] == "miss"
    assert client.get("/join-us/")["X-Public-Cache"] == "hit"


def test_entries_also_serve_other_processes_from_the_shared_cache(client, recruitment):
    """A page rendered by one process is a hit for another process whose memory is empty."""
    client.get("/join-us/")
    public_cache._local.clear()
    assert client.get("/join-us/")["X-Public-Cache"] == "hit"
