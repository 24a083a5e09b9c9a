"""Zips demo package sources kept in the repository into package bytes, deterministically.

Packages are never committed as zips: the seeders and the tests build them from their source
folders. `shared` adds files kept once for several packages (the SCORM demo courses' runtime
script, for instance) at the paths each package wants them.
"""

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def package_zip_bytes(source: Path, *, shared: Mapping[str, Path] | None = None) -> bytes:
    """The files under `source` (and each `shared` file at its path in the zip), as zip bytes."""
    files = {path.relative_to(source).as_posix(): path for path in source.rglob("*") if path.is_file()}
    files |= dict(shared or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[name].read_bytes())
    return buffer.getvalue()
