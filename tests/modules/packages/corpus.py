"""What the hostile-package corpora of every kind share (tests/modules/h5p/corpus.py,
tests/modules/scorm/corpus.py): zipping files, changing a good package's files, patching zip
headers into lies no honest writer tells, and the hostile case each corpus lists.

The archive rules are one copy (modules.packages.archive), so each kind's corpus builds the
same zip-level attacks on its own good package with these helpers.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from modules.packages.archive import Limits

MIB = 1024 * 1024
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Case:
    """A package the validator must refuse with `code`."""

    name: str
    data: bytes
    code: str
    limits: Limits = field(default_factory=Limits)
    # Some lies can only be seen while extracting (the header is consistent otherwise).
    at_extraction: bool = False


def zip_bytes(files: dict[str, bytes] | list, *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Zip the given files; items may also be (ZipInfo, bytes) pairs for special headers."""
    buffer = io.BytesIO()
    items = files.items() if isinstance(files, dict) else files
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in items:
            if isinstance(name, zipfile.ZipInfo):
                archive.writestr(name, data)
            else:
                info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
                info.compress_type = compression
                info.external_attr = 0o100644 << 16
                archive.writestr(info, data)
    return buffer.getvalue()


def files_changed(files: dict[str, bytes], changes: dict[str, bytes | None] | None) -> dict[str, bytes]:
    """The files with some replaced (bytes), added, or removed (None)."""
    files = dict(files)
    for name, data in (changes or {}).items():
        if data is None:
            files.pop(name, None)
        else:
            files[name] = data
    return files


def with_symlink(files: dict[str, bytes], name: str) -> bytes:
    """The package with one more entry marked as a symbolic link pointing out of it."""
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.external_attr = (0o120777) << 16
    return zip_bytes([*files.items(), (info, b"../../../../etc/passwd")])


def with_many_entries(files: dict[str, bytes], folder: str, count: int = 5001) -> bytes:
    """The package with `count` tiny files added in `folder` (more than the entry cap)."""
    files = dict(files)
    for index in range(count):
        files[f"{folder}{index}.txt"] = b"x"
    return zip_bytes(files, compression=zipfile.ZIP_STORED)


def patch_sizes(data: bytes, name: str, *, file_size: int | None = None, crc: int | None = None) -> bytes:
    """Rewrite the declared uncompressed size (and optionally CRC) of one entry, in both headers."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, name_offset, size_offset, crc_offset, length_offset in (
        (b"PK\x03\x04", 30, 22, 14, 26),
        (b"PK\x01\x02", 46, 24, 16, 28),
    ):
        start = 0
        while (position := raw.find(signature, start)) != -1:
            start = position + 4
            (length,) = struct.unpack_from("<H", raw, position + length_offset)
            if bytes(raw[position + name_offset : position + name_offset + length]) != encoded:
                continue
            if file_size is not None:
                struct.pack_into("<I", raw, position + size_offset, file_size)
            if crc is not None:
                struct.pack_into("<I", raw, position + crc_offset, crc)
    return bytes(raw)


def replace_in_names(data: bytes, old: bytes, new: bytes) -> bytes:
    """Replace bytes inside file names (same length), e.g. to plant a NUL byte."""
    assert len(old) == len(new)
    return data.replace(old, new)


def billion_laughs(root: str) -> bytes:
    """An XML document whose nested entities expand a thousandfold (the entity-expansion attack)."""
    return f"""<?xml version="1.0"?>
<!DOCTYPE {root} [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<{root}>&c;</{root}>""".encode()


def external_entity(root: str, body: str = "&secret;") -> bytes:
    """An XML document reading a local file through an external entity (XXE); `body` uses it."""
    return f"""<?xml version="1.0"?>
<!DOCTYPE {root} [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<{root}>{body}</{root}>""".encode()


def archive_cases(package: Callable[..., bytes], files: dict[str, bytes], *, page: bytes) -> list[Case]:
    """The zip-level attacks every kind meets through the shared archive rules, made on one kind's
    good package: `package(changes)` rebuilds it with files changed, `files` are its good files and
    `page` an HTML page. Its launch page must be `index.html` at the top (SCORM, xAPI)."""
    good = package()
    return [
        Case("plain text, not a zip", b"this is not a zip file", "not-a-zip"),
        Case("truncated zip", good[: len(good) // 2], "not-a-zip"),
        Case(
            "upload larger than the limit", good, "upload-too-large", Limits(max_upload_bytes=len(good) - 1)
        ),
        Case("more entries than allowed", with_many_entries(files, "assets/"), "too-many-entries"),
        Case("zip bomb by ratio", package({"media/bomb.mp4": bytes(20 * MIB)}), "compression-ratio"),
        Case(
            "total size over the cap",
            package({f"media/{n}.bin": os.urandom(1500) for n in range(3)}),
            "total-too-large",
            Limits(max_total_bytes=4096),
        ),
        Case(
            "declared-size lie: understated",
            patch_sizes(package({"media/bomb.bin": bytes(2 * MIB)}), "media/bomb.bin", file_size=1024),
            "size-mismatch",
            at_extraction=True,
        ),
        Case("zip slip (path traversal)", package({"../../evil.html": page}), "path-traversal"),
        Case("absolute path", package({"/var/www/evil.html": page}), "absolute-path"),
        Case("Windows drive path", package({"C:/evil.html": page}), "absolute-path"),
        Case("backslash path", package({"images\\evil.png": b"x"}), "backslash"),
        Case(
            "NUL byte in a name",
            replace_in_names(package({"imagesXevil.png": b"x"}), b"imagesXevil.png", b"images\x00evil.png"),
            "nul-byte",
        ),
        Case("symbolic link", with_symlink(files, "images/link.png"), "symlink"),
        Case("duplicate entry differing only in case", package({"INDEX.html": page}), "duplicate-entry"),
    ]
