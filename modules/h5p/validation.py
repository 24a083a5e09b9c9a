"""Validation and streamed extraction of H5P packages (`.h5p` zip files).

Pure Python (no Django): the rules follow H5P's own package validator (the metadata
field rules are tables in `modules.h5p.metadata`), and every
refusal carries a stable `code` (for tests and logs) and a plain-English `reason`
(for the L&D editor who uploaded the file). Nothing here writes anywhere: extraction
hands each accepted file to a `sink` callable, so the caller decides where files go
and can discard them if a later entry is refused.

Limits are enforced twice: first on what the zip's central directory declares, then
again while extracting, by counting the bytes that actually come out of each entry,
because headers can lie.
"""

from __future__ import annotations

import io
import json
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from modules.h5p.metadata import (
    H5P_JSON_OPTIONAL,
    H5P_JSON_REQUIRED,
    LIBRARY_JSON_OPTIONAL,
    LIBRARY_JSON_REQUIRED,
    MetadataInvalid,
    metadata_check,
)

# H5P's documented default whitelists (H5P core, "default content whitelist" and the
# "library whitelist extras" that library folders may add).
CONTENT_EXTENSIONS: frozenset[str] = frozenset(
    {
        "json",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "svg",
        "eot",
        "ttf",
        "woff",
        "woff2",
        "otf",
        "webm",
        "mp4",
        "ogg",
        "mp3",
        "m4a",
        "wav",
        "txt",
        "pdf",
        "rtf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "xml",
        "csv",
        "diff",
        "patch",
        "swf",
        "md",
        "textile",
        "vtt",
        "webvtt",
        "gltf",
        "glb",
    }
)
LIBRARY_EXTENSIONS: frozenset[str] = CONTENT_EXTENSIONS | {"js", "css"}

EMBED_TYPES = frozenset({"div", "iframe"})
LIBRARY_FOLDER = re.compile(
    r"\A(?P<name>[\w.\-]{1,255})-(?P<major>[0-9]{1,5})\.(?P<minor>[0-9]{1,5})\Z", re.ASCII
)
# H5P's rule for a library's translation files: language/<code>.json, such as nb.json or
# fr-ca.json (up to seven hyphenated parts, written here without nested repetition).
LANGUAGE_FILE = re.compile(r"\A-?[a-z]+(?:-[a-z]+){0,6}\.json\Z", re.IGNORECASE | re.ASCII)
DEPENDENCY_KINDS = ("preloadedDependencies", "dynamicDependencies", "editorDependencies")
DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
S_IFLNK = 0o120000
ALLOWED_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
CHUNK = 64 * 1024
MIB = 1024 * 1024
# What zipfile raises on damaged or unusual archives (e.g. multi-disk: NotImplementedError).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    struct.error,
    KeyError,
)


@dataclass(frozen=True)
class Limits:
    """Caps on what a package may contain. The defaults suit real H5P exports
    (an Interactive Video with its libraries is typically 2 to 20 MB)."""

    max_upload_bytes: int = 100 * MIB
    max_entries: int = 5000
    max_total_bytes: int = 300 * MIB
    max_file_bytes: int = 100 * MIB
    max_json_bytes: int = 10 * MIB
    # Compression ratio (uncompressed / compressed) allowed for entries large enough
    # to matter: text compresses well, but nothing real compresses 200 to 1.
    max_ratio: int = 200
    ratio_floor_bytes: int = 1 * MIB
    max_path_length: int = 512


DEFAULT_LIMITS = Limits()


