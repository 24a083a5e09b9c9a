"""Demo SCORM content: one module whose lessons play the two SCORM courses the project builds
itself (modules/scorm/demo_content, zipped by modules.scorm.demo), read from scorm_module.json.

Registered from modules/demo/seed.py (order 32). Idempotent: packages are found by title and
the module by slug, so edits made in the admin survive a second run.
"""

from __future__ import annotations

import json
from pathlib import Path

from cms.core.seeding import SeedContext, register
from modules.scorm.demo import DEMO_ROOT, demo_package_bytes
from modules.scorm.kind import SCORM_KIND

from .packages import demo_lesson_ensure, demo_module_ensure, demo_package_ensure

SPEC = Path(__file__).resolve().parent / "scorm_module.json"


@register(order=32)
def seed_scorm(context: SeedContext) -> None:
    data = json.loads(SPEC.read_text(encoding="utf-8"))
    module, created = demo_module_ensure(data["module"])
    for spec in data["lessons"]:
        source = spec["package_source"]
        package = demo_package_ensure(
            kind=SCORM_KIND,
            title=spec["package_title"],
            data=demo_package_bytes(DEMO_ROOT / source),
            filename=f"{source}.zip",
        )
        demo_lesson_ensure(
            module=module,
            spec=spec,
            block_type="scorm_activity",
            package=package,
            completion_rule=spec["completion_rule"],
        )
    context.say(
        f"scorm: module {'created' if created else 'already there'} ({module.slug}), two SCORM packages"
    )
