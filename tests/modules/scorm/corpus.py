# ruff: noqa: E501 - manifest fragments read better on one line
"""Well-formed, broken and hostile SCORM packages, generated in code.

Each hostile case names the refusal code the validator must give. Zip-level tricks
use the shared corpus helpers (tests/modules/packages/corpus.py: the archive rules are shared).
"""

from __future__ import annotations

import os
import zipfile

from modules.packages.archive import Limits
from tests.modules.packages.corpus import (
    Case,
    archive_cases,
    billion_laughs,
    external_entity,
    files_changed,
    zip_bytes,
)

HTML = b"<!doctype html><html lang='en'><title>SCO</title><p>Hello</p></html>"


def manifest_12(
    *,
    schema: str | None = "1.2",
    organisations: str | None = None,
    resources: str | None = None,
    default: str | None = "ORG",
    item_extra: str = "",
) -> bytes:
    if organisations is None:
        organisations = f"""
    <organization identifier="ORG">
      <title>Safeguarding basics</title>
      <item identifier="ITEM1" identifierref="RES1">
        <title>Lesson one</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
        <adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>
        <adlcp:datafromlms>level=1</adlcp:datafromlms>
        {item_extra}
      </item>
    </organization>"""
    if resources is None:
        resources = """
    <resource identifier="RES1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>"""
    metadata = (
        f"<metadata><schema>ADL SCORM</schema><schemaversion>{schema}</schemaversion></metadata>"
        if schema
        else ""
    )
    default_attr = f' default="{default}"' if default is not None else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="M1" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  {metadata}
  <organizations{default_attr}>{organisations}
  </organizations>
  <resources>{resources}
  </resources>
</manifest>""".encode()


def manifest_2004(*, schema: str = "2004 4th Edition", sco_count: int = 2) -> bytes:
    items = "".join(
        f"""
      <item identifier="ITEM{n}" identifierref="RES{n}">
        <title>Part {n}</title>
        <adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.8"/>
        <imsss:sequencing>
          <imsss:limitConditions attemptAbsoluteDurationLimit="PT1H"/>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="P{n}" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>"""
        for n in range(1, sco_count + 1)
    )
    resources = "".join(
        f"""
    <resource identifier="RES{n}" type="webcontent" adlcp:scormType="sco" href="part{n}/index.html">
      <file href="part{n}/index.html"/>
    </resource>"""
        for n in range(1, sco_count + 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="M2" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>{schema}</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG"><title>Working with families</title>{items}
    </organization>
  </organizations>
  <resources>{resources}
    <resource identifier="SHARED" type="webcontent" adlcp:scormType="asset"><file href="shared/style.css"/></resource>
  </resources>
</manifest>""".encode()


def files_12(**changes: bytes | None) -> dict[str, bytes]:
    files = {"imsmanifest.xml": manifest_12(), "index.html": HTML, "images/photo.png": os.urandom(200)}
    return files_changed(files, changes)


def package_12(changes: dict[str, bytes | None] | None = None) -> bytes:
    return zip_bytes(files_changed(files_12(), changes))


def package_2004(*, schema: str = "2004 4th Edition", sco_count: int = 2) -> bytes:
    files = {"imsmanifest.xml": manifest_2004(schema=schema, sco_count=sco_count), "shared/style.css": b"p{}"}
    for n in range(1, sco_count + 1):
        files[f"part{n}/index.html"] = HTML
    return zip_bytes(files)


def _nested(folder: str = "course/") -> bytes:
    return zip_bytes({folder + name: data for name, data in files_12().items()})


