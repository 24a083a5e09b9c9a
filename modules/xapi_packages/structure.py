"""Reading a package's course structure: ``tincan.xml`` (xAPI / Tin Can) and ``cmi5.xml`` (cmi5).

Pure Python (no Django). XML is parsed with defusedxml (no DTDs, entities or external
references). Elements are matched by local name. Every refusal is a ``PackageRefused``
with a stable code and a plain-English reason for the L&D editor.

cmi5 (the AICC cmi5 specification, section 13.1): a course with an id and a title, then
assignable units (AUs) and blocks in any nesting; blocks are flattened into the AUs'
play order, each AU keeping the ids of the blocks around it. Whitespace is trimmed from
every value (13.1). A relative AU url must name a file inside the package; absolute urls
are refused for uploaded packages (the content would run elsewhere with our learner's
launch credential). Unknown moveOn or launchMethod values, a masteryScore outside 0 to 1,
duplicate ids and missing titles or urls are refused.

Tin Can (``tincan.xml``): the activities it declares and the one with a ``launch`` element
(preferably of type course), whose id is the course activity id statements are about.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote, urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from modules.packages.archive import refuse

CMI5 = "cmi5"
TINCAN = "tincan"
MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")
LAUNCH_METHODS = ("AnyWindow", "OwnWindow")
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
URL_SCHEME = re.compile(r"\A[A-Za-z][A-Za-z0-9+.\-]*:")
MAX_TITLE = 255
MAX_ID = 1024
MAX_PARAMETERS = 4096
MAX_AUS = 200


@dataclass(frozen=True)
class AssignableUnit:
    """One launchable unit, in play order (a cmi5 AU, or a Tin Can package's course activity)."""

    id: str
    title: str
    url: str  # relative to the package root, with any query string the structure gives
    launch_method: str = "AnyWindow"
    move_on: str = "NotApplicable"
    mastery_score: float | None = None
    launch_parameters: str = ""
    entitlement_key: str = ""
    activity_type: str = ""
    blocks: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "blocks": list(self.blocks)}


@dataclass(frozen=True)
class Block:
    id: str
    title: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class CourseStructure:
    kind: str  # "cmi5" or "tincan"
    course_id: str
    title: str
    aus: tuple[AssignableUnit, ...]
    blocks: tuple[Block, ...] = ()
    activities: tuple[str, ...] = field(default=())  # Tin Can: every declared activity id


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((found for found in element if _local(found.tag) == name), None)


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _langstring(element: ET.Element | None) -> str:
    """cmi5 titles are <langstring lang=".."> lists: the first non-empty one (English preferred)."""
    if element is None:
        return ""
    strings = _children(element, "langstring")
    if not strings:
        return _text(element)
    english = [s for s in strings if (s.get("lang") or "").lower().startswith("en") and _text(s)]
    chosen = english or [s for s in strings if _text(s)]
    return _text(chosen[0]) if chosen else ""


def xml_parse(data: bytes, *, name: str, root: str) -> ET.Element:
    """The document's root element, or a refusal naming what is wrong with the XML."""
    try:
        element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise refuse(
            "structure-unsafe-xml",
            f"{name} declares a DTD or entities, which are not accepted (they can be used to attack "
            "the server). Export the package again from your authoring tool.",
        ) from error
    except ET.ParseError as error:
        line = getattr(error, "position", (0, 0))[0]
        raise refuse(
            "structure-malformed", f"{name} is not well-formed XML (line {line}). Export the package again."
        ) from error
    except (ValueError, UnicodeError) as error:
        raise refuse("structure-malformed", f"{name} could not be read as XML.") from error
    if _local(element.tag) != root:
        raise refuse(
            "structure-wrong-root", f"{name}'s top element is <{_local(element.tag)[:40]}>, not <{root}>."
        )
    return element


