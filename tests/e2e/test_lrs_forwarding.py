"""L&D check forwarding to the council's LRS in the admin and resend a dead letter, by keyboard."""

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


def test_ld_see_the_outbox_and_resend_a_dead_letter_by_keyboard(live_server, page, sign_in):
    target = LrsForwardingTarget.objects.create(
        name="Council LRS", endpoint="https://lrs.example.org/xapi/", username="key", password="secret"
    )
    lrs_statements_store(
        statements=[lrs_statement(), lrs_statement()],
        credential=None,
        authority={"mbox": "mailto:t@example.org"},
        version="2.0.0",
    )
    dead = LrsOutbox.objects.filter(target=target).first()
    LrsOutbox.objects.filter(pk=dead.pk).update(
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
    assert_accessible(page)

    button = letters.get_by_role("button", name=f"Resend statement {dead.statement.statement_id}")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 statement queued to send again.")).to_be_visible()
    expect(page.get_by_text("No dead letters.")).to_be_visible()
    assert_accessible(page)
    dead.refresh_from_db()
    assert dead.status == LrsOutbox.Status.PENDING