def hostile_cases() -> list[Case]:
    item = '<item identifier="ITEM1" identifierref="{ref}"><title>One</title></item>'
    org = '<organization identifier="ORG"><title>T</title>{items}</organization>'
    return [
        # The zip itself (shared rules with H5P and xAPI)
        *archive_cases(package_12, files_12(), page=HTML),
        # Not SCORM, or the manifest in the wrong place
        Case("no manifest at all", package_12({"imsmanifest.xml": None}), "missing-manifest"),
        Case("manifest inside a folder", _nested(), "manifest-misplaced"),
        Case(
            "manifest in upper case",
            zip_bytes({"IMSMANIFEST.XML": manifest_12(), "index.html": HTML}),
            "manifest-misplaced",
        ),
        Case(
            "AICC package",
            zip_bytes({"course.au": b"[Course]", "course.crs": b"x", "course.des": b"x", "index.html": HTML}),
            "aicc-package",
        ),
        Case(
            "xAPI (Tin Can) package",
            zip_bytes({"tincan.xml": b"<tincan/>", "index.html": HTML}),
            "xapi-package",
        ),
        Case(
            "cmi5 package", zip_bytes({"cmi5.xml": b"<courseStructure/>", "index.html": HTML}), "cmi5-package"
        ),
        Case("H5P package", zip_bytes({"h5p.json": b"{}", "content/content.json": b"{}"}), "h5p-package"),
        Case(
            "plain IMS content package",
            package_12({"imsmanifest.xml": manifest_12(schema=None).replace(b"adlcp_rootv1p2", b"other_v1")}),
            "not-scorm",
        ),
        # Malformed or hostile manifests
        Case(
            "manifest not XML",
            package_12({"imsmanifest.xml": b"<manifest><organizations>"}),
            "manifest-malformed",
        ),
        Case("manifest is empty", package_12({"imsmanifest.xml": b""}), "manifest-malformed"),
        Case(
            "billion laughs",
            package_12({"imsmanifest.xml": billion_laughs("manifest")}),
            "manifest-unsafe-xml",
        ),
        Case(
            "external entity (XXE)",
            package_12(
                {
                    "imsmanifest.xml": external_entity(
                        "manifest", "<metadata><schemaversion>&secret;</schemaversion></metadata>"
                    )
                }
            ),
            "manifest-unsafe-xml",
        ),
        Case(
            "top element is not <manifest>",
            package_12({"imsmanifest.xml": b"<?xml version='1.0'?><course/>"}),
            "manifest-not-a-manifest",
        ),
        Case(
            "manifest over the size cap",
            package_12({"imsmanifest.xml": manifest_12(item_extra="<!--" + "x" * 5000 + "-->")}),
            "manifest-too-large",
            Limits(max_json_bytes=2048),
        ),
        Case(
            "unsupported schema version",
            package_12({"imsmanifest.xml": manifest_12(schema="1.1")}),
            "unsupported-scorm-version",
        ),
        # Organisations, items and resources
        Case(
            "no organisation and no SCO",
            package_12(
                {
                    "imsmanifest.xml": manifest_12(
                        organisations="",
                        resources='<resource identifier="R" type="webcontent" adlcp:scormtype="asset" href="index.html"/>',
                    )
                }
            ),
            "no-organisation",
        ),
        Case(
            "item points at a missing resource",
            package_12(
                {"imsmanifest.xml": manifest_12(organisations=org.format(items=item.format(ref="NOPE")))}
            ),
            "missing-resource",
        ),
        Case(
            "resource without a launch file",
            package_12(
                {
                    "imsmanifest.xml": manifest_12(
                        resources='<resource identifier="RES1" type="webcontent" adlcp:scormtype="sco"/>'
                    )
                }
            ),
            "resource-without-launch",
        ),
        Case("launch file not in the zip", package_12({"index.html": None}), "missing-launch-file"),
        Case(
            "launch outside the package",
            package_12(
                {
                    "imsmanifest.xml": manifest_12(
                        resources='<resource identifier="RES1" type="webcontent" adlcp:scormtype="sco" href="../../etc/passwd"/>'
                    )
                }
            ),
            "launch-path",
        ),
        Case(
            "launch is a web address",
            package_12(
                {
                    "imsmanifest.xml": manifest_12(
                        resources='<resource identifier="RES1" type="webcontent" adlcp:scormtype="sco" href="https://evil.example/x.html"/>'
                    )
                }
            ),
            "external-launch",
        ),
        Case(
            "javascript: launch",
            package_12(
                {
                    "imsmanifest.xml": manifest_12(
                        resources='<resource identifier="RES1" type="webcontent" adlcp:scormtype="sco" href="javascript:alert(1)"/>'
                    )
                }
            ),
            "external-launch",
        ),
        Case(
            "scormtype neither sco nor asset",
            package_12(
                {
                    "imsmanifest.xml": manifest_12(
                        resources='<resource identifier="RES1" type="webcontent" adlcp:scormtype="applet" href="index.html"/>'
                    )
                }
            ),
            "invalid-scorm-type",
        ),
        Case(
            "only assets, nothing tracked",
            package_12(
                {
                    "imsmanifest.xml": manifest_12(
                        resources='<resource identifier="RES1" type="webcontent" adlcp:scormtype="asset" href="index.html"/>'
                    )
                }
            ),
            "no-sco",
        ),
        Case(
            "organisation with no launchable item",
            package_12(
                {
                    "imsmanifest.xml": manifest_12(
                        organisations=org.format(items='<item identifier="A"><title>x</title></item>')
                    )
                }
            ),
            "no-launchable-item",
        ),
        Case(
            "mastery score not a number",
            package_12({"imsmanifest.xml": manifest_12().replace(b">80<", b">eighty<")}),
            "invalid-mastery-score",
        ),
        Case(
            "mastery score over 100",
            package_12({"imsmanifest.xml": manifest_12().replace(b">80<", b">180<")}),
            "invalid-mastery-score",
        ),
        Case(
            "maximum time not a timespan",
            package_12({"imsmanifest.xml": manifest_12().replace(b"00:30:00", b"half an hour")}),
            "invalid-max-time",
        ),
        Case(
            "data from the LMS over 4,096 characters",
            package_12({"imsmanifest.xml": manifest_12().replace(b"level=1", b"x" * 5000)}),
            "invalid-data-from-lms",
        ),
        Case(
            "2004 minimum normalised measure out of range",
            zip_bytes(
                {
                    "imsmanifest.xml": manifest_2004(sco_count=1).replace(b">0.7<", b">1.7<"),
                    "part1/index.html": HTML,
                }
            ),
            "invalid-mastery-score",
        ),
    ]


def well_formed_cases() -> list[tuple[str, bytes, str]]:
    """(name, package, the SCORM version it must be detected as)."""
    no_schema_12 = package_12({"imsmanifest.xml": manifest_12(schema=None)})
    return [
        ("SCORM 1.2, one SCO", package_12(), "1.2"),
        ("SCORM 1.2 without a schema version", no_schema_12, "1.2"),
        ("SCORM 2004 2nd edition (CAM 1.3)", package_2004(schema="CAM 1.3", sco_count=1), "2004-2"),
        ("SCORM 2004 3rd edition", package_2004(schema="2004 3rd Edition"), "2004-3"),
        ("SCORM 2004 4th edition, two SCOs", package_2004(), "2004-4"),
        (
            "macOS folders and hidden files are skipped",
            package_12({"__MACOSX/._index.html": b"\x00\x05", ".DS_Store": b"\x00", "images/.hidden": b"x"}),
            "1.2",
        ),
        ("stored (uncompressed) entries", zip_bytes(files_12(), compression=zipfile.ZIP_STORED), "1.2"),
    ]
