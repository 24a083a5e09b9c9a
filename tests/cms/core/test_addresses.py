"""Addresses worked out once per process: fixed URLs per URL map, static files (cms.core.addresses)."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from cms.core.addresses import reverse_fixed, reverse_fixed_or_none


def test_a_fixed_address_is_django_s_own():
    assert reverse_fixed("wagtailadmin_home") == reverse("wagtailadmin_home")
    assert reverse_fixed("learning:my_learning") == reverse("learning:my_learning")


def test_an_address_not_installed_is_none_or_refused():
    assert reverse_fixed_or_none("no_such_page") is None
    with pytest.raises(NoReverseMatch):
        reverse_fixed("no_such_page")


def test_another_url_map_gives_its_own_answers(settings):
    """A section missing from the URL map in use is missing from the answers at once."""
    assert reverse_fixed_or_none("learning:my_learning") is not None
    settings.ROOT_URLCONF = "tests.cms.core.layout_urls_bare"
    assert reverse_fixed_or_none("learning:my_learning") is None


def test_the_script_prefix_is_part_of_the_address():
    """Mounted under a prefix, the addresses carry it, as Django's reverse gives them."""
    try:
        set_script_prefix("/mounted/")
        assert reverse_fixed("wagtailadmin_home") == reverse("wagtailadmin_home")
        assert reverse_fixed("wagtailadmin_home").startswith("/mounted/")
    finally:
        set_script_prefix("/")
    assert not reverse_fixed("wagtailadmin_home").startswith("/mounted/")


def test_a_static_address_is_django_s_own():
    from django.templatetags.static import static

    from cms.core.addresses import static_fixed

    assert static_fixed("css/site.css") == static("css/site.css")
    assert static_fixed("css/site.css") == static_fixed("css/site.css")


def test_static_addresses_follow_the_static_settings(settings):
    """Served from elsewhere (another STATIC_URL), the frame's files are addressed there at once."""
    from cms.core.addresses import static_fixed

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_URL = "/first/"
    assert static_fixed("js/site.js") == "/first/js/site.js"
    settings.STATIC_URL = "/second/"
    assert static_fixed("js/site.js") == "/second/js/site.js"