def _iri(value: str | None, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise refuse("structure-missing-id", f"{label} has no id.")
    if len(value) > MAX_ID or not URL_SCHEME.match(value) or any(c.isspace() for c in value):
        raise refuse("structure-bad-id", f"{label}'s id {value[:80]!r} is not an IRI (like https://...).")
    return value


def launch_path_check(url: str, names: set[str], *, label: str) -> str:
    """A launch url relative to the package root whose file is in the package; refusals say why."""
    if not url:
        raise refuse("structure-missing-url", f"{label} has no url to launch.")
    if URL_SCHEME.match(url) or url.startswith(("//", "\\")):
        raise refuse(
            "structure-absolute-url",
            f"{label}'s url {url[:80]!r} points outside the package. Uploaded packages must launch a "
            "file inside the zip; export the course with its content included.",
        )
    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        raise refuse("structure-bad-url", f"{label}'s url {url[:80]!r} is not a path inside the package.")
    normal = posixpath.normpath(path)
    if normal == ".." or normal.startswith("../"):
        raise refuse(
            "structure-url-escapes", f"{label}'s url {url[:80]!r} leads outside the package (it uses '..')."
        )
    if normal not in names:
        raise refuse(
            "structure-missing-file",
            f"{label} launches {normal[:120]!r}, which is not in the package.",
        )
    return normal + (f"?{parts.query}" if parts.query else "")


def _mastery(value: str | None, label: str) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation as error:
        raise refuse(
            "structure-bad-mastery", f"{label}'s masteryScore {value[:20]!r} is not a number."
        ) from error
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
        raise refuse("structure-bad-mastery", f"{label}'s masteryScore must be between 0 and 1.")
    return float(number)


def _choice(value: str | None, allowed: tuple[str, ...], default: str, label: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        return default
    if value not in allowed:
        raise refuse(
            f"structure-bad-{what.lower()}",
            f"{label}'s {what} {value[:40]!r} is not one of {', '.join(allowed)}.",
        )
    return value


def _au_read(element: ET.Element, names: set[str], blocks: tuple[str, ...], number: int) -> AssignableUnit:
    label = f"AU {number}"
    au_id = _iri(element.get("id"), label)
    title = _langstring(_child(element, "title"))[:MAX_TITLE]
    label = f"AU {number} ({title or au_id[:60]})"
    if not title:
        raise refuse("structure-missing-title", f"{label} has no title.")
    url_element = _child(element, "url")
    url = (url_element.text or "").strip() if url_element is not None else ""
    parameters = _child(element, "launchParameters")
    parameters_text = (parameters.text or "").strip() if parameters is not None else ""
    if len(parameters_text) > MAX_PARAMETERS:
        raise refuse(
            "structure-bad-parameters", f"{label}'s launchParameters are longer than 4096 characters."
        )
    entitlement = _child(element, "entitlementKey")
    return AssignableUnit(
        id=au_id,
        title=title,
        url=launch_path_check(url, names, label=label),
        launch_method=_choice(
            element.get("launchMethod"), LAUNCH_METHODS, "AnyWindow", label, "launchMethod"
        ),
        move_on=_choice(element.get("moveOn"), MOVE_ON, "NotApplicable", label, "moveOn"),
        mastery_score=_mastery(element.get("masteryScore"), label),
        launch_parameters=parameters_text,
        entitlement_key=(entitlement.text or "").strip()[:MAX_PARAMETERS] if entitlement is not None else "",
        activity_type=(element.get("activityType") or "").strip()[:MAX_ID],
        blocks=blocks,
    )


def cmi5_read(root: ET.Element, names: set[str]) -> CourseStructure:
    """The course structure of a parsed ``cmi5.xml`` (root <courseStructure>)."""
    course = _child(root, "course")
    if course is None:
        raise refuse("structure-missing-course", "cmi5.xml has no <course> element.")
    course_id = _iri(course.get("id"), "The course")
    title = _langstring(_child(course, "title"))[:MAX_TITLE]
    if not title:
        raise refuse("structure-missing-title", "The course has no title.")
    aus: list[AssignableUnit] = []
    blocks: list[Block] = []
    seen: set[str] = {course_id}

    def walk(element: ET.Element, around: tuple[str, ...], depth: int) -> None:
        if depth > 20:
            raise refuse("structure-too-deep", "cmi5.xml nests blocks more than 20 deep.")
        for node in element:
            kind = _local(node.tag)
            if kind == "au":
                if len(aus) >= MAX_AUS:
                    raise refuse("structure-too-many-aus", f"The course has more than {MAX_AUS} AUs.")
                au = _au_read(node, names, around, len(aus) + 1)
                if au.id in seen:
                    raise refuse("structure-duplicate-id", f"The id {au.id[:80]!r} is used more than once.")
                seen.add(au.id)
                aus.append(au)
            elif kind == "block":
                block_id = _iri(node.get("id"), f"Block {len(blocks) + 1}")
                block_title = _langstring(_child(node, "title"))[:MAX_TITLE]
                if not block_title:
                    raise refuse("structure-missing-title", f"Block {block_id[:80]!r} has no title.")
                if block_id in seen:
                    raise refuse(
                        "structure-duplicate-id", f"The id {block_id[:80]!r} is used more than once."
                    )
                seen.add(block_id)
                blocks.append(Block(block_id, block_title))
                walk(node, (*around, block_id), depth + 1)

    walk(root, (), 0)
    if not aus:
        raise refuse("structure-no-aus", "cmi5.xml names no AU (assignable unit) to launch.")
    return CourseStructure(kind=CMI5, course_id=course_id, title=title, aus=tuple(aus), blocks=tuple(blocks))


def tincan_read(root: ET.Element, names: set[str]) -> CourseStructure:
    """The course activity and launch file of a parsed ``tincan.xml`` (root <tincan>)."""
    container = _child(root, "activities")
    activities = _children(container, "activity") if container is not None else []
    if not activities:
        raise refuse("structure-no-activities", "tincan.xml declares no activities.")
    ids: list[str] = []
    launchable: list[tuple[ET.Element, str]] = []
    for number, activity in enumerate(activities, start=1):
        activity_id = _iri(activity.get("id"), f"Activity {number}")
        ids.append(activity_id)
        if _child(activity, "launch") is not None:
            launchable.append((activity, activity_id))
    if not launchable:
        raise refuse("structure-missing-url", "tincan.xml has no activity with a <launch> file.")
    courses = [pair for pair in launchable if (pair[0].get("type") or "").strip() == COURSE_TYPE]
    activity, course_id = (courses or launchable)[0]
    title = _text(_child(activity, "name"))[:MAX_TITLE] or course_id[:MAX_TITLE]
    url = launch_path_check(
        (_child(activity, "launch").text or "").strip(),  # type: ignore[union-attr]
        names,
        label=f"The course activity ({title})",
    )
    au = AssignableUnit(id=course_id, title=title, url=url, move_on="Completed", activity_type=COURSE_TYPE)
    return CourseStructure(kind=TINCAN, course_id=course_id, title=title, aus=(au,), activities=tuple(ids))