class PackageRefused(Exception):
    """The package cannot be accepted. `reason` is written for the person who uploaded it."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


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
class Entry:
    """One file to extract: its path inside the package, and what its header declares."""

    path: str
    declared_size: int
    compressed_size: int


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


def _refuse(code: str, reason: str) -> PackageRefused:
    return PackageRefused(code, reason)


def _segments(name: str) -> list[str]:
    return [segment for segment in name.split("/") if segment]


def _is_ignored(name: str) -> bool:
    """H5P skips any file or folder whose name starts with `.` or `_` (e.g. `__MACOSX`)."""
    return any(segment[0] in "._" for segment in _segments(name))


def _extension(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    return suffix[1:].lower() if suffix else ""


def _check_name(info: zipfile.ZipInfo, limits: Limits) -> None:
    # zipfile turns a NUL byte into the end of the name; the raw header keeps it.
    raw = info.orig_filename
    name = info.filename
    if "\x00" in raw or "\x00" in name:
        raise _refuse("nul-byte", f"The file name {name!r} contains a NUL byte, which is not allowed.")
    if "\\" in raw:
        raise _refuse(
            "backslash",
            f"The path {raw!r} uses a backslash. H5P packages must use forward slashes only.",
        )
    if raw.startswith("/") or DRIVE_LETTER.match(raw):
        raise _refuse("absolute-path", f"The path {raw!r} is absolute. Paths must be relative.")
    if ".." in raw.split("/"):
        raise _refuse("path-traversal", f"The path {raw!r} tries to leave the package folder with '..'.")
    if len(raw) > limits.max_path_length:
        raise _refuse("path-too-long", f"A path is longer than {limits.max_path_length} characters.")
    mode = info.external_attr >> 16
    if stat.S_IFMT(mode) == S_IFLNK:
        raise _refuse("symlink", f"{raw!r} is a symbolic link. Links are not allowed in a package.")


def _check_sizes(info: zipfile.ZipInfo, limits: Limits) -> None:
    if info.flag_bits & 0x1:
        raise _refuse("encrypted", f"{info.filename!r} is encrypted. Export the package without a password.")
    if info.compress_type not in ALLOWED_COMPRESSION:
        raise _refuse(
            "compression-method",
            f"{info.filename!r} uses a compression method H5P does not use (only stored or deflated).",
        )
    if info.file_size > limits.max_file_bytes:
        raise _refuse(
            "file-too-large",
            f"{info.filename!r} is {info.file_size // MIB} MB uncompressed; "
            f"the limit per file is {limits.max_file_bytes // MIB} MB.",
        )
    if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        raise _refuse(
            "compression-ratio",
            f"{info.filename!r} expands more than {limits.max_ratio} times when unpacked. "
            "This looks like a zip bomb.",
        )


class _EntryReader(io.RawIOBase):
    """Decompresses one entry ourselves, counting the bytes that really come out of it.

    zipfile would stop at the size the header declares; reading the compressed bytes
    and inflating them here lets us see a header that lies in either direction. Refuses
    as soon as the count passes the declared size, the per-file cap, the running total
    cap or the allowed compression ratio; `finish()` checks the end of the stream,
    the byte count and the checksum.
    """

    def __init__(self, source: IO[bytes], info: zipfile.ZipInfo, limits: Limits, budget: list[int]):
        self._source = source
        self._info = info
        self._entry = Entry(info.filename, info.file_size, info.compress_size)
        self._limits = limits
        self._budget = budget  # [bytes still allowed for the whole package]
        self._compressed_left = info.compress_size
        self._inflater = (
            zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None
        )
        self._pending = b""
        self._crc = 0
        self.count = 0
        self._seek_to_data()

    def _damaged(self, error: Exception | None = None) -> PackageRefused:
        refused = _refuse(
            "corrupt-entry",
            f"{self._entry.path!r} is damaged or its size or checksum does not match its header.",
        )
        if error is not None:
            refused.__cause__ = error
        return refused

    def _seek_to_data(self) -> None:
        if self._info.header_offset < 0:
            raise self._damaged()
        self._source.seek(self._info.header_offset)
        header = self._source.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise self._damaged()
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        self._source.seek(self._info.header_offset + 30 + name_length + extra_length)

    def readable(self) -> bool:
        return True

    def _next_output(self, size: int) -> bytes:
        while True:
            if self._inflater is None:
                if not self._compressed_left:
                    return b""
                data = self._source.read(min(size, self._compressed_left))
                if not data:
                    raise self._damaged()
                self._compressed_left -= len(data)
                return data
            if self._pending or self._inflater.unconsumed_tail:
                feed = self._inflater.unconsumed_tail or self._pending
                self._pending = b""
            elif self._compressed_left:
                feed = self._source.read(min(CHUNK, self._compressed_left))
                if not feed:
                    raise self._damaged()
                self._compressed_left -= len(feed)
            else:
                return b""
            try:
                data = self._inflater.decompress(feed, size)
            except zlib.error as error:
                raise self._damaged(error) from error
            if data:
                return data
            if self._inflater.eof:
                return b""

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._next_output(len(buffer))
        n = len(data)
        if not n:
            return 0
        self.count += n
        self._budget[0] -= n
        self._crc = zlib.crc32(data, self._crc)
        entry, limits = self._entry, self._limits
        if self.count > entry.declared_size:
            raise _refuse(
                "size-mismatch",
                f"{entry.path!r} holds more data than its header declares. This looks like a zip bomb.",
            )
        if self.count > limits.max_file_bytes:
            raise _refuse("file-too-large", f"{entry.path!r} is larger than the limit per file.")
        if self._budget[0] < 0:
            raise _refuse(
                "total-too-large",
                f"The package unpacks to more than {limits.max_total_bytes // MIB} MB.",
            )
        if self.count > limits.ratio_floor_bytes and self.count > limits.max_ratio * max(
            entry.compressed_size, 1
        ):
            raise _refuse(
                "compression-ratio",
                f"{entry.path!r} expands more than {limits.max_ratio} times when unpacked. "
                "This looks like a zip bomb.",
            )
        buffer[:n] = data
        return n

    def finish(self) -> None:
        """Read to the end of the entry and check that it is exactly what the header says."""
        while self.read(CHUNK):
            pass
        if self._inflater is not None and not self._inflater.eof:
            raise self._damaged()
        if self.count != self._entry.declared_size:
            raise _refuse(
                "size-mismatch",
                f"{self._entry.path!r} does not hold the amount of data its header declares.",
            )
        if self._crc != self._info.CRC:
            raise self._damaged()


def _read_json(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, label: str) -> Any:
    if info.file_size > limits.max_json_bytes:
        raise _refuse("json-too-large", f"{label} is larger than {limits.max_json_bytes // MIB} MB.")
    reader = _EntryReader(archive.fp, info, limits, [limits.max_json_bytes])  # type: ignore[arg-type]
    data = io.BufferedReader(reader).read()
    reader.finish()
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _refuse("invalid-json", f"{label} is not valid JSON ({error}).") from error


def _metadata(data: Any, where: str, required: dict, optional: dict) -> dict[str, Any]:
    try:
        return metadata_check(data, where=where, required=required, optional=optional)
    except MetadataInvalid as error:
        raise _refuse(error.code, error.reason) from error


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
        raise _refuse("h5p-json-title", "h5p.json: title must not be blank.")
    if not data["embedTypes"]:
        raise _refuse("h5p-json-embed-types", "h5p.json: embedTypes must list 'div' or 'iframe'.")
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
        raise _refuse("invalid-library-json", f"{where}: title must not be blank.")
    machine_name = str(data["machineName"])
    major, minor, patch = (int(data[key]) for key in ("majorVersion", "minorVersion", "patchVersion"))
    if f"{machine_name}-{major}.{minor}" != folder:
        raise _refuse(
            "library-folder-mismatch",
            f"The folder {folder!r} holds {machine_name} {major}.{minor}; "
            f"it should be named {machine_name}-{major}.{minor}.",
        )
    js = _paths(data, "preloadedJs")
    css = _paths(data, "preloadedCss")
    for path in (*js, *css):
        if f"{folder}/{path}" not in files:
            raise _refuse(
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
        _read_json(archive, semantics, limits, f"{folder}/semantics.json")
    prefix = f"{folder}/language/"
    for name, info in kept.items():
        if not name.startswith(prefix):
            continue
        file_name = name[len(prefix) :]
        if "/" in file_name or not LANGUAGE_FILE.match(file_name):
            raise _refuse(
                "invalid-language-file",
                f"{name!r} is not a language file: {folder}/language/ may hold only files "
                "named for a language code, such as fr.json or nb-no.json.",
            )
        _read_json(archive, info, limits, name)


def _open_zip(source: IO[bytes], limits: Limits) -> zipfile.ZipFile:
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(0)
    if size > limits.max_upload_bytes:
        raise _refuse(
            "upload-too-large",
            f"The file is {size // MIB} MB; packages may be at most {limits.max_upload_bytes // MIB} MB.",
        )
    try:
        return zipfile.ZipFile(source)
    except ZIP_ERRORS as error:
        raise _refuse(
            "not-a-zip", "The file is not a valid .h5p package (an .h5p file is a zip archive)."
        ) from error


def package_validate(source: IO[bytes], *, limits: Limits = DEFAULT_LIMITS) -> Manifest:
    """Check a package without extracting it; return its manifest or raise PackageRefused.

    Reads the zip's central directory and the small JSON files it needs
    (h5p.json, content/content.json and each library.json), with caps.
    """
    archive = _open_zip(source, limits)
    with archive:
        try:
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError) as error:
            raise _refuse("not-a-zip", "The zip archive's directory is damaged.") from error
        if len(infos) > limits.max_entries:
            raise _refuse(
                "too-many-entries",
                f"The package has {len(infos)} entries; the limit is {limits.max_entries}.",
            )
        seen: set[str] = set()
        kept: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            _check_name(info, limits)
            folded = info.orig_filename.rstrip("/").casefold()
            if folded in seen:
                raise _refuse(
                    "duplicate-entry", f"{info.orig_filename!r} appears more than once in the package."
                )
            seen.add(folded)
            if info.is_dir() or _is_ignored(info.filename):
                continue
            _check_sizes(info, limits)
            total += info.file_size
            if total > limits.max_total_bytes:
                raise _refuse(
                    "total-too-large",
                    f"The package unpacks to more than {limits.max_total_bytes // MIB} MB.",
                )
            kept[info.filename] = info

        h5p_info = next((info for name, info in kept.items() if name.lower() == "h5p.json"), None)
        if h5p_info is None:
            raise _refuse("missing-h5p-json", "The package has no h5p.json at its top level.")
        h5p_data = _read_json(archive, h5p_info, limits, "h5p.json")
        title, language, main, embed_types, dependencies = _parse_h5p_json(h5p_data)
        content_info = kept.get("content/content.json")
        if content_info is None:
            raise _refuse("missing-content-json", "The package has no content/content.json.")
        content = _read_json(archive, content_info, limits, "content/content.json")
        if not isinstance(content, dict):
            raise _refuse("invalid-content-json", "content/content.json must be a JSON object.")

        entries: list[Entry] = []
        library_files: dict[str, set[str]] = {}
        for name, info in kept.items():
            segments = _segments(name)
            if len(segments) == 1:
                # H5P ignores loose files at the top level other than h5p.json.
                if name.lower() == "h5p.json":
                    entries.append(Entry(name, info.file_size, info.compress_size))
                continue
            top = segments[0]
            if top == "content":
                if _extension(name) not in CONTENT_EXTENSIONS:
                    raise _refuse(
                        "content-extension",
                        f"{name!r} has a file type that is not allowed in content "
                        f"(.{_extension(name) or 'none'}).",
                    )
            else:
                if not LIBRARY_FOLDER.match(top):
                    raise _refuse(
                        "invalid-library-folder",
                        f"The folder {top!r} is not a library folder (expected Name-major.minor).",
                    )
                if _extension(name) not in LIBRARY_EXTENSIONS:
                    raise _refuse(
                        "library-extension",
                        f"{name!r} has a file type that is not allowed in a library "
                        f"(.{_extension(name) or 'none'}).",
                    )
                library_files.setdefault(top, set()).add(name)
            entries.append(Entry(name, info.file_size, info.compress_size))

        libraries: dict[str, Library] = {}
        for folder, files in sorted(library_files.items()):
            library_json = kept.get(f"{folder}/library.json")
            if library_json is None:
                raise _refuse("missing-library-json", f"The library folder {folder!r} has no library.json.")
            libraries[folder] = _parse_library(
                folder, _read_json(archive, library_json, limits, f"{folder}/library.json"), files
            )
            _check_library_extras(archive, folder, kept, limits)

        main_dependency = next((dep for dep in dependencies if dep.machine_name == main), None)
        if main_dependency is None:
            raise _refuse(
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
            raise _refuse(
                "missing-library",
                f"The package needs the library {dependency} but does not include it. "
                "Export the package again with its libraries included.",
            )
        pending.extend(library.dependencies)
        pending.extend(library.other_dependencies)


Sink = Callable[[str, IO[bytes]], None]


def package_extract(
    source: IO[bytes],
    manifest: Manifest,
    *,
    sink: Sink,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Stream each accepted entry of a validated package to `sink(path, file)`.

    Byte counts are enforced as the data comes out, so a header that understates a
    file's size is caught here. Raises PackageRefused part-way if so; the caller must
    then discard what the sink has written. Returns the number of bytes extracted.
    """
    archive = _open_zip(source, limits)
    budget = [limits.max_total_bytes]
    done = 0
    with archive:
        for index, entry in enumerate(manifest.entries, start=1):
            try:
                info = archive.getinfo(entry.path)
            except KeyError as error:
                raise _refuse("changed", "The package changed while it was being unpacked.") from error
            reader = _EntryReader(source, info, limits, budget)
            sink(entry.path, _Stream(reader))
            # Drain anything the sink did not read, so the counts and checksum are checked.
            reader.finish()
            done += reader.count
            if progress:
                progress(index, len(manifest.entries))
    return done


class _Stream(io.BufferedReader):
    """A read-only file object over a counting reader (what storage backends expect)."""

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(CHUNK):
            yield chunk
