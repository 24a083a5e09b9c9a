"""The demo SCORM module is seeded from data once, however often seed_demo runs."""

import io

import pytest

from cms.core.seeding import SeedContext
from modules.demo.scorm import seed_scorm
from modules.models import LessonPage, ModulePage, ScormPackage, ScormStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def _seed() -> str:
    out = io.StringIO()
    seed_scorm(SeedContext(stdout=out, password="unused"))
    return out.getvalue()


def test_one_module_plays_a_scorm_12_and_a_multi_sco_scorm_2004_package(home_page):
    _seed()
    module = ModulePage.objects.get(slug="recording-and-whole-family-working")
    lessons = list(LessonPage.objects.child_of(module).live().order_by("path"))
    assert [lesson.slug for lesson in lessons] == [
        "recording-what-families-tell-us",
        "working-with-the-whole-family",
    ]
    packages = {package.title: package.current_version for package in ScormPackage.objects.all()}
    assert packages["Recording what families tell us"].scorm_version == "1.2"
    assert packages["Working with the whole family"].scorm_version == "2004-4"
    assert len(packages["Working with the whole family"].sco_identifiers) == 2
    assert all(version.package.status == ScormStatus.READY for version in packages.values())
    for lesson in lessons:
        assert [block.block_type for block in lesson.body] == ["rich_text", "scorm_activity"]


def test_seeding_twice_creates_nothing_new(home_page):
    _seed()
    before = (ScormPackage.objects.count(), LessonPage.objects.count())
    assert "already there" in _seed()
    assert (ScormPackage.objects.count(), LessonPage.objects.count()) == before
