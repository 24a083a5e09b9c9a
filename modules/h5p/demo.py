"""Builds the demo H5P package from the source files kept in the repository.

`modules/h5p/demo_content/statement-check/` holds a tiny content type written for
this platform in H5P's library format (H5P.FSMStatementCheck 1.0) and a piece of
content using it. The .h5p is never committed: it is zipped from these sources
(deterministically, modules.packages.demo) by the seed step and by the tests.
"""

from pathlib import Path

from modules.packages.demo import package_zip_bytes

DEMO_SOURCE = Path(__file__).resolve().parent / "demo_content" / "statement-check"


def demo_package_bytes(source: Path = DEMO_SOURCE) -> bytes:
    """The demo package as .h5p (zip) bytes."""
    return package_zip_bytes(source)
