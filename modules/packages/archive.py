"""Reading an uploaded content package's zip archive without trusting it.

Pure Python (no Django), shared by every kind of package (H5P, SCORM). Names, sizes,
compression and checksums are checked entry by entry (`directory_scan`); `EntryReader`
inflates each entry itself and counts the bytes that really come out, because headers
can lie (`entries_extract`). Every refusal is a `PackageRefused` with a stable `code`
and a plain-English `reason`. `modules.h5p.validation` and `modules.scorm.validation`
apply their own package rules on top.
"""

from __future__ import annotations

import io
import json
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from cms.core.errors import Refusal

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
    (an Interactive Video with its libraries is typically 2 to 20 MB) and most SCORM
    courses; each kind of package can be given its own (H5P_LIMITS, SCORM_LIMITS)."""

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


class PackageRefused(Refusal):
    """The package cannot be accepted. `reason` is written for the person who uploaded it."""


@dataclass(frozen=True)
class Entry:
    """One file to extract: its path inside the package, and what its header declares."""

    path: str
    declared_size: int
    compressed_size: int


def refuse(code: str, reason: str) -> PackageRefused:
    return PackageRefused(code, reason)


def path_segments(name: str) -> list[str]:
    return [segment for segment in name.split("/") if segment]


def served_path_segments(path: str) -> list[str] | None:
    """A requested file's path as segments, or None when it could not be a file we extracted
    (too long, absolute, backslashes, NUL, empty, dot or hidden segments). Checked before storage
    is touched; each kind then checks what its packages may hold."""
    if not path or len(path) > 512 or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    segments = path.split("/")
    if any(not segment or segment in {".", ".."} or segment.startswith(".") for segment in segments):
        return None
    return segments


def extension_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    return suffix[1:].lower() if suffix else ""


def entry_name_check(info: zipfile.ZipInfo, limits: Limits) -> None:
    # zipfile turns a NUL byte into the end of the name; the raw header keeps it.
    raw = info.orig_filename
    name = info.filename
    if "\x00" in raw or "\x00" in name:
        raise refuse("nul-byte", f"The file name {name!r} contains a NUL byte, which is not allowed.")
    if "\\" in raw:
        raise refuse(
            "backslash",
            f"The path {raw!r} uses a backslash. Packages must use forward slashes only.",
        )
    if raw.startswith("/") or DRIVE_LETTER.match(raw):
        raise refuse("absolute-path", f"The path {raw!r} is absolute. Paths must be relative.")
    if ".." in raw.split("/"):
        raise refuse("path-traversal", f"The path {raw!r} tries to leave the package folder with '..'.")
    if len(raw) > limits.max_path_length:
        raise refuse("path-too-long", f"A path is longer than {limits.max_path_length} characters.")
    mode = info.external_attr >> 16
    if stat.S_IFMT(mode) == S_IFLNK:
        raise refuse("symlink", f"{raw!r} is a symbolic link. Links are not allowed in a package.")


def ratio_check(name: str, *, unpacked: int, compressed: int, limits: Limits) -> None:
    """Refuse an entry that expands too far: checked on what the header declares and again
    on the bytes that really come out, because headers can lie."""
    if unpacked > limits.ratio_floor_bytes and unpacked > limits.max_ratio * max(compressed, 1):
        raise refuse(
            "compression-ratio",
            f"{name!r} expands more than {limits.max_ratio} times when unpacked. This looks like a zip bomb.",
        )


def entry_sizes_check(info: zipfile.ZipInfo, limits: Limits) -> None:
    if info.flag_bits & 0x1:
        raise refuse("encrypted", f"{info.filename!r} is encrypted. Export the package without a password.")
    if info.compress_type not in ALLOWED_COMPRESSION:
        raise refuse(
            "compression-method",
            f"{info.filename!r} uses an unusual compression method (only stored or deflated are accepted).",
        )
    if info.file_size > limits.max_file_bytes:
        raise refuse(
            "file-too-large",
            f"{info.filename!r} is {info.file_size // MIB} MB uncompressed; "
            f"the limit per file is {limits.max_file_bytes // MIB} MB.",
        )
    ratio_check(info.filename, unpacked=info.file_size, compressed=info.compress_size, limits=limits)


class EntryReader(io.RawIOBase):
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
        refused = refuse(
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
            raise refuse(
                "size-mismatch",
                f"{entry.path!r} holds more data than its header declares. This looks like a zip bomb.",
            )
        if self.count > limits.max_file_bytes:
            raise refuse("file-too-large", f"{entry.path!r} is larger than the limit per file.")
        if self._budget[0] < 0:
            raise refuse(
                "total-too-large",
                f"The package unpacks to more than {limits.max_total_bytes // MIB} MB.",
            )
        ratio_check(entry.path, unpacked=self.count, compressed=entry.compressed_size, limits=limits)
        buffer[:n] = data
        return n

    def finish(self) -> None:
        """Read to the end of the entry and check that it is exactly what the header says."""
        while self.read(CHUNK):
            pass
        if self._inflater is not None and not self._inflater.eof:
            raise self._damaged()
        if self.count != self._entry.declared_size:
            raise refuse(
                "size-mismatch",
                f"{self._entry.path!r} does not hold the amount of data its header declares.",
            )
        if self._crc != self._info.CRC:
            raise self._damaged()


def json_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, label: str) -> Any:
    data = bytes_read(archive, info, limits, label, too_large_code="json-too-large")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise refuse("invalid-json", f"{label} is not valid JSON ({error}).") from error


NOT_A_ZIP = "The file is not a valid package (a package is a zip archive)."


def zip_open(source: IO[bytes], limits: Limits, *, not_a_zip: str = NOT_A_ZIP) -> zipfile.ZipFile:
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(0)
    if size > limits.max_upload_bytes:
        raise refuse(
            "upload-too-large",
            f"The file is {size // MIB} MB; packages may be at most {limits.max_upload_bytes // MIB} MB.",
        )
    try:
        return zipfile.ZipFile(source)
    except ZIP_ERRORS as error:
        raise refuse("not-a-zip", not_a_zip) from error


class EntryStream(io.BufferedReader):
    """A read-only file object over a counting reader (what storage backends expect)."""

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(CHUNK):
            yield chunk


def directory_scan(
    archive: zipfile.ZipFile, limits: Limits, *, ignored: Callable[[str], bool]
) -> dict[str, zipfile.ZipInfo]:
    """Check every entry of the central directory; return the files to keep, by name.

    Refuses too many entries, unsafe names (absolute, traversal, backslash, NUL, too
    long), symbolic links, duplicates (also differing only in case, which collide on
    case-insensitive storage), encryption, unusual compression, files or a total over
    the caps, and ratios that look like a zip bomb. Folders and `ignored` names are
    checked for safety but not kept.
    """
    try:
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise refuse("not-a-zip", "The zip archive's directory is damaged.") from error
    if len(infos) > limits.max_entries:
        raise refuse(
            "too-many-entries",
            f"The package has {len(infos)} entries; the limit is {limits.max_entries}.",
        )
    seen: set[str] = set()
    kept: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        entry_name_check(info, limits)
        folded = info.orig_filename.rstrip("/").casefold()
        if folded in seen:
            raise refuse("duplicate-entry", f"{info.orig_filename!r} appears more than once in the package.")
        seen.add(folded)
        if info.is_dir() or ignored(info.filename):
            continue
        entry_sizes_check(info, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise refuse(
                "total-too-large",
                f"The package unpacks to more than {limits.max_total_bytes // MIB} MB.",
            )
        kept[info.filename] = info
    return kept


def bytes_read(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: Limits,
    label: str,
    *,
    too_large_code: str = "manifest-too-large",
) -> bytes:
    """One small entry's bytes (a manifest, a JSON file), capped at max_json_bytes and counted as it
    inflates; refused with `too_large_code` when its header says it is larger."""
    if info.file_size > limits.max_json_bytes:
        raise refuse(too_large_code, f"{label} is larger than {limits.max_json_bytes // MIB} MB.")
    reader = EntryReader(archive.fp, info, limits, [limits.max_json_bytes])  # type: ignore[arg-type]
    data = io.BufferedReader(reader).read()
    reader.finish()
    return data


Sink = Callable[[str, IO[bytes]], None]


def entries_extract(
    source: IO[bytes],
    entries: Iterable[Entry],
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
    wanted = list(entries)
    archive = zip_open(source, limits)
    budget = [limits.max_total_bytes]
    done = 0
    with archive:
        for index, entry in enumerate(wanted, start=1):
            try:
                info = archive.getinfo(entry.path)
            except KeyError as error:
                raise refuse("changed", "The package changed while it was being unpacked.") from error
            reader = EntryReader(source, info, limits, budget)
            sink(entry.path, EntryStream(reader))
            # Drain anything the sink did not read, so the counts and checksum are checked.
            reader.finish()
            done += reader.count
            if progress:
                progress(index, len(wanted))
    return done
