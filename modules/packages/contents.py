"""What the zip-based kinds' validation shares once a package is read: extracting what was
validated, and which names are skipped (`modules.packages.archive` holds the zip rules)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import IO, Protocol

from modules.packages.archive import (
    DEFAULT_LIMITS,
    Entry,
    Limits,
    Sink,
    directory_scan,
    entries_extract,
    path_segments,
    refuse,
    zip_open,
)

# The refusal every kind but H5P gives a package that has h5p.json: (marker, code, reason).
H5P_ELSEWHERE = (
    "h5p.json",
    "h5p-package",
    "This is an H5P package (it has h5p.json). Upload it as an H5P package.",
)


class HasEntries(Protocol):
    """What a kind's `package_validate` returns: at least the entries to extract."""

    @property
    def entries(self) -> tuple[Entry, ...]: ...


@contextmanager
def zip_scanned(
    source: IO[bytes], limits: Limits, *, not_a_zip: str, ignored: Callable[[str], bool]
) -> Iterator[tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]]:
    """The open zip and the files its central directory lets us keep (`directory_scan`), closed on
    leaving; refuses what is not a zip with `not_a_zip`."""
    archive = zip_open(source, limits, not_a_zip=not_a_zip)
    with archive:
        yield archive, directory_scan(archive, limits, ignored=ignored)


def other_kind_refuse(lowered_names: Iterable[str], markers: Iterable[tuple[str, str, str]]) -> None:
    """Refuse a package that holds another kind's marker file: the first of `markers`
    ((marker file, refusal code, reason), in order) among the package's lower-cased names."""
    present = set(lowered_names)
    for marker, code, reason in markers:
        if marker in present:
            raise refuse(code, reason)


def entries_of(kept: Mapping[str, zipfile.ZipInfo]) -> tuple[Entry, ...]:
    """The entries to extract, from what `directory_scan` kept."""
    return tuple(Entry(name, found.file_size, found.compress_size) for name, found in kept.items())


def contents_extract(
    source: IO[bytes],
    contents: HasEntries,
    *,
    sink: Sink,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Stream every accepted file of a validated package to `sink(path, file)` (see
    `entries_extract`, which checks the byte counts as they come out); the bytes extracted."""
    return entries_extract(source, contents.entries, sink=sink, limits=limits, progress=progress)


def path_hidden_or_resource_fork(name: str) -> bool:
    """Skipped and never served by the SCORM and xAPI kinds: macOS resource forks (`__MACOSX/`)
    and hidden files (`.DS_Store`)."""
    segments = path_segments(name)
    return bool(segments) and (
        segments[0] == "__MACOSX" or any(segment.startswith(".") for segment in segments)
    )
