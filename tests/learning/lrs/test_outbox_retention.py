"""Outbox retention: delivered rows older than LRS_OUTBOX_KEEP_DAYS are pruned nightly, a batch at a
time; pending rows and dead letters are kept, and L&D delete dead letters on the forwarding screen."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from learning.models import LrsForwardingTarget, LrsOutbox, XAPIStatement
from learning.schedules import SCHEDULE
from learning.services.lrs import lrs_outbox_prune, lrs_statements_store, outbox_keep_days
from learning.tasks import lrs_outbox_prune_task
from tests.learning.lrs.statements import lrs_statement
from tests.learning.lrs.test_forwarding_admin import OVERVIEW, _client

pytestmark = pytest.mark.django_db

Status = LrsOutbox.Status


@pytest.fixture
def outbox():
    """Eight statements queued for a target: how old each row is decides its fate."""
    target = LrsForwardingTarget.objects.create(
        name="Council LRS", endpoint="https://lrs.example.org/xapi/", username="key", password="pw"
    )
    lrs_statements_store(
        statements=[lrs_statement() for _ in range(8)],
        credential=None,
        authority={"mbox": "mailto:t@example.org"},
        version="2.0.0",
    )
    target.rows = list(LrsOutbox.objects.filter(target=target).order_by("pk"))
    return target


def _set(rows, *, status, days_ago, error=""):
    LrsOutbox.objects.filter(pk__in=[r.pk for r in rows]).update(
        status=status, last_attempt_at=timezone.now() - timedelta(days=days_ago), last_error=error, attempts=1
    )


def test_delivered_rows_past_the_keep_period_are_deleted_and_the_rest_kept(outbox, settings):
    """Five rows were delivered 31 days ago and one yesterday; one is a dead letter from last year,
    one still pending: with 30 days kept, only the five old deliveries go, in batches of two."""
    settings.LRS_OUTBOX_KEEP_DAYS = 30
    rows = outbox.rows
    _set(rows[:5], status=Status.DELIVERED, days_ago=31)
    _set(rows[5:6], status=Status.DELIVERED, days_ago=1)
    _set(rows[6:7], status=Status.DEAD, days_ago=400, error="HTTP 400")
    assert lrs_outbox_prune(batch=2) == 5
    left = dict(LrsOutbox.objects.values_list("pk", "status"))
    assert left == {rows[5].pk: Status.DELIVERED, rows[6].pk: Status.DEAD, rows[7].pk: Status.PENDING}
    assert XAPIStatement.objects.count() == 8  # the statements themselves stay
    assert lrs_outbox_prune() == 0


def test_the_keep_period_comes_from_the_setting(outbox, settings):
    settings.LRS_OUTBOX_KEEP_DAYS = 3
    _set(outbox.rows[:2], status=Status.DELIVERED, days_ago=4)
    _set(outbox.rows[2:4], status=Status.DELIVERED, days_ago=2)
    assert outbox_keep_days() == 3
    assert lrs_outbox_prune() == 2
    settings.LRS_OUTBOX_KEEP_DAYS = 0  # nonsense: at least a day is kept
    assert outbox_keep_days() == 1


def test_the_prune_is_a_nightly_beat_task(outbox, settings):
    settings.LRS_OUTBOX_KEEP_DAYS = 30
    _set(outbox.rows[:3], status=Status.DELIVERED, days_ago=60)
    assert SCHEDULE["learning-lrs-outbox-prune"]["task"] == "learning.tasks.lrs_outbox_prune_task"
    assert lrs_outbox_prune_task.apply().get() == 3


def test_a_prune_costs_a_fixed_number_of_queries_per_batch(outbox, settings, django_assert_num_queries):
    """Per batch: the ids, then Django's delete (it reads the rows first, because delete signals
    have receivers in this project, then deletes them): three queries whatever the batch size."""
    settings.LRS_OUTBOX_KEEP_DAYS = 30
    _set(outbox.rows, status=Status.DELIVERED, days_ago=60)
    with django_assert_num_queries(2 * 3 + 1):  # 8 rows in batches of 4: two full batches, then an empty look
        assert lrs_outbox_prune(batch=4) == 8


def test_ld_delete_one_dead_letter_then_all(outbox):
    _set(outbox.rows[:3], status=Status.DEAD, days_ago=1, error="HTTP 400: bad verb")
    client = _client("ld_editor")
    url = f"{OVERVIEW}{outbox.pk}/resend/"
    response = client.post(url, {"outbox_id": str(outbox.rows[0].pk), "operation": "delete"}, follow=True)
    assert "1 dead letter deleted" in response.text
    assert not LrsOutbox.objects.filter(pk=outbox.rows[0].pk).exists()
    response = client.post(url, {"all": "1", "operation": "delete"}, follow=True)
    assert "2 dead letters deleted" in response.text
    assert not LrsOutbox.objects.filter(status=Status.DEAD).exists()
    assert LrsOutbox.objects.filter(status=Status.PENDING).count() == 5  # pending rows untouched
    assert XAPIStatement.objects.count() == 8


def test_deleting_a_row_that_is_not_a_dead_letter_does_nothing(outbox):
    client = _client("ld_lead")
    pending = outbox.rows[0]
    response = client.post(
        f"{OVERVIEW}{outbox.pk}/resend/", {"outbox_id": str(pending.pk), "operation": "delete"}, follow=True
    )
    assert "Nothing to delete" in response.text
    assert LrsOutbox.objects.filter(pk=pending.pk).exists()
    response = client.post(
        f"{OVERVIEW}{outbox.pk}/resend/", {"outbox_id": "x", "operation": "delete"}, follow=True
    )
    assert "Choose a dead letter to delete" in response.text


@pytest.mark.parametrize("kind", ["anonymous", "learner", "manager"])
def test_others_cannot_delete_dead_letters(outbox, kind):
    _set(outbox.rows[:2], status=Status.DEAD, days_ago=1, error="HTTP 400")
    _client(kind).post(f"{OVERVIEW}{outbox.pk}/resend/", {"all": "1", "operation": "delete"})
    assert LrsOutbox.objects.filter(status=Status.DEAD).count() == 2


def test_a_target_without_errors_says_so_and_points_to_the_dead_letters(outbox):
    """A target that refused statements (400: dead letters) but never failed shows no 'None'."""
    _set(outbox.rows[:2], status=Status.DEAD, days_ago=1, error="HTTP 400: bad verb")
    page = _client("ld_editor").get(f"{OVERVIEW}{outbox.pk}/").text
    facts = re.sub(r"\s+", " ", page)
    assert "<dd> None </dd>" not in facts
    assert "<dt>Last error</dt> <dd> No errors reaching the target (it refused 2 statements" in facts
    assert "HTTP 400: bad verb" in page
