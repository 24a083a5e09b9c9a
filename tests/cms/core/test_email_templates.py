"""Every message's text and HTML parts extend the one base, which holds the greeting and sign-off."""

from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BODIES = sorted(
    path
    for app in ("cms", "learning", "practiceweek", "modules")
    for path in (ROOT / app).rglob("templates/**/*email*/*")
    if path.suffix in {".txt", ".html"} and not path.stem.endswith("_subject") and path.stem != "base"
) + sorted((ROOT / "cms").rglob("templates/people/invitation_email.*"))


def test_the_walk_finds_the_messages():
    assert len(BODIES) >= 20


@pytest.mark.parametrize("path", BODIES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_message_body_extends_the_base(path):
    first = path.read_text().splitlines()[0]
    assert first.startswith(f'{{% extends "email/base{path.suffix}" %}}')
