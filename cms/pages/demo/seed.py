"""Seeds the demo pages from the data files beside it (run by `seed_demo`, idempotent).

`pages.json`: the home page as the site root, and the footer's statutory pages.
`recruitment.json`: the landing page at /join-us/, its body blocks, its form and questions,
and the vacancies. Pages, vacancies and the hero picture are found by slug, reference and
title, so a second run creates nothing. Dates (closing dates, open days) are days from
the first run. The Recruitment group's access comes from cms.people's role setup.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import Page, Site

from cms.core.seeding import SeedContext, register
from cms.pages.models import (
    ExpressionOfInterestPage,
    HomePage,
    InterestFormField,
    RecruitmentPage,
    StandardPage,
    Vacancy,
)
from cms.pages.selectors import london_today

DEMO_DIR = Path(__file__).resolve().parent


@cache
def demo_data(name: str) -> dict[str, Any]:
    """One of the data files beside this module, e.g. demo_data("recruitment")."""
    return json.loads((DEMO_DIR / f"{name}.json").read_text(encoding="utf-8"))


def form_fields_spec() -> list[dict[str, Any]]:
    """The demo form's questions as InterestFormField values (choices one a line)."""
    return [
        {**spec, "choices": "\n".join(spec["choices"])} if "choices" in spec else dict(spec)
        for spec in demo_data("recruitment")["form_fields"]
    ]


# --- the home page and the footer pages ------------------------------------------------------


def home_page_ensure() -> HomePage:
    collection_root_ensure()
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or _tree_root_create()
        default_home = Page.objects.filter(depth=2, slug="home").first()
        if default_home is not None and not isinstance(default_home.specific, HomePage):
            default_home.slug = "welcome-to-wagtail"
            default_home.save()
        home = HomePage(**demo_data("pages")["home"])
        root.add_child(instance=home)
        home.save_revision().publish()
        if default_home is not None and not isinstance(default_home.specific, HomePage):
            Site.objects.filter(root_page=default_home).update(root_page=home)
            Site.clear_site_root_paths_cache()  # update() sends no signal to clear it
            # Wagtail's placeholder goes; one that pages were added under stays, out of the
            # site, so seeding never deletes anyone's content (or records that point at it).
            if not default_home.get_children().exists():
                default_home.delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=home.title
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


def _tree_root_create() -> Page:
    """Wagtail's migrations make the tree root and default locale; a flushed database
    (transactional tests) has neither, so make them as the migrations do."""
    from django.conf import settings
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    return Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))


def collection_root_ensure() -> None:
    """Images and documents need Wagtail's root collection (made by its migrations)."""
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@register(order=20)
def seed_pages(context: SeedContext) -> None:
    home = home_page_ensure()
    for spec in demo_data("pages")["footer_pages"]:
        if not StandardPage.objects.filter(slug=spec["slug"]).exists():
            page = StandardPage(**spec)
            home.add_child(instance=page)
            page.save_revision().publish()
    context.say("pages: home page and footer pages ready")


# --- the recruitment page, its form and the vacancies ----------------------------------------


