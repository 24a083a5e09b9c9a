"""L&D check forwarding to the council's LRS in the admin, resend one dead letter and delete another,
by keyboard."""

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cms.people import roles
from learning.models import LrsForwardingTarget, LrsOutbox
from learning.services.lrs import lrs_statements_store
from tests.cms.people.factories import staff_member
from tests.e2e.axe import assert_accessible
from tests.learning.lrs.statements import lrs_statement

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("E2E_SHOTS_DIR", "/tmp/shots/lrs-forwarding"))  # noqa: S108 - review screenshots


def shot(page, name: str) -> None:
    """The admin scrolls inside its own frame, so the window is made tall enough for the page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 1400})
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def test_ld_see_the_outbox_and_resend_a_dead_letter_by_keyboard(live_server, page, sign_in):
    target = LrsForwardingTarget.objects.create(
        name="Council LRS", endpoint="https://lrs.example.org/xapi/", username="key", password="secret"
    )
    lrs_statements_store(
        statements=[lrs_statement(), lrs_statement(), lrs_statement()],
        credential=None,
        authority={"mbox": "mailto:t@example.org"},
        version="2.0.0",
    )
    dead, given_up = LrsOutbox.objects.filter(target=target).order_by("pk")[:2]
    LrsOutbox.objects.filter(pk__in=[dead.pk, given_up.pk]).update(
        status=LrsOutbox.Status.DEAD,
        attempts=1,
        last_error="HTTP 400: bad verb",
        last_attempt_at=timezone.now(),
    )
    sign_in(staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True, email="ld@oxfordshire.gov.uk"))

    page.goto(live_server.url + "/admin/lrs-forwarding/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("LRS forwarding")
    overview = page.get_by_role("table", name="Forwarding targets and their outboxes")
    expect(overview.get_by_role("row", name="Council LRS")).to_contain_text("1")
    assert_accessible(page)

    link = overview.get_by_role("link", name="Council LRS")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Forwarding to Council LRS")
    letters = page.get_by_role("table", name="Dead letters")
    expect(letters).to_contain_text("HTTP 400: bad verb")
    expect(page.get_by_text("No errors reaching the target (it refused 2 statements")).to_be_visible()
    shot(page, "01-target")
    assert_accessible(page)

    button = letters.get_by_role("button", name=f"Delete dead letter {given_up.statement.statement_id}")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 dead letter deleted; the statements stay in the store.")).to_be_visible()
    assert_accessible(page)
    assert not LrsOutbox.objects.filter(pk=given_up.pk).exists()

    button = letters.get_by_role("button", name=f"Resend statement {dead.statement.statement_id}")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 statement queued to send again.")).to_be_visible()
    expect(page.get_by_text("No dead letters.")).to_be_visible()
    shot(page, "02-resent")
    assert_accessible(page)
    dead.refresh_from_db()
    assert dead.status == LrsOutbox.Status.PENDING
