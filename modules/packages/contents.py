"""What the zip-based kinds' validation shares once a package is read: extracting what was
validated, and which names are skipped (`modules.packages.archive` holds the zip rules)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from typing import IO, Protocol

from modules.packages.archive import DEFAULT_LIMITS, Entry, Limits, Sink, entries_extract, path_segments


class HasEntries(Protocol):
    """What a kind's `package_validate` returns: at least the entries to extract."""

    @property
    def entries(self) -> tuple[Entry, ...]: ...


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
