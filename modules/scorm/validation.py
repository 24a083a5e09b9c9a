"""Validation and streamed extraction of SCORM packages (zip files with imsmanifest.xml).

Pure Python (no Django). The zip is checked entry by entry with the same shared rules
and limits as H5P (`modules.packages.archive`: zip slip, absolute paths, symbolic links,
zip bombs, sizes, file count); then `imsmanifest.xml` must be at the package's top level
(`modules.scorm.manifest`, `modules.scorm.organisation`). Packages of other kinds are
refused with a reason naming what they are (AICC, xAPI / Tin Can, cmi5, H5P).
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
    served_path_segments,
)
from modules.packages.contents import (
    H5P_ELSEWHERE,
    contents_extract,
    entries_of,
    other_kind_refuse,
    path_hidden_or_resource_fork,
    zip_scanned,
)
from modules.scorm.manifest import ScormManifest, manifest_parse_xml
from modules.scorm.organisation import manifest_read

MANIFEST = "imsmanifest.xml"
NOT_A_ZIP = "The file is not a valid SCORM package (a SCORM package is a .zip file)."
AICC_EXTENSIONS = (".au", ".crs", ".des", ".cst")
OTHER_KINDS = (
    (
        "tincan.xml",
        "xapi-package",
        "This is an xAPI (Tin Can) package (it has tincan.xml), not SCORM. Upload it as an xAPI "
        "package, or export the course as SCORM.",
    ),
    (
        "cmi5.xml",
        "cmi5-package",
        "This is a cmi5 package (it has cmi5.xml), not SCORM. Upload it as a cmi5 package, "
        "or export the course as SCORM.",
    ),
    H5P_ELSEWHERE,
)


@dataclass(frozen=True)
class ScormPackageContents:
    manifest: ScormManifest
    entries: tuple[Entry, ...] = field(repr=False)

    @property
    def total_declared_bytes(self) -> int:
        return sum(entry.declared_size for entry in self.entries)


path_ignored = path_hidden_or_resource_fork


def _not_scorm(names: list[str]) -> None:
    """Refuse a package without a top-level manifest, naming what it is where we can tell."""
    lowered = [name.lower() for name in names]
    nested = next((name for name in names if name.lower().endswith("/" + MANIFEST)), None)
    if nested is not None:
        folder = nested[: -len(MANIFEST)]
        raise refuse(
            "manifest-misplaced",
            f"imsmanifest.xml is inside the folder {folder!r}, not at the top of the zip. Zip the "
            "contents of that folder (not the folder itself), or export again from your authoring tool.",
        )
    if any(name.endswith(AICC_EXTENSIONS) for name in lowered):
        raise refuse(
            "aicc-package",
            "This is an AICC package (it has .au, .crs, .des or .cst files), not SCORM. "
            "Export the course as SCORM 1.2 or SCORM 2004 instead.",
        )
    other_kind_refuse(lowered, OTHER_KINDS)
    raise refuse(
        "missing-manifest",
        "The zip has no imsmanifest.xml, so it is not a SCORM package. Export the course as "
        "SCORM 1.2 or SCORM 2004 and upload the zip the tool makes.",
    )


def package_validate(source: IO[bytes], *, limits: Limits = DEFAULT_LIMITS) -> ScormPackageContents:
    """Check a package without extracting it; return what it holds or raise PackageRefused."""
    with zip_scanned(source, limits, not_a_zip=NOT_A_ZIP, ignored=path_ignored) as (archive, kept):
        info = kept.get(MANIFEST)
        if info is None:
            wrong_case = next((name for name in kept if name.lower() == MANIFEST), None)
            if wrong_case is not None:
                raise refuse(
                    "manifest-misplaced",
                    f"The manifest is named {wrong_case!r}; it must be imsmanifest.xml, in lower case.",
                )
            _not_scorm(list(kept))
            raise AssertionError("unreachable")  # pragma: no cover
        root = manifest_parse_xml(bytes_read(archive, info, limits, MANIFEST))
        manifest = manifest_read(root, set(kept))
    entries = entries_of(kept)
    return ScormPackageContents(manifest=manifest, entries=entries)


package_extract = contents_extract


def scorm_asset_path_valid(*, path: str) -> bool:
    """Whether a requested path could be a file we extracted (checked before touching storage)."""
    segments = served_path_segments(path)
    return segments is not None and segments[0] != "__MACOSX"
