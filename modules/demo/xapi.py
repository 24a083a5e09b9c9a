"""Demo cmi5 content: one module whose lesson launches the cmi5 course the project builds itself
(modules/xapi_packages/demo_content, zipped by modules.xapi_packages.demo), read from xapi_module.json.

Seeded at order 33, after SCORM; a second run finds the package by title and the module by slug
and changes nothing, so what editors changed in the admin stays.
"""

from __future__ import annotations

from cms.core.seeding import SeedContext, register
from modules.xapi_packages.demo import cmi5_demo_package_bytes
from modules.xapi_packages.kind import XAPI_KIND

from .packages import demo_package_module_seed


@register(order=33)
def seed_xapi(context: SeedContext) -> None:
    demo_package_module_seed(
        context, kind=XAPI_KIND, package_file=lambda spec: (cmi5_demo_package_bytes(), "fsm-quiz-cmi5.zip")
    )
