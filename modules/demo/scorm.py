"""Demo SCORM content: one module whose lessons play the two SCORM courses the project builds
itself (modules/scorm/demo_content, zipped by modules.scorm.demo), read from scorm_module.json.

Registered from modules/demo/seed.py (order 32). Idempotent: packages are found by title and
the module by slug, so edits made in the admin survive a second run.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from wagtail.models import Site

from cms.core.seeding import SeedContext, register
from modules.models import LessonPage, ModuleIndexPage, ModulePage, ScormPackage, ScormStatus
from modules.scorm.demo import DEMO_ROOT, demo_package_bytes
from modules.scorm.services import scorm_package_create, scorm_version_extract
from modules.services import module_index_ensure

SPEC = Path(__file__).resolve().parent / "scorm_module.json"


def scorm_demo_package_ensure(*, title: str, source: str) -> ScormPackage:
    """The demo package built from its source folder, imported now if it is not there yet."""
    package = ScormPackage.objects.filter(title=title, status=ScormStatus.READY).first()
    if package is not None:
        return package
    upload = ContentFile(demo_package_bytes(DEMO_ROOT / source), name=f"{source}.zip")
    version = scorm_package_create(title=title, upload=upload)
    return scorm_version_extract(version_id=version.pk).package


def _module_ensure(spec: dict[str, Any]) -> tuple[ModulePage, bool]:
    module = ModulePage.objects.filter(slug=spec["slug"]).first()
    if module is not None:
        return module, False
    index = ModuleIndexPage.objects.first() or module_index_ensure(
        parent=Site.objects.get(is_default_site=True).root_page, title="Training modules", introduction=""
    )
    outcomes = "".join(f"<li>{outcome}</li>" for outcome in spec["outcomes"])
    module = ModulePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        learning_outcomes=f"<ul>{outcomes}</ul>",
        estimated_minutes=spec["minutes"],
    )
    index.add_child(instance=module)
    module.save_revision().publish()
    return module, True


@register(order=32)
def seed_scorm(context: SeedContext) -> None:
    data = json.loads(SPEC.read_text(encoding="utf-8"))
    module, created = _module_ensure(data["module"])
    for spec in data["lessons"]:
        package = scorm_demo_package_ensure(title=spec["package_title"], source=spec["package_source"])
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
                    "type": "scorm_activity",
                    "id": str(uuid.uuid4()),
                    "value": {
                        "package": package.pk,
                        "heading": "",
                        "completion_rule": spec["completion_rule"],
                        "pass_mark": None,
                        "required": True,
                    },
                },
            ],
        )
        module.add_child(instance=lesson)
        lesson.save_revision().publish()
    context.say(
        f"scorm: module {'created' if created else 'already there'} ({module.slug}), two SCORM packages"
    )
