"""Demo cmi5 content: one module whose lesson launches the cmi5 course the project builds itself
(modules/xapi_packages/demo_content, zipped by modules.xapi_packages.demo), read from xapi_module.json.

Registered from modules/demo/seed.py (order 33). Idempotent: the package is found by title and
the module by slug, so edits made in the admin survive a second run.
"""

from __future__ import annotations

import json
from pathlib import Path

from cms.core.seeding import SeedContext, register
from modules.xapi_packages.demo import cmi5_demo_package_bytes
from modules.xapi_packages.kind import XAPI_KIND

from .packages import demo_lesson_ensure, demo_module_ensure, demo_package_ensure

SPEC = Path(__file__).resolve().parent / "xapi_module.json"


@register(order=33)
def seed_xapi(context: SeedContext) -> None:
    data = json.loads(SPEC.read_text(encoding="utf-8"))
    module, created = demo_module_ensure(data["module"])
    for spec in data["lessons"]:
        package = demo_package_ensure(
            kind=XAPI_KIND,
            title=spec["package_title"],
            data=cmi5_demo_package_bytes(),
            filename="fsm-quiz-cmi5.zip",
        )
        demo_lesson_ensure(
            module=module,
            spec=spec,
            block_type="xapi_activity",
            package=package,
            completion_rule=spec["completion_rule"],
        )
    context.say(f"xapi: module {'created' if created else 'already there'} ({module.slug}), one cmi5 package")
