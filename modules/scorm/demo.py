"""Builds the demo SCORM packages from the source files kept in the repository.

`modules/scorm/demo_content/` holds two small courses written for this platform: a
SCORM 1.2 one (one SCO) and a SCORM 2004 4th edition one (two SCOs sharing an asset).
The zips are never committed: they are built from these sources (deterministically)
by the seed step and by the tests.
"""

import io
import zipfile
from pathlib import Path

DEMO_ROOT = Path(__file__).resolve().parent / "demo_content"
DEMO_12 = DEMO_ROOT / "recording-12"
DEMO_2004 = DEMO_ROOT / "working-with-families-2004"
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def demo_package_bytes(source: Path = DEMO_12) -> bytes:
    """A demo package as zip bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
