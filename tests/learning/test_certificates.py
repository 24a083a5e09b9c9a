"""Certificates: rendered by Celery after the completion commits, private, publicly verifiable."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from learning.models import Certificate
from learning.services import activity_complete, certificate_render
from tests.cms.people.factories import UserFactory
from tests.conftest import wait_for
from tests.modules.factories import knowledge_check_block, module_with_lessons


def _complete_module(home_page, user):
    module, (lesson,) = module_with_lessons(
        home_page, bodies=[[knowledge_check_block(id="kc")]], title="Motivational interviewing foundations"
    )
    activity_complete(user=user, lesson=lesson, block_id="kc")
    return module, Certificate.objects.get(user=user, module=module)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_certificate_is_rendered_by_a_real_worker_after_commit(celery_worker, home_page, mailoutbox):
    """Completing a module queues the certificate; a worker renders a valid PNG and PDF and emails it."""
    learner = UserFactory(first_name="Asha", last_name="Patel", email="asha@oxfordshire.gov.uk")
    _module, certificate = _complete_module(home_page, learner)

    rendered = wait_for(
        lambda: Certificate.objects.filter(pk=certificate.pk, rendered_at__isnull=False).first()
    )

    with rendered.png.open("rb") as png:
        image = Image.open(io.BytesIO(png.read()))
        image.verify()
        assert image.format == "PNG"
        assert image.size == (2480, 1754)
    with rendered.pdf.open("rb") as pdf:
        data = pdf.read()
        assert data.startswith(b"%PDF-")
        assert b"%%EOF" in data[-1024:]
    wait_for(lambda: mailoutbox)
    assert mailoutbox[0].to == ["asha@oxfordshire.gov.uk"]
    assert certificate.code in mailoutbox[0].body


@pytest.mark.django_db
def test_rendering_twice_keeps_the_first_files(home_page):
    """A retried task does not re-render or replace an issued certificate."""
    _module, certificate = _complete_module(home_page, UserFactory())
    first = certificate_render(certificate_id=certificate.pk)
    second = certificate_render(certificate_id=certificate.pk)
    assert first.png.name == second.png.name
    assert certificate_render(certificate_id=999999) is None


@pytest.fixture
def rendered_certificate(db, home_page):
    owner = UserFactory(first_name="Asha", last_name="Patel")
    _module, certificate = _complete_module(home_page, owner)
    certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return owner, certificate


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["png", "pdf"])
def test_owner_downloads_their_certificate(client, rendered_certificate, kind):
    owner, certificate = rendered_certificate
    client.force_login(owner)
    response = client.get(
        reverse("learning:certificate_download", kwargs={"code": certificate.code, "kind": kind})
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-" if kind == "pdf" else b"\x89PNG")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_another_learner_cannot_download_someone_elses_certificate(client, rendered_certificate):
    """Certificates carry personal data: another learner gets a 404, as if it did not exist."""
    _owner, certificate = rendered_certificate
    client.force_login(UserFactory())
    url = reverse("learning:certificate_download", kwargs={"code": certificate.code, "kind": "pdf"})
    assert client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("groups", [["L&D editors"], ["L&D leads"]])
def test_learning_and_development_can_download_any_certificate(client, rendered_certificate, groups):
    _owner, certificate = rendered_certificate
    client.force_login(UserFactory(groups=groups))
    url = reverse("learning:certificate_download", kwargs={"code": certificate.code, "kind": "png"})
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_anonymous_download_is_sent_to_sign_in(client, rendered_certificate):
    _owner, certificate = rendered_certificate
    response = client.get(
        reverse("learning:certificate_download", kwargs={"code": certificate.code, "kind": "png"})
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_verify_page_is_public_and_confirms_module_name_and_date(client, rendered_certificate):
    """An employer checking a certificate sees the name, module and date, without signing in."""
    _owner, certificate = rendered_certificate
    response = client.get(reverse("learning:certificate_verify", kwargs={"code": certificate.code.lower()}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This certificate is genuine" in html
    assert "Asha Patel" in html
    assert "Motivational interviewing foundations" in html
    assert certificate.completed_on.strftime("%Y") in html


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["NOSUCHCODE22", "x" * 200, "<b>hi", "%00"])
def test_unknown_code_gets_a_clear_404_page(client, code):
    response = client.get(f"/certificates/verify/{code}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We cannot find that certificate" in html
    assert "<b>hi" not in html


@pytest.mark.django_db
def test_verification_codes_are_unique_and_unambiguous(home_page):
    from learning.services import CODE_ALPHABET, certificate_code_generate

    codes = {certificate_code_generate() for _ in range(500)}
    assert len(codes) == 500
    assert all(set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set("IO01") & set(CODE_ALPHABET)


@pytest.mark.django_db
def test_the_certificate_carries_the_councils_name_logo_and_colour(home_page, settings, tmp_path):
    """The council set its name, a logo and a purple brand colour in site settings: the certificate
    is drawn under a band of that colour holding the logo, and the PDF names the council as author."""
    from wagtail.images import get_image_model
    from wagtail.models import Site

    from cms.core.models import BrandingSettings
    from learning.services import certificate_files, certificate_image

    settings.MEDIA_ROOT = tmp_path
    logo_bytes = io.BytesIO()
    Image.new("RGB", (200, 100), (230, 20, 20)).save(logo_bytes, format="PNG")
    from django.core.files.images import ImageFile

    logo = get_image_model().objects.create(
        title="Crest", file=ImageFile(io.BytesIO(logo_bytes.getvalue()), name="crest.png")
    )
    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.organisation_name = "Example Borough Council"
    branding.brand_colour = "#4c2c92"
    branding.logo = logo
    branding.save()
    _module, certificate = _complete_module(home_page, UserFactory(first_name="Asha", last_name="Patel"))

    image = certificate_image(certificate=certificate)
    band = image.crop((60, 60, 2420, 310))
    colours = {colour for _count, colour in band.getcolors(maxcolors=1_000_000)}
    assert (0x4C, 0x2C, 0x92) in colours, "the band is the brand colour"
    assert (230, 20, 20) in colours, "the logo is drawn in the band"
    assert (255, 255, 255) in colours, "the council's name is written in white"
    assert image.getpixel((70, 1000)) == (0x4C, 0x2C, 0x92), "the border is the brand colour"
    _png, pdf = certificate_files(certificate=certificate)
    author = "Example Borough Council".encode("utf_16_be")
    assert author in pdf or author.hex().upper().encode() in pdf


@pytest.mark.django_db
def test_a_certificate_is_drawn_with_defaults_when_the_logo_cannot_be_read(home_page, settings, tmp_path):
    """A logo whose file has gone does not stop the certificate: it is drawn without it."""
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Site

    from cms.core.models import BrandingSettings
    from learning.services import certificate_image

    settings.MEDIA_ROOT = tmp_path
    logo = get_image_model().objects.create(title="Crest", file=get_test_image_file())
    logo.file.storage.delete(logo.file.name)
    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.logo = logo
    branding.save()
    _module, certificate = _complete_module(home_page, UserFactory())
    image = certificate_image(certificate=certificate)
    assert image.size == (2480, 1754)
