"""Builds the demo SCORM packages from the source files kept in the repository.

`modules/scorm/demo_content/` holds two small courses written for this platform: a SCORM 1.2
one (one SCO) and a SCORM 2004 4th edition one (two SCOs sharing an asset). Their SCOs share
one runtime, kept once in `runtime/`: the script and style (`sco.js`, `sco.css`) are put
where each course's manifest lists them, and each SCO's page (`index.html`) fills the blocks
of `runtime/page.html`, linking the runtime from where it stands. The zips are never
committed: they are built from these sources (deterministically) by the seed step and by the
tests.
"""

import posixpath
import re
from pathlib import Path

from django.template import Context, Engine

from modules.packages.demo import package_zip_bytes

DEMO_ROOT = Path(__file__).resolve().parent / "demo_content"
DEMO_12 = DEMO_ROOT / "recording-12"
DEMO_2004 = DEMO_ROOT / "working-with-families-2004"
RUNTIME = DEMO_ROOT / "runtime"
RUNTIME_FILES = ("sco.js", "sco.css")
FILE_HREF = re.compile(r'<file href="([^"]+)"')


def _runtime_folder(source: Path) -> str:
    """Where the course's manifest lists the runtime ("" or "shared/")."""
    for href in FILE_HREF.findall((source / "imsmanifest.xml").read_text(encoding="utf-8")):
        if posixpath.basename(href) == RUNTIME_FILES[0]:
            return posixpath.dirname(href) + "/" if "/" in href else ""
    raise ValueError(f"{source.name}/imsmanifest.xml does not list {RUNTIME_FILES[0]}.")


def demo_package_bytes(source: Path = DEMO_12) -> bytes:
    """A demo package as zip bytes: its sources, its pages built, the runtime where it is listed."""
    folder = _runtime_folder(source)
    engine = Engine(dirs=[str(RUNTIME), str(source)], autoescape=False)
    files = {folder + name: (RUNTIME / name).read_bytes() for name in RUNTIME_FILES}
    for page in source.rglob("*.html"):
        name = page.relative_to(source).as_posix()
        runtime = posixpath.relpath(folder or ".", posixpath.dirname(name) or ".")
        context = Context({"runtime": "" if runtime == "." else runtime + "/"})
        files[name] = engine.get_template(name).render(context).encode()
    return package_zip_bytes(source, files=files)
