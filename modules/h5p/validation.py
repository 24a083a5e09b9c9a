"""Validation and streamed extraction of H5P packages (`.h5p` zip files).

Pure Python (no Django): the rules follow H5P's own package validator (the metadata
field rules are tables in `modules.h5p.metadata`), and every
refusal carries a stable `code` (for tests and logs) and a plain-English `reason`
(for the L&D editor who uploaded the file). Nothing here writes anywhere: extraction
hands each accepted file to a `sink` callable, so the caller decides where files go
and can discard them if a later entry is refused.

Limits are enforced twice: first on what the zip's central directory declares, then
again while extracting, by counting the bytes that actually come out of each entry
(`modules.packages.archive`), because headers can lie.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from modules.h5p.metadata import (
    CONTENT_EXTENSIONS,
    H5P_JSON_OPTIONAL,
    H5P_JSON_REQUIRED,
    LIBRARY_EXTENSIONS,
    LIBRARY_JSON_OPTIONAL,
    LIBRARY_JSON_REQUIRED,
    MetadataInvalid,
    metadata_check,
)
from modules.packages.archive import (
    DEFAULT_LIMITS,
    Entry,
    Limits,
    extension_of,
    json_read,
    path_segments,
    refuse,
    served_path_segments,
)
from modules.packages.contents import contents_extract, zip_scanned

NOT_A_ZIP = "The file is not a valid .h5p package (an .h5p file is a zip archive)."
EMBED_TYPES = frozenset({"div", "iframe"})
LIBRARY_FOLDER = re.compile(
    r"\A(?P<name>[\w.\-]{1,255})-(?P<major>[0-9]{1,5})\.(?P<minor>[0-9]{1,5})\Z", re.ASCII
)
# H5P's rule for a library's translation files: language/<code>.json, such as nb.json or
# fr-ca.json (up to seven hyphenated parts, written here without nested repetition).
LANGUAGE_FILE = re.compile(r"\A-?[a-z]+(?:-[a-z]+){0,6}\.json\Z", re.IGNORECASE | re.ASCII)
DEPENDENCY_KINDS = ("preloadedDependencies", "dynamicDependencies", "editorDependencies")


@dataclass(frozen=True)
class Dependency:
    machine_name: str
    major: int
    minor: int

    @property
    def folder(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass(frozen=True)
class Library:
    folder: str
    machine_name: str
    title: str
    major: int
    minor: int
    patch: int
    preloaded_js: tuple[str, ...]
    preloaded_css: tuple[str, ...]
    dependencies: tuple[Dependency, ...]
    # Dynamic and editor dependencies: not loaded up front, but H5P needs them in the package.
    other_dependencies: tuple[Dependency, ...] = ()


@dataclass(frozen=True)
class Manifest:
    """What a valid package contains, as read from `h5p.json` and the library folders."""

    title: str
    language: str
    main_library: Dependency
    embed_types: tuple[str, ...]
    dependencies: tuple[Dependency, ...]
    libraries: dict[str, Library] = field(repr=False)
    entries: tuple[Entry, ...] = field(repr=False)
    h5p_json: dict[str, Any] = field(repr=False)

    @property
    def total_declared_bytes(self) -> int:
        return sum(entry.declared_size for entry in self.entries)


def path_ignored(name: str) -> bool:
    """H5P skips any file or folder whose name starts with `.` or `_` (e.g. `__MACOSX`)."""
    return any(segment[0] in "._" for segment in path_segments(name))


def _metadata(data: Any, where: str, required: dict, optional: dict) -> dict[str, Any]:
    try:
        return metadata_check(data, where=where, required=required, optional=optional)
    except MetadataInvalid as error:
        raise refuse(error.code, error.reason) from error


def _dependencies(data: dict[str, Any], key: str) -> tuple[Dependency, ...]:
    """The dependencies listed under `key` (already checked by the metadata rules)."""
    return tuple(
        Dependency(item["machineName"], int(item["majorVersion"]), int(item["minorVersion"]))
        for item in data.get(key) or ()
    )


def _paths(data: dict[str, Any], key: str) -> tuple[str, ...]:
    """preloadedJs/Css paths as files in the library folder (H5P accepts \\ and a leading ./ or /)."""
    return tuple(
        item["path"].replace("\\", "/").lstrip("/").removeprefix("./") for item in data.get(key) or ()
    )


def _parse_h5p_json(data: Any) -> tuple[str, str, str, tuple[str, ...], tuple[Dependency, ...]]:
    data = _metadata(data, "h5p.json", H5P_JSON_REQUIRED, H5P_JSON_OPTIONAL)
    title = str(data["title"]).strip()
    if not title:
        raise refuse("h5p-json-title", "h5p.json: title must not be blank.")
    if not data["embedTypes"]:
        raise refuse("h5p-json-embed-types", "h5p.json: embedTypes must list 'div' or 'iframe'.")
    return (
        title,
        str(data["language"]),
        str(data["mainLibrary"]),
        tuple(data["embedTypes"]),
        _dependencies(data, "preloadedDependencies"),
    )


def _parse_library(folder: str, data: Any, files: set[str]) -> Library:
    where = f"{folder}/library.json"
    data = _metadata(data, where, LIBRARY_JSON_REQUIRED, LIBRARY_JSON_OPTIONAL)
    title = str(data["title"]).strip()
    if not title:
        raise refuse("invalid-library-json", f"{where}: title must not be blank.")
    machine_name = str(data["machineName"])
    major, minor, patch = (int(data[key]) for key in ("majorVersion", "minorVersion", "patchVersion"))
    if f"{machine_name}-{major}.{minor}" != folder:
        raise refuse(
            "library-folder-mismatch",
            f"The folder {folder!r} holds {machine_name} {major}.{minor}; "
            f"it should be named {machine_name}-{major}.{minor}.",
        )
    js = _paths(data, "preloadedJs")
    css = _paths(data, "preloadedCss")
    for path in (*js, *css):
        if f"{folder}/{path}" not in files:
            raise refuse(
                "missing-preloaded-file",
                f"{where} loads {path!r}, but the file is not in the package.",
            )
    return Library(
        folder=folder,
        machine_name=machine_name,
        title=title,
        major=major,
        minor=minor,
        patch=patch,
        preloaded_js=js,
        preloaded_css=css,
        dependencies=_dependencies(data, "preloadedDependencies"),
        other_dependencies=(
            *_dependencies(data, "dynamicDependencies"),
            *_dependencies(data, "editorDependencies"),
        ),
    )


def _check_library_extras(
    archive: zipfile.ZipFile, folder: str, kept: dict[str, zipfile.ZipInfo], limits: Limits
) -> None:
    """H5P's rules for a library's other JSON: semantics.json and language/<code>.json must parse."""
    semantics = kept.get(f"{folder}/semantics.json")
    if semantics is not None:
        json_read(archive, semantics, limits, f"{folder}/semantics.json")
    prefix = f"{folder}/language/"
    for name, info in kept.items():
        if not name.startswith(prefix):
            continue
        file_name = name[len(prefix) :]
        if "/" in file_name or not LANGUAGE_FILE.match(file_name):
            raise refuse(
                "invalid-language-file",
                f"{name!r} is not a language file: {folder}/language/ may hold only files "
                "named for a language code, such as fr.json or nb-no.json.",
            )
        json_read(archive, info, limits, name)


def package_validate(source: IO[bytes], *, limits: Limits = DEFAULT_LIMITS) -> Manifest:
    """Check a package without extracting it; return its manifest or raise PackageRefused.

    Reads the zip's central directory and the small JSON files it needs
    (h5p.json, content/content.json and each library.json), with caps.
    """
    with zip_scanned(source, limits, not_a_zip=NOT_A_ZIP, ignored=path_ignored) as (archive, kept):
        h5p_info = next((info for name, info in kept.items() if name.lower() == "h5p.json"), None)
        if h5p_info is None:
            raise refuse("missing-h5p-json", "The package has no h5p.json at its top level.")
        h5p_data = json_read(archive, h5p_info, limits, "h5p.json")
        title, language, main, embed_types, dependencies = _parse_h5p_json(h5p_data)
        content_info = kept.get("content/content.json")
        if content_info is None:
            raise refuse("missing-content-json", "The package has no content/content.json.")
        content = json_read(archive, content_info, limits, "content/content.json")
        if not isinstance(content, dict):
            raise refuse("invalid-content-json", "content/content.json must be a JSON object.")

        entries: list[Entry] = []
        library_files: dict[str, set[str]] = {}
        for name, info in kept.items():
            segments = path_segments(name)
            if len(segments) == 1:
                # H5P ignores loose files at the top level other than h5p.json.
                if name.lower() == "h5p.json":
                    entries.append(Entry(name, info.file_size, info.compress_size))
                continue
            top = segments[0]
            if top == "content":
                if extension_of(name) not in CONTENT_EXTENSIONS:
                    raise refuse(
                        "content-extension",
                        f"{name!r} has a file type that is not allowed in content "
                        f"(.{extension_of(name) or 'none'}).",
                    )
            else:
                if not LIBRARY_FOLDER.match(top):
                    raise refuse(
                        "invalid-library-folder",
                        f"The folder {top!r} is not a library folder (expected Name-major.minor).",
                    )
                if extension_of(name) not in LIBRARY_EXTENSIONS:
                    raise refuse(
                        "library-extension",
                        f"{name!r} has a file type that is not allowed in a library "
                        f"(.{extension_of(name) or 'none'}).",
                    )
                library_files.setdefault(top, set()).add(name)
            entries.append(Entry(name, info.file_size, info.compress_size))

        libraries: dict[str, Library] = {}
        for folder, files in sorted(library_files.items()):
            library_json = kept.get(f"{folder}/library.json")
            if library_json is None:
                raise refuse("missing-library-json", f"The library folder {folder!r} has no library.json.")
            libraries[folder] = _parse_library(
                folder, json_read(archive, library_json, limits, f"{folder}/library.json"), files
            )
            _check_library_extras(archive, folder, kept, limits)

        main_dependency = next((dep for dep in dependencies if dep.machine_name == main), None)
        if main_dependency is None:
            raise refuse(
                "main-library-not-listed",
                f"The main library {main} is not among h5p.json's preloadedDependencies.",
            )
        _check_dependencies_present(
            (*dependencies, *_dependencies(h5p_data, "dynamicDependencies")), libraries
        )

    return Manifest(
        title=title,
        language=language,
        main_library=main_dependency,
        embed_types=embed_types,
        dependencies=dependencies,
        libraries=libraries,
        entries=tuple(entries),
        h5p_json=_h5p_summary(title, language, main, embed_types),
    )


def _h5p_summary(title: str, language: str, main: str, embed_types: tuple[str, ...]) -> dict[str, Any]:
    return {"title": title, "language": language, "mainLibrary": main, "embedTypes": list(embed_types)}


def _check_dependencies_present(roots: tuple[Dependency, ...], libraries: dict[str, Library]) -> None:
    """Every dependency (preloaded, dynamic or editor), and theirs in turn, must be in the package."""
    pending = list(roots)
    visited: set[str] = set()
    while pending:
        dependency = pending.pop()
        if dependency.folder in visited:
            continue
        visited.add(dependency.folder)
        library = libraries.get(dependency.folder)
        if library is None:
            raise refuse(
                "missing-library",
                f"The package needs the library {dependency} but does not include it. "
                "Export the package again with its libraries included.",
            )
        pending.extend(library.dependencies)
        pending.extend(library.other_dependencies)


package_extract = contents_extract


def h5p_asset_path_valid(*, path: str) -> bool:
    """Whether a requested path could be a file we extracted (checked before touching storage)."""
    segments = served_path_segments(path)
    if segments is None or any(segment.startswith("_") for segment in segments):
        return False
    extension = path.rsplit(".", 1)[-1].lower() if "." in segments[-1] else ""
    if len(segments) == 1:
        return path == "h5p.json"
    allowed = CONTENT_EXTENSIONS if segments[0] == "content" else LIBRARY_EXTENSIONS
    return extension in allowed
