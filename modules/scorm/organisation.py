"""The organisation a SCORM package plays, and its launchable items with their resources.

Rules, as mature LMSs apply them to real exports:

* ``<organizations default="...">`` names the organisation to play. Where the default
  is missing or names no organisation, the first organisation is played and a note
  says so.
* A package with no organisation at all plays each SCO resource in manifest order as
  its own item (a note says so); with no SCO resource either, it is refused.
* Every item that points at a resource (``identifierref``) must find it, the resource
  must have a launch file (``href``, under any ``xml:base``), and that file must be in
  the package. Resources are SCOs (they report to the LMS) or assets (they do not);
  a package must have at least one SCO, or nothing could be tracked.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from modules.packages.archive import refuse
from modules.scorm.manifest import (
    Item,
    ScormManifest,
    _item_data,
    _launch_path,
    attribute,
    child,
    children,
    title_of,
    version_detect,
)

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
MAX_ITEMS = 500


def _base(element: ET.Element | None) -> str:
    if element is None:
        return ""
    value = element.get(XML_BASE) or ""
    return value if not value or value.endswith("/") else value + "/"


def _scorm_type(resource: ET.Element, resource_id: str) -> bool:
    kind = (attribute(resource, "scormtype") or "asset").strip().lower()
    if kind not in {"sco", "asset"}:
        raise refuse(
            "invalid-scorm-type",
            f"The resource {resource_id!r} has scormType {kind[:20]!r}; it must be 'sco' or 'asset'.",
        )
    return kind == "sco"


def _organisation(root: ET.Element, notes: list[str]) -> ET.Element | None:
    organisations = child(root, "organizations")
    found = children(organisations, "organization") if organisations is not None else []
    if not found:
        return None
    default = (organisations.get("default") or "").strip() if organisations is not None else ""
    for organisation in found:
        if default and organisation.get("identifier") == default:
            return organisation
    first = found[0]
    first_id = first.get("identifier") or "(no identifier)"
    if default:
        notes.append(
            f"The default organisation {default[:60]!r} is not in the manifest; the first, "
            f"{first_id[:60]!r}, is played."
        )
    elif len(found) > 1:
        notes.append(f"No default organisation is named; the first, {first_id[:60]!r}, is played.")
    return first


def _leaf_items(element: ET.Element) -> list[ET.Element]:
    """Items in play order (depth first): those pointing at a resource."""
    found = []
    for item in children(element, "item"):
        if item.get("identifierref"):
            found.append(item)
        found.extend(_leaf_items(item))
    return found


def manifest_read(root: ET.Element, files: set[str]) -> ScormManifest:
    """What the manifest says, checked against the package's files (names as in the zip)."""
    version, notes = version_detect(root)
    resources_element = child(root, "resources")
    resources = {
        resource.get("identifier"): resource
        for resource in (children(resources_element, "resource") if resources_element is not None else [])
        if resource.get("identifier")
    }
    base = _base(root) + _base(resources_element)
    organisation = _organisation(root, notes)
    if organisation is not None:
        elements = _leaf_items(organisation)
        organisation_title = title_of(organisation, organisation.get("identifier") or "")
    else:
        elements = []
        organisation_title = ""
    if len(elements) > MAX_ITEMS:
        raise refuse("too-many-items", f"The organisation has more than {MAX_ITEMS} items.")

    items: list[Item] = []
    if organisation is None:
        for resource_id, resource in resources.items():
            if resource.get("href") and _scorm_type(resource, resource_id):
                launch, launch_file = _launch_path(
                    base + _base(resource), resource.get("href") or "", resource_id
                )
                items.append(Item(resource_id, resource_id, launch, launch_file, sco=True))
        if not items:
            raise refuse(
                "no-organisation",
                "imsmanifest.xml has no organisation and no SCO resource, so there is nothing to play.",
            )
        notes.append("The manifest has no organisation; each SCO resource is played as one item, in order.")
    for element in elements:
        identifier = (element.get("identifier") or "").strip()[:255]
        ref = (element.get("identifierref") or "").strip()
        resource = resources.get(ref)
        if resource is None:
            raise refuse(
                "missing-resource",
                f"The item {identifier or ref!r} points at the resource {ref[:80]!r}, "
                "which the manifest does not have.",
            )
        href = resource.get("href")
        if not href:
            raise refuse(
                "resource-without-launch",
                f"The resource {ref[:80]!r} (used by the item {identifier!r}) has no launch file (href).",
            )
        parameters = (element.get("parameters") or "").strip()
        launch, launch_file = _launch_path(base + _base(resource), href, identifier)
        if parameters.startswith("#"):
            launch += parameters
        elif parameters:
            launch += ("&" if "?" in launch else "?") + parameters.lstrip("?&")
        items.append(
            Item(
                identifier=identifier or ref,
                title=title_of(element, identifier or ref),
                launch=launch,
                launch_file=launch_file,
                sco=_scorm_type(resource, ref),
                **_item_data(element, version, identifier),  # type: ignore[arg-type]
            )
        )
    if not items:
        raise refuse("no-launchable-item", "The organisation has no item that launches anything.")
    identifiers = [item.identifier for item in items]
    if len(set(identifiers)) != len(identifiers):
        raise refuse("duplicate-item", "Two items of the organisation share an identifier.")
    for item in items:
        if item.launch_file not in files:
            raise refuse(
                "missing-launch-file",
                f"The item {item.identifier!r} launches {item.launch_file!r}, which is not in the package.",
            )
    if not any(item.sco for item in items):
        raise refuse(
            "no-sco",
            "None of the package's items is a SCO (scormType 'sco'): nothing in it reports to the "
            "learning platform, so it could not be tracked.",
        )
    return ScormManifest(
        version=version,
        title=title_of(organisation, "") if organisation is not None else "",
        organisation=organisation_title,
        items=tuple(items),
        notes=tuple(notes),
    )
