"""Zips demo package sources kept in the repository into package bytes, deterministically.

Packages are never committed as zips: the seeders and the tests build them from their source
folders. `files` adds or replaces files (name in the zip: bytes), such as pages built from a
template or a script kept once for several packages.
"""

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def package_zip_bytes(source: Path, *, files: Mapping[str, bytes] | None = None) -> bytes:
    """The files under `source`, with `files` added or replacing them, as zip bytes."""
    contents = {
        path.relative_to(source).as_posix(): path.read_bytes() for path in source.rglob("*") if path.is_file()
    }
    contents |= dict(files or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(contents):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, contents[name])
    return buffer.getvalue()
