"""Validation and streamed extraction of xAPI (Tin Can) and cmi5 packages.

Pure Python (no Django). The zip is checked entry by entry with the shared rules and
limits of ``modules.packages.archive`` (zip slip, absolute paths, symbolic links, zip
bombs, sizes, file count), exactly as for H5P and SCORM; then ``cmi5.xml`` or
``tincan.xml`` must be at the package's top level (``cmi5.xml`` wins when both are,
as authoring tools exporting cmi5 sometimes keep the other). Packages of other kinds
are refused with a reason naming what they are (SCORM, AICC, H5P).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from modules.packages.archive import (
    DEFAULT_LIMITS,
    Entry,
    Limits,
    bytes_read,
    refuse,
)
from modules.packages.contents import (
    H5P_ELSEWHERE,
    contents_extract,
    entries_of,
    other_kind_refuse,
    path_hidden_or_resource_fork,
    zip_scanned,
)
from modules.xapi_packages.structure import CourseStructure, cmi5_read, tincan_read, xml_parse

CMI5_XML = "cmi5.xml"
TINCAN_XML = "tincan.xml"
NOT_A_ZIP = "The file is not a valid xAPI or cmi5 package (a package is a .zip file)."
MAX_STRUCTURE_BYTES = 2 * 1024 * 1024
OTHER_KINDS = (
    (
        "imsmanifest.xml",
        "scorm-package",
        "This is a SCORM package (it has imsmanifest.xml). Upload it as a SCORM package, or export "
        "the course as xAPI (Tin Can) or cmi5.",
    ),
    H5P_ELSEWHERE,
)


@dataclass(frozen=True)
class XapiPackageContents:
    structure: CourseStructure
    entries: tuple[Entry, ...] = field(repr=False)


path_ignored = path_hidden_or_resource_fork


def _not_xapi(names: list[str]) -> None:
    lowered = [name.lower() for name in names]
    nested = next((n for n in names if n.lower().endswith(("/" + CMI5_XML, "/" + TINCAN_XML))), None)
    if nested is not None:
        raise refuse(
            "structure-misplaced",
            f"{nested.rsplit('/', 1)[-1]} is inside the folder {nested.rsplit('/', 1)[0] + '/'!r}, not at "
            "the top of the zip. Zip the contents of that folder (not the folder itself).",
        )
    wrong_case = next((n for n in names if n.lower() in {CMI5_XML, TINCAN_XML}), None)
    if wrong_case is not None:
        raise refuse("structure-misplaced", f"{wrong_case!r} must be named in lower case.")
    other_kind_refuse(lowered, OTHER_KINDS)
    raise refuse(
        "missing-structure",
        "The zip has neither cmi5.xml nor tincan.xml, so it is not an xAPI or cmi5 package. Export the "
        "course as cmi5 or xAPI (Tin Can) and upload the zip the tool makes.",
    )


def package_validate(source: IO[bytes], *, limits: Limits = DEFAULT_LIMITS) -> XapiPackageContents:
    """Check a package without extracting it; return what it holds or raise PackageRefused."""
    with zip_scanned(source, limits, not_a_zip=NOT_A_ZIP, ignored=path_ignored) as (archive, kept):
        name = CMI5_XML if CMI5_XML in kept else TINCAN_XML if TINCAN_XML in kept else None
        if name is None:
            _not_xapi(list(kept))
            raise AssertionError("unreachable")  # pragma: no cover
        info = kept[name]
        if info.file_size > MAX_STRUCTURE_BYTES:
            raise refuse("structure-too-large", f"{name} is larger than 2 MB.")
        data = bytes_read(archive, info, limits, name)
    names = set(kept)
    if name == CMI5_XML:
        structure = cmi5_read(xml_parse(data, name=name, root="courseStructure"), names)
    else:
        structure = tincan_read(xml_parse(data, name=name, root="tincan"), names)
    entries = entries_of(kept)
    return XapiPackageContents(structure=structure, entries=entries)


package_extract = contents_extract
