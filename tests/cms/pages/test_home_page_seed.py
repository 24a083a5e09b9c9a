"""Seeding the home page replaces Wagtail's placeholder, but never deletes content under it."""

import pytest
from wagtail.models import Page, Site

from cms.pages.models import HomePage
from cms.pages.seed import home_page_ensure

pytestmark = pytest.mark.django_db


def _placeholder() -> Page:
    """Wagtail's 'Welcome' page its migrations make, as a fresh database has it."""
    assert not HomePage.objects.exists()
    return Page.objects.get(depth=2, slug="home")


def test_an_empty_placeholder_is_replaced_by_the_home_page():
    placeholder = _placeholder()
    home = home_page_ensure()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert not Page.objects.filter(pk=placeholder.pk).exists()


def test_a_placeholder_with_pages_under_it_is_kept_out_of_the_site_not_deleted():
    placeholder = _placeholder()
    child = placeholder.add_child(instance=Page(title="Someone's page", slug="someones-page"))
    home = home_page_ensure()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    placeholder.refresh_from_db()
    assert placeholder.slug == "welcome-to-wagtail"
    assert Page.objects.filter(pk=child.pk, path__startswith=placeholder.path).exists()
    assert home_page_ensure().pk == home.pk  # seeding again changes nothing
