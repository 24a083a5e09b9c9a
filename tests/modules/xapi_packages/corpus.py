# ruff: noqa: E501 - XML fragments read better on one line
"""Well-formed, broken and hostile xAPI (Tin Can) and cmi5 packages, generated in code.

Each hostile case names the refusal code the validator must give. Zip-level tricks use the shared
corpus helpers (tests/modules/packages/corpus.py: the archive rules are shared with H5P and SCORM).
"""

from __future__ import annotations

from tests.modules.packages.corpus import (
    Case,
    archive_cases,
    billion_laughs,
    external_entity,
    files_changed,
    zip_bytes,
)

HTML = b"<!DOCTYPE html><title>x</title>"
NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"


def cmi5_xml(
    body: str,
    course: str = '<course id="https://x.example/c"><title><langstring lang="en">Course</langstring></title></course>',
) -> bytes:
    return f'<?xml version="1.0"?><courseStructure xmlns="{NS}">{course}{body}</courseStructure>'.encode()


def au(id="https://x.example/au1", url="index.html", title="Part", **attrs) -> str:
    extra = " ".join(f'{k}="{v}"' for k, v in attrs.items())
    return f'<au id="{id}" {extra}><title><langstring lang="en">{title}</langstring></title><url>{url}</url></au>'


def cmi5_package(body: str, files=None, **kwargs) -> bytes:
    return zip_bytes({"cmi5.xml": cmi5_xml(body, **kwargs), "index.html": HTML, **(files or {})})


def good_files() -> dict[str, bytes]:
    """A small good cmi5 course: one AU launching index.html."""
    return {"cmi5.xml": cmi5_xml(au()), "index.html": HTML}


def package(changes: dict[str, bytes | None] | None = None) -> bytes:
    """The good package with files replaced (bytes), added, or removed (None)."""
    return zip_bytes(files_changed(good_files(), changes))


def hostile_cases() -> list[Case]:
    return [
        *archive_cases(package, good_files(), page=HTML),
        # Not xAPI or cmi5, or the course structure in the wrong place
        Case("no course structure at all", package({"cmi5.xml": None}), "missing-structure"),
        Case(
            "course structure inside a folder",
            zip_bytes({f"course/{name}": data for name, data in good_files().items()}),
            "structure-misplaced",
        ),
        Case(
            "SCORM package", package({"cmi5.xml": None, "imsmanifest.xml": b"<manifest/>"}), "scorm-package"
        ),
        Case("H5P package", zip_bytes({"h5p.json": b"{}", "content/content.json": b"{}"}), "h5p-package"),
        # Malformed or hostile course structures
        Case("cmi5.xml not XML", package({"cmi5.xml": b"<courseStructure"}), "structure-malformed"),
        Case(
            "billion laughs", package({"cmi5.xml": billion_laughs("courseStructure")}), "structure-unsafe-xml"
        ),
        Case(
            "external entity (XXE)",
            package({"cmi5.xml": external_entity("courseStructure")}),
            "structure-unsafe-xml",
        ),
        Case(
            "top element is not <courseStructure>",
            package({"cmi5.xml": b"<manifest/>"}),
            "structure-wrong-root",
        ),
        Case(
            "AU launching a file outside the package",
            package({"cmi5.xml": cmi5_xml(au(url="../index.html"))}),
            "structure-url-escapes",
        ),
        Case(
            "AU launching another site",
            package({"cmi5.xml": cmi5_xml(au(url="https://cdn.example/x.html"))}),
            "structure-absolute-url",
        ),
        Case("AU launching a missing file", package({"index.html": None}), "structure-missing-file"),
        Case(
            "tincan.xml with no activities",
            package({"cmi5.xml": None, "tincan.xml": b"<tincan><activities/></tincan>"}),
            "structure-no-activities",
        ),
    ]
