"""Builds the demo cmi5 package from the source files kept in the repository.

`modules/xapi_packages/demo_content/fsm-quiz-cmi5/` is a small cmi5 course written for
this platform (two AUs: a summary of the Family Safeguarding Model, moveOn Completed, and
a five-question quiz in a block, moveOn Passed with masteryScore 0.8), plain HTML and
JavaScript posting statements with fetch(). The zip is never committed: it is built from
these sources (deterministically) by the seed step and by the tests.
"""

from pathlib import Path

from modules.packages.demo import package_zip_bytes

DEMO_CMI5 = Path(__file__).resolve().parent / "demo_content" / "fsm-quiz-cmi5"


def cmi5_demo_package_bytes(source: Path = DEMO_CMI5) -> bytes:
    """The demo cmi5 package as zip bytes."""
    return package_zip_bytes(source)
