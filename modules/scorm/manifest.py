"""Reading imsmanifest.xml: the SCORM version, the organisation to play and its items.

Pure Python (no Django). The XML is parsed with defusedxml, which refuses DTDs,
entities and external references (billion laughs, XXE). Elements are matched by
local name, because real exports mix namespace prefixes and versions freely.
Every refusal is a `PackageRefused` with a stable code and a plain-English reason;
lenient readings (a default organisation that names none, for example) are kept as
notes for the L&D editor to see.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from modules.packages.archive import refuse

ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
SCHEMA_VERSIONS = {
    "1.2": "1.2",
    "cam 1.3": "2004-2",
    "2004 2nd edition": "2004-2",
    "2004 3rd edition": "2004-3",
    "2004 4th edition": "2004-4",
}
TIMESPAN_12 = re.compile(r"\A\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?\Z")
DURATION_2004 = re.compile(r"\AP(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?\Z")
URL_SCHEME = re.compile(r"\A[A-Za-z][A-Za-z0-9+.\-]*:")
MAX_DATA_FROM_LMS = 4096
MAX_TITLE = 255


@dataclass(frozen=True)
class Item:
    """One launchable item of the organisation (a SCO or an asset) in play order."""

    identifier: str
    title: str
    launch: str  # the file in the package, with any parameters the manifest adds
    launch_file: str  # the file alone, checked to be in the package
    sco: bool
    mastery_score: float | None = None  # SCORM 1.2, per cent
    scaled_passing_score: float | None = None  # SCORM 2004, -1 to 1
    completion_threshold: float | None = None  # SCORM 2004, 0 to 1
    max_time: str = ""
    time_limit_action: str = ""
    data_from_lms: str = ""

    def as_dict(self) -> dict[str, object]:
        """What the version records of the item: every field but `launch_file`, only ever checked."""
        record = asdict(self)
        del record["launch_file"]
        return record


@dataclass(frozen=True)
class ScormManifest:
    version: str
    title: str
    organisation: str
    items: tuple[Item, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def scos(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.sco)


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: object) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local(child.tag) == name]


def child(element: ET.Element, name: str) -> ET.Element | None:
    return next((found for found in element if local(found.tag) == name), None)


def attribute(element: ET.Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (adlcp:scormtype, scormType...)."""
    for key, value in element.attrib.items():
        if local(key).lower() == name.lower():
            return value
    return None


