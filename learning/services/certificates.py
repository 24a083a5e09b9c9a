"""Certificates: issuing the record with its verification code, and rendering its PNG and PDF.

Files are drawn with Pillow and stored through Django's storage API.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format
from PIL import Image, ImageDraw, ImageFont

from cms.core.branding import safe_brand_colour
from cms.core.email import absolute_url, email_send_after_commit
from cms.core.models import BrandingSettings
from cms.core.queue import task_queue_after_commit
from cms.core.selectors import branding_settings_default
from learning.models import Certificate, ModuleCompletion

# Unambiguous characters for verification codes people may type from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def certificate_code_generate() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def certificate_unsaved(*, completion: ModuleCompletion, module_title: str) -> Certificate:
    """The certificate record for a completion, not saved: a new code, and the person's name and
    the module's title as they are today."""
    user = completion.user
    return Certificate(
        completion=completion,
        user=user,
        module_id=completion.module_id,
        code=certificate_code_generate(),
        learner_name=user.get_full_name() or user.email,
        module_title=module_title,
        completed_on=timezone.localdate(completion.completed_at),
        created_at=timezone.now(),
    )


def certificate_render_queue(*, certificate_id: int) -> None:
    """Render a new certificate's files after the transaction that issued it commits."""
    task_queue_after_commit("learning.tasks.certificate_render", certificate_id=certificate_id)


def certificate_create(*, completion: ModuleCompletion) -> Certificate:
    """Issue the certificate record for a completion; its files are rendered after commit."""
    certificate = certificate_unsaved(completion=completion, module_title=completion.module.title)
    certificate.save(force_insert=True)
    certificate_render_queue(certificate_id=certificate.pk)
    return certificate


WIDTH, HEIGHT = 2480, 1754  # A4 landscape at 300 dpi
DPI = 300
INK = (11, 12, 12)
MUTED = (80, 90, 95)
WHITE = (255, 255, 255)
BAND_HEIGHT = 250
LOGO_HEIGHT = 140
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation")]
FONT_FILES = {
    "regular": ["DejaVuSans.ttf", "LiberationSans-Regular.ttf"],
    "bold": ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"],
}


def _font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for directory in FONT_DIRS:
        for name in FONT_FILES[weight]:
            path = directory / name
            if path.exists():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _centred(
    draw: ImageDraw.ImageDraw,
    y: float,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    fill: tuple[int, int, int],
) -> float:
    """Draw one line centred at height y, shrinking long text to fit; return the next y."""
    max_width = WIDTH - 400
    size = getattr(font, "size", 40)
    while draw.textlength(text, font=font) > max_width and size > 24:
        size -= 4
        font = font.font_variant(size=size) if hasattr(font, "font_variant") else font
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((WIDTH - (right - left)) / 2, y), text, font=font, fill=fill)
    return y + (bottom - top)


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _logo(branding: BrandingSettings) -> Image.Image | None:
    """The council's logo, scaled for the band; None without one or when it cannot be read."""
    if not branding.logo_id or branding.logo is None:
        return None
    try:
        rendition = branding.logo.get_rendition(f"height-{LOGO_HEIGHT}")
        with rendition.file.open("rb") as file:
            logo = Image.open(file)
            logo.load()
    except (OSError, ValueError):
        return None
    return logo.convert("RGBA")


def _band(
    image: Image.Image, draw: ImageDraw.ImageDraw, branding: BrandingSettings, colour: tuple[int, int, int]
) -> None:
    """The council's band across the top: its logo and name in white on the brand colour."""
    draw.rectangle((60, 60, WIDTH - 60, 60 + BAND_HEIGHT), fill=colour)
    name_font = _font("bold", 72)
    name = branding.organisation_name or ""
    logo = _logo(branding)
    gap = 40 if logo is not None else 0
    left, top, right, bottom = draw.textbbox((0, 0), name, font=name_font)
    total = (logo.width if logo is not None else 0) + gap + (right - left)
    x = int(max(120, (WIDTH - total) // 2))
    if logo is not None:
        image.paste(logo, (x, 60 + (BAND_HEIGHT - logo.height) // 2), logo)
        x += logo.width + gap
    draw.text((x, 60 + (BAND_HEIGHT - (bottom - top)) / 2 - top), name, font=name_font, fill=WHITE)


def certificate_image(*, certificate: Certificate, branding: BrandingSettings | None = None) -> Image.Image:
    """The certificate as an RGB image under the council's name, logo and colour (site settings):
    name, module, date and verification code."""
    branding = branding or branding_settings_default()
    accent = _rgb(safe_brand_colour(branding.brand_colour))
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, WIDTH - 60, HEIGHT - 60), outline=accent, width=16)
    _band(image, draw, branding, accent)
    draw.rectangle((100, 60 + BAND_HEIGHT + 40, WIDTH - 100, HEIGHT - 100), outline=INK, width=3)
    y: float = 60 + BAND_HEIGHT + 110
    y = _centred(draw, y, "Family Safeguarding Learning", _font("bold", 64), accent) + 100
    y = _centred(draw, y, "Certificate of completion", _font("regular", 72), INK) + 110
    y = _centred(draw, y, "This is to certify that", _font("regular", 52), MUTED) + 60
    y = _centred(draw, y, certificate.learner_name, _font("bold", 110), INK) + 80
    y = _centred(draw, y, "has completed the training module", _font("regular", 52), MUTED) + 60
    y = _centred(draw, y, certificate.module_title, _font("bold", 84), INK) + 80
    _centred(draw, y, f"on {date_format(certificate.completed_on, 'j F Y')}", _font("regular", 56), INK)
    code_font = _font("regular", 40)
    verify_url = absolute_url(f"/certificates/verify/{certificate.code}/")
    verify = f"Verification code {certificate.code}  ·  Check it at {verify_url}"
    _centred(draw, HEIGHT - 200, verify, code_font, MUTED)
    return image


def certificate_files(*, certificate: Certificate) -> tuple[bytes, bytes]:
    """The PNG and PDF bytes of a certificate."""
    branding = branding_settings_default()
    image = certificate_image(certificate=certificate, branding=branding)
    png, pdf = io.BytesIO(), io.BytesIO()
    image.save(png, format="PNG", dpi=(DPI, DPI), optimize=True)
    image.save(
        pdf,
        format="PDF",
        resolution=DPI,
        title=f"Certificate: {certificate.module_title}",
        author=branding.organisation_name or "Family Safeguarding Learning",
    )
    return png.getvalue(), pdf.getvalue()


def certificate_render(*, certificate_id: int) -> Certificate | None:
    """Render and store a certificate's files (once), then tell its owner.

    Safe to run twice: a certificate already rendered is left as it is.
    """
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update().select_related("user").filter(pk=certificate_id).first()
        )
        if certificate is None or certificate.is_rendered:
            return certificate
        png, pdf = certificate_files(certificate=certificate)
        stem = f"certificate-{certificate.code}"
        certificate.png.save(f"{stem}.png", ContentFile(png), save=False)
        certificate.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        certificate.rendered_at = timezone.now()
        certificate.save(update_fields=["png", "pdf", "rendered_at"])
        if certificate.user.email:
            email_send_after_commit(
                to=[certificate.user.email],
                template="learning/email/certificate_ready",
                context={
                    "name": certificate.learner_name,
                    "module_title": certificate.module_title,
                    "code": certificate.code,
                    "certificate_url": absolute_url(f"/learning/certificates/{certificate.code}/"),
                    "verify_url": absolute_url(f"/certificates/verify/{certificate.code}/"),
                },
            )
    return certificate
