"""The kinds of package the shared package tests run for, with what each test needs to know.

A new kind adds one `KindUnderTest` here; every test in tests/modules/packages/ then runs for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from modules.h5p.demo import demo_package_bytes as h5p_demo
from modules.packages.kinds import PackageKind, package_kind_get
from modules.scorm.demo import DEMO_2004
from modules.scorm.demo import demo_package_bytes as scorm_demo
from modules.xapi_packages.demo import cmi5_demo_package_bytes as xapi_demo
from tests.modules.h5p.corpus import hostile_cases as h5p_hostile_cases
from tests.modules.h5p.corpus import package as h5p_package
from tests.modules.scorm.corpus import hostile_cases as scorm_hostile_cases
from tests.modules.scorm.corpus import package_12 as scorm_package_12
from tests.modules.xapi_packages.corpus import hostile_cases as xapi_hostile_cases
from tests.modules.xapi_packages.corpus import package as xapi_package


@dataclass(frozen=True)
class KindUnderTest:
    name: str  # the registered kind: "h5p", "scorm", "xapi"
    demo: Callable[[], bytes]  # a good package
    demo_title: str  # the title written in the demo package
    hostile_cases: Callable[[], list[Any]]
    broken: Callable[[], bytes]  # refused at once, before anything is stored
    not_a_zip_reason: str  # what the import command says of a file that is not a zip
    refused_in_form: Callable[[], bytes]  # refused by the admin form's first look
    refused_in_form_reason: str
    lie_case: str  # the name of a hostile case only extraction can see
    lie_reason: str
    # A package the worker unpacks in the admin test, and what its edit page then shows.
    worker_demo: Callable[[], bytes]
    ready_texts: tuple[str, ...]

    @property
    def kind(self) -> PackageKind[Any, Any]:
        return package_kind_get(self.name)

    @property
    def filename(self) -> str:
        return f"package.{self.kind.upload_extension}"

    @property
    def admin(self) -> str:
        """The snippet admin's address for this kind's packages."""
        return f"/admin/snippets/modules/{self.kind.package_model._meta.model_name}/"

    def lie(self) -> bytes:
        """Passes the first look (headers) but is refused while extracting."""
        return next(case.data for case in self.hostile_cases() if case.name == self.lie_case)


KINDS = [
    KindUnderTest(
        name="h5p",
        demo=h5p_demo,
        demo_title="Family Safeguarding and MI: check your understanding",
        hostile_cases=h5p_hostile_cases,
        broken=lambda: h5p_package({"h5p.json": None}),
        not_a_zip_reason="The file is not a valid .h5p package",
        refused_in_form=lambda: h5p_package({"content/run.js": b"alert(1)"}),
        refused_in_form_reason="not allowed in content",
        lie_case="declared-size lie: overstated",
        lie_reason="does not hold the amount of data its header declares",
        worker_demo=h5p_demo,
        ready_texts=("Ready", "(played in lessons)", "H5P.FSMStatementCheck 1.0"),
    ),
    KindUnderTest(
        name="scorm",
        demo=scorm_demo,
        demo_title="Recording what families tell us",
        hostile_cases=scorm_hostile_cases,
        broken=lambda: b"PK not really",
        not_a_zip_reason="The file is not a valid SCORM package",
        refused_in_form=lambda: scorm_package_12({"imsmanifest.xml": None, "tincan.xml": b"<t/>"}),
        refused_in_form_reason="xAPI (Tin Can) package",
        lie_case="declared-size lie: understated",
        lie_reason="holds more data than its header declares",
        worker_demo=lambda: scorm_demo(DEMO_2004),
        ready_texts=("Ready", "(played in lessons)", "SCORM 2004 4th edition", "2 items"),
    ),
    KindUnderTest(
        name="xapi",
        demo=xapi_demo,
        demo_title="The Family Safeguarding Model: a short quiz",
        hostile_cases=xapi_hostile_cases,
        broken=lambda: b"PK not really",
        not_a_zip_reason="The file is not a valid xAPI or cmi5 package",
        refused_in_form=lambda: xapi_package({"cmi5.xml": None, "imsmanifest.xml": b"<manifest/>"}),
        refused_in_form_reason="This is a SCORM package",
        lie_case="declared-size lie: understated",
        lie_reason="holds more data than its header declares",
        worker_demo=xapi_demo,
        ready_texts=("Ready", "(played in lessons)", "cmi5"),
    ),
]

every_kind = pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