def text_of(element: ET.Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def title_of(element: ET.Element, fallback: str) -> str:
    title = child(element, "title")
    found = text_of(title) or fallback
    return " ".join(found.split())[:MAX_TITLE]


def manifest_parse_xml(data: bytes) -> ET.Element:
    """The manifest's root element, or a refusal naming what is wrong with the XML."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise refuse(
            "manifest-unsafe-xml",
            "imsmanifest.xml declares a DTD or entities, which are not accepted (they can be used "
            "to attack the server). Export the package again from your authoring tool.",
        ) from error
    except ET.ParseError as error:
        line = getattr(error, "position", (0, 0))[0]
        raise refuse(
            "manifest-malformed",
            f"imsmanifest.xml is not well-formed XML (line {line}). Export the package again.",
        ) from error
    except (ValueError, UnicodeError) as error:
        raise refuse("manifest-malformed", "imsmanifest.xml could not be read as XML.") from error
    if local(root.tag) != "manifest":
        raise refuse(
            "manifest-not-a-manifest",
            f"imsmanifest.xml's top element is <{local(root.tag)[:40]}>, not <manifest>.",
        )
    return root


def _namespaces(root: ET.Element) -> set[str]:
    found = set()
    for element in root.iter():
        found.add(namespace(element.tag))
        found.update(namespace(key) for key in element.attrib)
    return found


def version_detect(root: ET.Element) -> tuple[str, list[str]]:
    """The SCORM version from <metadata><schemaversion>, else from the ADL namespaces used."""
    notes: list[str] = []
    metadata = child(root, "metadata")
    schema = " ".join(text_of(child(metadata, "schemaversion") if metadata is not None else None).split())
    schema_name = text_of(child(metadata, "schema") if metadata is not None else None)
    if schema:
        version = SCHEMA_VERSIONS.get(schema.lower())
        if version is None:
            raise refuse(
                "unsupported-scorm-version",
                f"imsmanifest.xml says its schema version is {schema[:40]!r}. Only SCORM 1.2 and "
                "SCORM 2004 (2nd, 3rd and 4th editions) are supported.",
            )
        return version, notes
    namespaces = _namespaces(root)
    if ADLCP_12 in namespaces:
        notes.append(
            "The manifest states no schema version; it uses SCORM 1.2's namespace, so it is SCORM 1.2."
        )
        return "1.2", notes
    if ADLCP_2004 in namespaces or any("adlnet.org/xsd/adlseq" in ns for ns in namespaces):
        notes.append(
            "The manifest states no schema version; it uses SCORM 2004's namespaces, so it is played "
            "as SCORM 2004 3rd edition."
        )
        return "2004-3", notes
    described = f" (it says it is {schema_name[:40]!r})" if schema_name else ""
    raise refuse(
        "not-scorm",
        "imsmanifest.xml is an IMS content package with no SCORM schema version and no SCORM "
        f"namespace{described}: it is not a SCORM package.",
    )


def _launch_path(base: str, href: str, item_id: str) -> tuple[str, str]:
    """(launch with its query, the file alone) for a resource href under xml:base prefixes."""
    if URL_SCHEME.match(href) or href.startswith("//"):
        raise refuse(
            "external-launch",
            f"The item {item_id!r} launches {href[:80]!r}, a web address outside the package. "
            "Only content inside the package can be played.",
        )
    file_part, _, query = href.partition("?")
    file_part = file_part.split("#", 1)[0]
    joined = unquote(base + file_part)
    if "\\" in joined or "\x00" in joined or joined.startswith("/"):
        raise refuse("launch-path", f"The item {item_id!r} launches {href[:80]!r}, which is not a file path.")
    normal = posixpath.normpath(joined)
    if normal.startswith("..") or normal in {".", ""}:
        raise refuse(
            "launch-path", f"The item {item_id!r} launches {href[:80]!r}, which is outside the package."
        )
    launch = normal + (f"?{query}" if query else "")
    return launch, normal


def _number(element: ET.Element | None, code: str, label: str, low: float, high: float) -> float | None:
    raw = text_of(element)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError as error:
        raise refuse(code, f"{label} is {raw[:40]!r}, not a number.") from error
    if not low <= value <= high:
        raise refuse(code, f"{label} is {raw[:40]}; it must be between {low:g} and {high:g}.")
    return value


def _item_data(item: ET.Element, version: str, item_id: str) -> dict[str, object]:
    """Mastery score, maximum time, time-limit action, data from the LMS (and 2004's sequencing)."""
    data: dict[str, object] = {}
    label = f"The item {item_id!r}'s"
    if version == "1.2":
        data["mastery_score"] = _number(
            child(item, "masteryscore"), "invalid-mastery-score", f"{label} mastery score", 0, 100
        )
        max_time = text_of(child(item, "maxtimeallowed"))
        if max_time and not TIMESPAN_12.match(max_time):
            raise refuse("invalid-max-time", f"{label} maximum time {max_time[:40]!r} is not HHHH:MM:SS.")
        data["max_time"] = max_time
        data["time_limit_action"] = text_of(child(item, "timelimitaction"))
        data["data_from_lms"] = text_of(child(item, "datafromlms"))
    else:
        data["data_from_lms"] = text_of(child(item, "dataFromLMS"))
        data["time_limit_action"] = text_of(child(item, "timeLimitAction"))
        threshold = child(item, "completionThreshold")
        if threshold is not None:
            measure = attribute(threshold, "minProgressMeasure")
            holder = ET.Element("value")
            holder.text = measure if measure is not None else threshold.text
            data["completion_threshold"] = _number(
                holder, "invalid-completion-threshold", f"{label} completion threshold", 0, 1
            )
        sequencing = child(item, "sequencing")
        if sequencing is not None:
            limits = child(sequencing, "limitConditions")
            duration = attribute(limits, "attemptAbsoluteDurationLimit") if limits is not None else None
            if duration:
                if not DURATION_2004.match(duration):
                    raise refuse(
                        "invalid-max-time",
                        f"{label} duration limit {duration[:40]!r} is not an ISO 8601 duration.",
                    )
                data["max_time"] = duration
            objectives = child(sequencing, "objectives")
            primary = child(objectives, "primaryObjective") if objectives is not None else None
            if primary is not None and (attribute(primary, "satisfiedByMeasure") or "").lower() == "true":
                data["scaled_passing_score"] = _number(
                    child(primary, "minNormalizedMeasure"),
                    "invalid-mastery-score",
                    f"{label} minimum normalised measure",
                    -1,
                    1,
                )
    if len(str(data.get("data_from_lms") or "")) > MAX_DATA_FROM_LMS:
        raise refuse("invalid-data-from-lms", f"{label} data from the LMS is longer than 4,096 characters.")
    return {key: value for key, value in data.items() if value not in (None, "")}
