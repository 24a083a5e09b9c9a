"""Demo SCORM content: one module whose lessons play the two SCORM courses the project builds
itself (modules/scorm/demo_content, zipped by modules.scorm.demo), read from scorm_module.json.

Registered from modules/demo/seed.py (order 32). Idempotent: packages are found by title and
the module by slug, so edits made in the admin survive a second run.
"""

from __future__ import annotations

from typing import Any

from cms.core.seeding import SeedContext, register
from modules.scorm.demo import DEMO_ROOT, demo_package_bytes
from modules.scorm.kind import SCORM_KIND

from .packages import demo_package_module_seed


def _course_zip(spec: dict[str, Any]) -> tuple[bytes, str]:
    source = spec["package_source"]
    return demo_package_bytes(DEMO_ROOT / source), f"{source}.zip"


@register(order=32)
def seed_scorm(context: SeedContext) -> None:
    demo_package_module_seed(context, kind=SCORM_KIND, package_file=_course_zip)
