"""Branding settings: the council's name, logo, colour and typeface, and the colour rules."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from cms.core.branding import contrast_with_white, safe_brand_colour, validate_brand_colour
from cms.core.models import BrandingSettings
from tests.cms.people.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("colour", ["#005a70", "#0B0C0C", "#1d70b8", "#767676", "#000000"])
def test_dark_enough_colours_are_accepted(colour):
    validate_brand_colour(colour)


@pytest.mark.parametrize(
    ("colour", "ratio"),
    [("#777777", "4.48"), ("#ffdd00", "1.35"), ("#ffffff", "1.00"), ("#00a33b", "3.33")],
)
def test_colours_white_text_cannot_be_read_on_are_refused_with_the_ratio(colour, ratio):
    """An editor choosing the council's yellow is told why: white text on it fails 4.5:1."""
    with pytest.raises(ValidationError) as refused:
        validate_brand_colour(colour)
    message = refused.value.messages[0]
    assert refused.value.code == "low_contrast"
    assert f"{ratio}:1" in message
    assert "4.5:1" in message


@pytest.mark.parametrize("value", ["", "red", "#fff", "005a70", "#005a7g", "#005a70;", "#005a70 ", "url(x)"])
def test_malformed_colours_are_refused_with_the_expected_format(value):
    with pytest.raises(ValidationError) as refused:
        validate_brand_colour(value)
    assert refused.value.code == "invalid_hex"
    assert "#005a70" in refused.value.messages[0]


def test_contrast_matches_known_wcag_values():
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#ffffff") == pytest.approx(1.0)
    assert contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)


def test_model_validation_refuses_a_light_brand_colour(home_page):
    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.brand_colour = "#f47738"
    with pytest.raises(ValidationError) as refused:
        branding.full_clean()
    assert "brand_colour" in refused.value.message_dict


def test_tampered_colour_never_reaches_the_stylesheet(client, home_page):
    """A value written around the validation (a bad import, a manual SQL fix) falls back to the default."""
    site = Site.objects.get(is_default_site=True)
    BrandingSettings.for_site(site)
    BrandingSettings.objects.filter(site=site).update(brand_colour="</style")
    html = client.get("/").content.decode()
    style = re.search(r"<style[^>]*>(.*?)</style>", html, re.S).group(1)
    assert style.startswith(":root{--govuk-brand-colour:#005a70;")
    assert "</style<" not in html
    assert safe_brand_colour("#FFDD00") == "#005a70"


def test_branding_is_applied_to_every_page(client, home_page):
    """The council's own name, colour and typeface appear without a rebuild."""
    site = Site.objects.get(is_default_site=True)
    branding = BrandingSettings.for_site(site)
    branding.organisation_name = "Borsetshire County Council"
    branding.brand_colour = "#4C2C92"
    branding.font = "verdana"
    branding.save()
    html = client.get("/").content.decode()
    assert "Borsetshire County Council" in html
    assert "--govuk-brand-colour:#4c2c92;" in html
    assert "--site-font-family:verdana, geneva, sans-serif;" in html
    assert '<meta name="theme-color" content="#4c2c92">' in html


def test_logo_is_decorative_beside_the_organisation_name(client, home_page):
    site = Site.objects.get(is_default_site=True)
    branding = BrandingSettings.for_site(site)
    branding.logo = Image.objects.create(title="Council logo", file=get_test_image_file())
    branding.save()
    html = client.get("/").content.decode()
    img = re.search(r"<img [^>]*site-header__logo[^>]*>", html).group(0)
    assert 'alt=""' in img
    assert 'height="40"' in img


def test_beta_banner_links_to_the_feedback_page_or_address_in_the_settings(client, home_page):
    """The banner asked for feedback without saying how; it now links where site settings say."""
    html = client.get("/").content.decode()
    banner = html.split("govuk-phase-banner__text", 1)[1].split("</span>", 1)[0]
    assert 'href="mailto:learning.development@oxfordshire.gov.uk"' in banner
    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.feedback_url = "https://forms.example.org/learning-feedback"
    branding.save()
    banner = client.get("/").content.decode().split("govuk-phase-banner__text", 1)[1].split("</span>", 1)[0]
    assert 'href="https://forms.example.org/learning-feedback"' in banner
    assert "Give your feedback" in banner


def test_every_page_names_the_favicon_and_the_old_address_finds_it(client, home_page):
    html = client.get("/").content.decode()
    assert "core/favicon.svg" in html
    assert "core/favicon.ico" in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert "core/favicon.ico" in response["Location"]


def test_beta_banner_can_be_switched_off(client, home_page):
    assert "govuk-phase-banner" in client.get("/").content.decode()
    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.show_beta_banner = False
    branding.save()
    assert "govuk-phase-banner" not in client.get("/").content.decode()


def test_admin_refuses_a_light_colour_and_says_why(client, home_page):
    """L&D editing the branding in Wagtail get the reason on the form, and nothing is saved."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(admin)
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/core/brandingsettings/{site.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "organisation_name": "Oxfordshire County Council",
            "brand_colour": "#ffdd00",
            "font": "arial",
            "show_beta_banner": "on",
        },
    )
    assert response.status_code == 200
    assert "contrast ratio of 1.35:1" in response.content.decode()
    assert BrandingSettings.for_site(site).brand_colour == "#005a70"
    response = client.post(
        url, {"organisation_name": "Oxfordshire County Council", "brand_colour": "#0b0c0c", "font": "system"}
    )
    assert response.status_code == 302
    saved = BrandingSettings.for_site(site)
    assert (saved.brand_colour, saved.font, saved.show_beta_banner) == ("#0b0c0c", "system", False)


def test_people_without_settings_permission_cannot_edit_branding(client, home_page):
    """A learner cannot reach the branding screen."""
    client.force_login(UserFactory(groups=["Staff"]))
    site = Site.objects.get(is_default_site=True)
    response = client.get(f"/admin/settings/core/brandingsettings/{site.pk}/")
    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_built_stylesheet_uses_no_gov_uk_typeface_or_crown_and_no_missing_files():
    """The council's own identity: no GDS Transport, no crown; every url() in the CSS resolves.

    A url() to a missing file would also stop collectstatic's manifest storage in production.
    """
    from django.conf import settings

    build = settings.BASE_DIR / "static" / "build"
    css = (build / "css" / "site.css").read_text()
    assert "GDS Transport" not in css
    assert "crest" not in css
    assert "var(--site-font-family, arial, sans-serif)" in css
    for reference in re.findall(r"url\(([^)]+)\)", css):
        path = reference.strip("'\"")
        if path.startswith("data:"):
            continue
        assert (build / path.removeprefix("/static/")).exists(), path
    assert not (build / "vendor" / "govuk-frontend" / "assets").exists()