def hero_image_ensure() -> Image:
    """An illustration drawn here (no stock photography in the demo): a family and its team."""
    spec = demo_data("recruitment")["hero_image"]
    existing = Image.objects.filter(title=spec["title"]).first()
    if existing is not None:
        return existing
    width, height = 1600, 1067
    picture = PILImage.new("RGB", (width, height), (0, 90, 112))
    draw = ImageDraw.Draw(picture)
    for step in range(height):
        shade = int(30 * step / height)
        draw.line([(0, step), (width, step)], fill=(0, 90 + shade, 112 + shade))
    # The team around the family: seven practitioners on a wide circle.
    team_colours = [(255, 221, 0), (133, 153, 75), (244, 119, 56), (204, 226, 216), (255, 255, 255)]
    centre_x, centre_y = width // 2, height // 2 + 40
    for index in range(7):
        x = centre_x + int(560 * (index - 3) / 3)
        y = centre_y - 260 + int(abs(index - 3) * 70)
        colour = team_colours[index % len(team_colours)]
        draw.ellipse([x - 42, y - 42, x + 42, y + 42], fill=colour)
        draw.rounded_rectangle([x - 70, y + 52, x + 70, y + 230], radius=60, fill=colour)
    # The family at the centre: two adults and two children.
    for offset, scale in ((-150, 1.0), (150, 1.0), (-50, 0.65), (60, 0.55)):
        head = int(55 * scale)
        x = centre_x + offset
        top = centre_y + 40 + int(160 * (1 - scale))
        draw.ellipse([x - head, top - head, x + head, top + head], fill=(255, 255, 255))
        draw.rounded_rectangle(
            [x - int(90 * scale), top + head + 12, x + int(90 * scale), top + head + int(260 * scale)],
            radius=int(70 * scale),
            fill=(255, 255, 255),
        )
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    image = Image(title=spec["title"], description=spec["description"])
    image.file.save(spec["filename"], ImageFile(buffer, name=spec["filename"]), save=False)
    image.save()
    return image


def recruitment_body(*, today: dt.date, form_page: ExpressionOfInterestPage | None) -> list[dict[str, Any]]:
    """The page's blocks: event days become dates from `today`; the call to action points at
    the form page, and is left out until the form page exists."""
    body: list[dict[str, Any]] = []
    for block in demo_data("recruitment")["body"]:
        value = dict(block["value"])
        if block["type"] == "events":
            value["events"] = [_event(spec, today=today) for spec in value["events"]]
        elif block["type"] == "call_to_action":
            if form_page is None:
                continue
            value["page"] = form_page.pk
        body.append({"type": block["type"], "value": value})
    return body


def _event(spec: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    event = {key: value for key, value in spec.items() if key != "days_from_today"}
    event["date"] = (today + dt.timedelta(days=spec["days_from_today"])).isoformat()
    return event


def form_page_ensure(recruitment: RecruitmentPage) -> ExpressionOfInterestPage:
    page = ExpressionOfInterestPage.objects.child_of(recruitment).first()
    if page is not None:
        return page
    page = ExpressionOfInterestPage(**demo_data("recruitment")["form_page"])
    for sort_order, spec in enumerate(form_fields_spec()):
        page.form_fields.add(InterestFormField(sort_order=sort_order, **spec))
    recruitment.add_child(instance=page)
    page.save_revision().publish()
    return page


def recruitment_page_ensure(*, today: dt.date) -> RecruitmentPage:
    home = home_page_ensure()
    # home_page_ensure may repoint the default site with a queryset update, which
    # leaves Wagtail's cached site root paths stale (page URLs would be None).
    Site.clear_site_root_paths_cache()
    page = RecruitmentPage.objects.child_of(home).first()
    if page is None:
        page = RecruitmentPage(
            **demo_data("recruitment")["recruitment_page"],
            hero_image=hero_image_ensure(),
            body=json.dumps(recruitment_body(today=today, form_page=None)),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    form_page = form_page_ensure(page)
    if page.hero_cta_page_id is None:
        page.hero_cta_page = form_page
        page.body = json.dumps(recruitment_body(today=today, form_page=form_page))
        page.save_revision().publish()
    return page


def vacancies_ensure(*, today: dt.date) -> int:
    created = 0
    for spec in demo_data("recruitment")["vacancies"]:
        if Vacancy.objects.filter(reference=spec["reference"]).exists():
            continue
        values = {key: value for key, value in spec.items() if key != "closes_in_days"}
        vacancy = Vacancy(**values, closing_date=today + dt.timedelta(days=spec["closes_in_days"]))
        vacancy.full_clean()
        vacancy.save()
        vacancy.save_revision().publish()
        created += 1
    return created


@register(order=25)
def seed_recruitment(context: SeedContext) -> None:
    today = london_today()
    with transaction.atomic():
        page = recruitment_page_ensure(today=today)
        form_page_ensure(page)
        created = vacancies_ensure(today=today)
    context.say(f"recruitment: {page.url} with its form and {created} new vacancies")
