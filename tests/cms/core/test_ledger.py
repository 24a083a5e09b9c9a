"""The send-once ledger: a key is claimed once, whoever asks and however often."""

import threading

import pytest
from django.db import connection, connections, transaction

from cms.core.ledger import MessagePlan, message_claim, message_send_once, messages_record, messages_waiting
from cms.core.models import MessageSent

pytestmark = pytest.mark.django_db


def test_a_second_claim_of_the_same_key_is_refused():
    assert message_claim(key="offer-expired:7:1") is True
    assert message_claim(key="offer-expired:7:1") is False
    row = MessageSent.objects.get()
    assert (row.kind, row.status) == ("offer-expired", MessageSent.Status.SENT)
    assert row.sent_at is not None


def test_a_refused_claim_leaves_the_callers_transaction_usable():
    message_claim(key="nudge:1:2026-05-01")
    with transaction.atomic():
        assert message_claim(key="nudge:1:2026-05-01") is False
        assert message_claim(key="nudge:2:2026-05-01") is True
    assert MessageSent.objects.count() == 2


def test_a_rolled_back_claim_releases_the_key():
    with pytest.raises(RuntimeError), transaction.atomic():
        message_claim(key="ld-digest:3:2026-05-01")
        raise RuntimeError("the caller failed after claiming")
    assert message_claim(key="ld-digest:3:2026-05-01") is True


def test_recording_twice_keeps_one_row_and_its_status():
    messages_record(plans=[MessagePlan(key="due-soon:1:2026-05-08")])
    row = MessageSent.objects.get()
    MessageSent.objects.filter(pk=row.pk).update(status=MessageSent.Status.SENT)
    messages_record(plans=[MessagePlan(key="due-soon:1:2026-05-08")])
    assert list(MessageSent.objects.values_list("status", flat=True)) == [MessageSent.Status.SENT]
    assert messages_waiting(kinds=["due-soon"]) == []


def test_waiting_lists_only_the_kinds_asked_for():
    messages_record(plans=[MessagePlan(key="due-soon:1:x"), MessagePlan(key="other:1:x")])
    waiting = messages_waiting(kinds=["due-soon"])
    assert [MessageSent.objects.get(pk=pk).kind for pk in waiting] == ["due-soon"]


def test_send_once_sends_then_refuses_a_retry():
    messages_record(plans=[MessagePlan(key="due-soon:1:x")])
    row = MessageSent.objects.get()
    sent = []
    assert message_send_once(message_id=row.pk, still_needed=lambda m: True, send=sent.append) == "sent"
    assert message_send_once(message_id=row.pk, still_needed=lambda m: True, send=sent.append) == "sent"
    assert len(sent) == 1


def test_send_once_skips_a_message_no_longer_needed():
    messages_record(plans=[MessagePlan(key="due-soon:1:x")])
    row = MessageSent.objects.get()
    sent = []
    assert message_send_once(message_id=row.pk, still_needed=lambda m: False, send=sent.append) == "skipped"
    assert sent == []


def test_a_failed_send_goes_back_to_waiting():
    messages_record(plans=[MessagePlan(key="due-soon:1:x")])
    row = MessageSent.objects.get()

    def fail(message):
        raise OSError("mail server away")

    with pytest.raises(OSError):
        message_send_once(message_id=row.pk, still_needed=lambda m: True, send=fail)
    assert messages_waiting(kinds=["due-soon"]) == [row.pk]


def test_a_missing_message_is_reported_missing():
    assert message_send_once(message_id=999_999, still_needed=lambda m: True, send=print) == "missing"


def _all_at_once(work, *, threads: int) -> None:
    """Run `work` in that many threads released together, each on its own database connection."""
    barrier = threading.Barrier(threads)

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            work()
        finally:
            connections.close_all()

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=60)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_on_postgresql_let_exactly_one_through():
    """Ten workers claim one key at the same moment: one wins, nine are refused."""
    assert connection.vendor == "postgresql"
    results: list[bool] = []
    lock = threading.Lock()

    def claim() -> None:
        won = message_claim(key="ld-digest:1:2026-05-01")
        with lock:
            results.append(won)

    _all_at_once(claim, threads=10)
    assert sorted(results) == [False] * 9 + [True]
    assert MessageSent.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_on_postgresql_send_once():
    messages_record(plans=[MessagePlan(key="due-soon:1:x")])
    row = MessageSent.objects.get()
    sent: list[int] = []
    lock = threading.Lock()

    def send(message: MessageSent) -> None:
        with lock:
            sent.append(message.pk)

    _all_at_once(
        lambda: message_send_once(message_id=row.pk, still_needed=lambda m: True, send=send), threads=8
    )
    assert sent == [row.pk]
