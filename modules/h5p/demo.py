"""Builds the demo H5P package from the source files kept in the repository.

`modules/h5p/demo_content/statement-check/` holds a tiny content type written for
this platform in H5P's library format (H5P.FSMStatementCheck 1.0) and a piece of
content using it. The .h5p is never committed: it is zipped from these sources
(deterministically) by the seed step and by the tests.
"""

import io
import zipfile
from pathlib import Path

DEMO_SOURCE = Path(__file__).resolve().parent / "demo_content" / "statement-check"
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def demo_package_bytes(source: Path = DEMO_SOURCE) -> bytes:
    """The demo package as .h5p (zip) bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
