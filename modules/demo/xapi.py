"""Demo cmi5 content: one module whose lesson launches the cmi5 course the project builds itself
(modules/xapi_packages/demo_content, zipped by modules.xapi_packages.demo), read from xapi_module.json.

Registered from modules/demo/seed.py (order 33). Idempotent: the package is found by title and
the module by slug, so edits made in the admin survive a second run.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.core.files.base import ContentFile

from cms.core.seeding import SeedContext, register
from modules.demo.scorm import _module_ensure
from modules.models import LessonPage, XapiPackage, XapiStatus
from modules.xapi_packages.demo import cmi5_demo_package_bytes
from modules.xapi_packages.services import xapi_package_create, xapi_version_extract

SPEC = Path(__file__).resolve().parent / "xapi_module.json"


def cmi5_demo_package_ensure(*, title: str) -> XapiPackage:
    """The demo cmi5 package, imported now if it is not there yet."""
    package = XapiPackage.objects.filter(title=title, status=XapiStatus.READY).first()
    if package is not None:
        return package
    upload = ContentFile(cmi5_demo_package_bytes(), name="fsm-quiz-cmi5.zip")
    version = xapi_package_create(title=title, upload=upload)
    return xapi_version_extract(version_id=version.pk).package


@register(order=33)
def seed_xapi(context: SeedContext) -> None:
    data = json.loads(SPEC.read_text(encoding="utf-8"))
    module, created = _module_ensure(data["module"])
    for spec in data["lessons"]:
        package = cmi5_demo_package_ensure(title=spec["package_title"])
        if LessonPage.objects.child_of(module).filter(slug=spec["slug"]).exists():
            continue
        lesson = LessonPage(
            title=spec["title"],
            slug=spec["slug"],
            introduction=spec["intro"],
            estimated_minutes=spec["minutes"],
            body=[
                {"type": "rich_text", "id": str(uuid.uuid4()), "value": spec["text"]},
                {
                    "type": "xapi_activity",
                    "id": str(uuid.uuid4()),
                    "value": {
                        "package": package.pk,
                        "heading": "",
                        "completion_rule": spec["completion_rule"],
                        "required": True,
                    },
                },
            ],
        )
        module.add_child(instance=lesson)
        lesson.save_revision().publish()
    context.say(f"xapi: module {'created' if created else 'already there'} ({module.slug}), one cmi5 package")
