"""The header's markup kept once a process for each set of values it shows
(cms.core.templatetags.site_components.site_header): a change shows at once, nobody sees another's."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import Site

from cms.core.models import BrandingSettings
from cms.core.templatetags import site_components
from tests.cms.people.factories import UserFactory

pytestmark = pytest.mark.django_db


def _header(html: str) -> str:
    return html.split("<header", 1)[1].split("</header>", 1)[0]


def test_a_branding_change_shows_at_once_in_a_kept_header(client, home_page):
    """The header is kept after the first view; the council's new name is in the next one."""
    client.get("/")
    assert site_components._HEADER_MARKUP
    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.organisation_name = "Borsetshire County Council"
    branding.save()
    assert "Borsetshire County Council" in _header(client.get("/").content.decode())


def test_each_person_sees_their_own_sections_and_sign_in_state_from_the_kept_headers(client, home_page):
    """A visitor, a learner and an L&D person take turns, twice: each sees their own header every
    time (a learner never gets the admin link, a visitor never a sign-out link), the same markup
    from the kept entry as when it was first rendered."""
    group, _ = Group.objects.get_or_create(name="L&D editors")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    learner = UserFactory(groups=["Staff"])
    developer = UserFactory(groups=["Staff", "L&D editors"])
    seen: dict[str, str] = {}
    for _turn in range(2):
        for name, person in (("visitor", None), ("learner", learner), ("developer", developer)):
            client.logout()
            if person is not None:
                client.force_login(person)
            header = _header(client.get("/").content.decode())
            assert seen.setdefault(name, header) == header
    assert "Sign in" in seen["visitor"]
    assert "Sign out" not in seen["visitor"]
    assert "Sign out" in seen["learner"]
    assert "Sign out" in seen["developer"]
    assert ">Admin<" not in seen["learner"].replace(" ", "").replace("\n", "")
    assert ">Admin<" in seen["developer"].replace(" ", "").replace("\n", "")
    assert len({seen["visitor"], seen["learner"], seen["developer"]}) == 3


def test_the_header_renders_without_the_kept_markup(client, home_page):
    """Emptied (as in a new process), the header is rendered again, the same."""
    first = _header(client.get("/").content.decode())
    site_components._HEADER_MARKUP.clear()
    assert _header(client.get("/").content.decode()) == first


def test_in_development_the_header_is_rendered_each_time(client, home_page, settings):
    """With DEBUG on (make run), nothing is kept, so an edit to the header's template shows."""
    settings.DEBUG = True
    site_components._HEADER_MARKUP.clear()
    assert "Sign in" in _header(client.get("/").content.decode())
    assert not site_components._HEADER_MARKUP
