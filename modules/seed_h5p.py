"""Demo H5P content: the statement-check package built from modules/h5p/demo_content, and
a lesson playing it in the motivational interviewing foundations module.

Idempotent: the package is found by title and the lesson by slug, so a second run
creates nothing (and edits made in the admin survive).
"""

import uuid

from django.core.files.base import ContentFile
from wagtail.models import Site

from cms.core.seeding import SeedContext, register
from modules.h5p.demo import demo_package_bytes
from modules.h5p.services import h5p_package_create, h5p_version_extract
from modules.models import H5PPackage, H5PStatus, LessonPage, ModuleIndexPage, ModulePage

PACKAGE_TITLE = "Family Safeguarding and MI: check your understanding"
MODULE_SLUG = "motivational-interviewing-foundations"
LESSON_SLUG = "check-your-understanding"
LESSON_INTRO = "Five statements about the model and motivational interviewing: true or false?"
LESSON_TEXT = (
    "<p>Before you move on, check what you have learned so far. Decide whether each statement is "
    "true or false, then check your answers and read why. You can try again as often as you like; "
    "your best result counts.</p>"
)


def demo_package_ensure() -> H5PPackage:
    """The demo package, imported (validated and extracted now) if it is not there yet."""
    package = H5PPackage.objects.filter(title=PACKAGE_TITLE, status=H5PStatus.READY).first()
    if package is not None:
        return package
    version = h5p_package_create(
        title=PACKAGE_TITLE, upload=ContentFile(demo_package_bytes(), name="statement-check.h5p")
    )
    version = h5p_version_extract(version_id=version.pk)
    return version.package


def _module_ensure() -> ModulePage:
    module = ModulePage.objects.filter(slug=MODULE_SLUG).first()
    if module is not None:
        return module
    index = ModuleIndexPage.objects.first()
    if index is None:
        index = ModuleIndexPage(title="Training modules", slug="training")
        Site.objects.get(is_default_site=True).root_page.add_child(instance=index)
        index.save_revision().publish()
    module = ModulePage(
        title="Motivational interviewing foundations",
        slug=MODULE_SLUG,
        summary="The spirit and core skills of motivational interviewing.",
        estimated_minutes=60,
    )
    index.add_child(instance=module)
    module.save_revision().publish()
    return module


def h5p_lesson_ensure(*, package: H5PPackage) -> bool:
    """The demo lesson playing the package, at the end of the MI module; False if it exists."""
    module = _module_ensure()
    if LessonPage.objects.child_of(module).filter(slug=LESSON_SLUG).exists():
        return False
    lesson = LessonPage(
        title="Check your understanding",
        slug=LESSON_SLUG,
        introduction=LESSON_INTRO,
        estimated_minutes=5,
        body=[
            {"type": "rich_text", "id": str(uuid.uuid4()), "value": LESSON_TEXT},
            {
                "type": "h5p_activity",
                "id": str(uuid.uuid4()),
                "value": {
                    "package": package.pk,
                    "heading": "True or false?",
                    "completion_rule": "default",
                    "pass_mark": None,
                    "required": True,
                },
            },
        ],
    )
    module.add_child(instance=lesson)
    lesson.save_revision().publish()
    return True


@register(order=31)
def seed_h5p(context: SeedContext) -> None:
    package = demo_package_ensure()
    created = h5p_lesson_ensure(package=package)
    context.say(
        f"h5p: package '{package.title}' ({package.status}); "
        f"lesson {'created' if created else 'already there'} in {MODULE_SLUG}"
    )
