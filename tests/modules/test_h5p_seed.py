"""The demo H5P package and lesson are seeded once, however often seed_demo runs."""

import io

import pytest

from cms.core.seeding import SeedContext
from modules.models import H5PPackage, H5PStatus, LessonPage
from modules.seed import seed_h5p

LESSON_SLUG = "check-your-understanding"
MODULE_SLUG = "motivational-interviewing-foundations"

pytestmark = pytest.mark.django_db


def test_seeding_twice_creates_the_package_and_lesson_once(home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    context = SeedContext(stdout=io.StringIO(), password="x")
    seed_h5p(context)
    seed_h5p(context)

    package = H5PPackage.objects.get()
    assert package.status == H5PStatus.READY
    lesson = LessonPage.objects.get(slug=LESSON_SLUG)
    assert lesson.live
    assert lesson.get_parent().slug == MODULE_SLUG
    blocks = [block for block in lesson.body.raw_data if block["type"] == "h5p_activity"]
    assert [block["value"]["package"] for block in blocks] == [package.pk]
    assert "lesson already there" in context.stdout.getvalue()
