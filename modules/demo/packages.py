"""What the package seeders (H5P in seed.py, SCORM in scorm.py, cmi5 in xapi.py) share: a demo
package imported once by title, a demo module found by slug or added under the module index, and a lesson that
plays a package, each described in the demo data files.

A module spec has `slug`, `title`, `summary`, `minutes` and optionally `outcomes`; a lesson spec
has `slug`, `title`, `intro`, `minutes`, `text` and optionally `heading`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from wagtail.models import Site

from cms.core.seeding import SeedContext
from modules.models import LessonPage, ModuleIndexPage, ModulePage
from modules.packages.kinds import PackageKind
from modules.packages.models import PackageBase, PackageStatus
from modules.packages.services import package_create, package_version_extract
from modules.services import module_index_ensure


def demo_package_ensure(
    *, kind: PackageKind[Any, Any], title: str, data: bytes, filename: str
) -> PackageBase:
    """The demo package with that title, imported (validated and extracted now) if it is not there yet."""
    package: PackageBase | None = kind.package_model._default_manager.filter(
        title=title, status=PackageStatus.READY
    ).first()
    if package is not None:
        return package
    version = package_create(kind=kind, title=title, upload=ContentFile(data, name=filename))
    return package_version_extract(kind=kind, version_id=version.pk).package


def demo_module_ensure(spec: dict[str, Any]) -> tuple[ModulePage, bool]:
    """The module with the spec's slug, published under the module index if missing (and whether
    it was created)."""
    module = ModulePage.objects.filter(slug=spec["slug"]).first()
    if module is not None:
        return module, False
    index = ModuleIndexPage.objects.first() or module_index_ensure(
        parent=Site.objects.get(is_default_site=True).root_page, title="Training modules", introduction=""
    )
    outcomes = "".join(f"<li>{outcome}</li>" for outcome in spec.get("outcomes", []))
    module = ModulePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        learning_outcomes=f"<ul>{outcomes}</ul>" if outcomes else "",
        estimated_minutes=spec["minutes"],
    )
    index.add_child(instance=module)
    module.save_revision().publish()
    return module, True


def demo_lesson_ensure(
    *, module: ModulePage, spec: dict[str, Any], block_type: str, package: PackageBase, completion_rule: str
) -> bool:
    """The lesson playing the package at the end of the module; False if it was already there."""
    if LessonPage.objects.child_of(module).filter(slug=spec["slug"]).exists():
        return False
    lesson = LessonPage(
        title=spec["title"],
        slug=spec["slug"],
        introduction=spec["intro"],
        estimated_minutes=spec["minutes"],
        body=[
            {"type": "rich_text", "id": str(uuid.uuid4()), "value": spec["text"]},
            {
                "type": block_type,
                "id": str(uuid.uuid4()),
                "value": {
                    "package": package.pk,
                    "heading": spec.get("heading", ""),
                    "completion_rule": completion_rule,
                    "pass_mark": None,
                    "required": True,
                },
            },
        ],
    )
    module.add_child(instance=lesson)
    lesson.save_revision().publish()
    return True


def demo_package_module_seed(
    context: SeedContext,
    *,
    kind: PackageKind[Any, Any],
    package_file: Callable[[dict[str, Any]], tuple[bytes, str]],
) -> None:
    """Seed the module described by `<kind>_module.json` (in this folder): each lesson's `<kind>_activity`
    block plays the package `package_file(lesson spec)` gives as (zip bytes, file name)."""
    data = json.loads(
        (Path(__file__).resolve().parent / f"{kind.name}_module.json").read_text(encoding="utf-8")
    )
    module, created = demo_module_ensure(data["module"])
    for spec in data["lessons"]:
        package_data, filename = package_file(spec)
        package = demo_package_ensure(
            kind=kind, title=spec["package_title"], data=package_data, filename=filename
        )
        demo_lesson_ensure(
            module=module,
            spec=spec,
            block_type=f"{kind.name}_activity",
            package=package,
            completion_rule=spec["completion_rule"],
        )
    context.say(
        f"{kind.name}: module {'created' if created else 'already there'} ({module.slug}), "
        f"{len(data['lessons'])} {kind.label} package(s)"
    )
