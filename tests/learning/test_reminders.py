"""Reminders: recorded under a unique key before sending, sent once, never about finished work."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cms.core.models import MessageSent
from cms.core.tasks import send_templated_email
from learning.models import Enrolment, ModuleCompletion
from learning.services import enrolments_sync, reminder_send, reminders_scan
from learning.tasks import reminders_scan_task
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.conftest import wait_for
from tests.learning.factories import AssignmentFactory

TODAY = date(2026, 11, 23)


@pytest.fixture
def enrolled(db, make_module):
    """One social worker in one team with MI foundations due on a given date."""

    def _enrol(due: date, *, manager=None):
        team = TeamFactory()
        profile = StaffProfileFactory(team=team, line_manager=manager)
        module = make_module()
        AssignmentFactory(module=module, teams=[team], due_date=due)
        enrolments_sync(today=TODAY - timedelta(days=60))
        return Enrolment.objects.get(user=profile.user)

    return _enrol


def _scan_and_send(today):
    for log_id in reminders_scan(today=today):
        reminder_send(log_id=log_id, today=today)


@pytest.mark.parametrize(
    ("due", "kind", "subject"),
    [
        (TODAY + timedelta(days=7), "due-soon", "Reminder: "),
        (TODAY + timedelta(days=1), "due-tomorrow", "Due tomorrow: "),
        (TODAY - timedelta(days=1), "overdue", "Overdue: "),
    ],
)
def test_learner_is_reminded_a_week_before_the_day_before_and_when_overdue(enrolled, due, kind, subject):
    enrolment = enrolled(due)
    _scan_and_send(TODAY)
    (message,) = mail.outbox
    assert message.to == [enrolment.user.email]
    assert message.subject.startswith(subject)
    assert "http://testserver/" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert MessageSent.objects.get().kind == kind


def test_nothing_is_sent_far_from_the_due_date(enrolled):
    enrolled(TODAY + timedelta(days=20))
    _scan_and_send(TODAY)
    assert mail.outbox == []


def test_running_the_scan_twice_sends_one_email(enrolled):
    enrolled(TODAY + timedelta(days=1))
    _scan_and_send(TODAY)
    _scan_and_send(TODAY)
    assert len(mail.outbox) == 1
    assert MessageSent.objects.get().status == MessageSent.Status.SENT


def test_overdue_reminders_repeat_weekly_not_daily(enrolled):
    enrolled(TODAY - timedelta(days=1))
    for offset in range(15):
        _scan_and_send(TODAY + timedelta(days=offset))
    assert len(mail.outbox) == 3


def test_nobody_is_reminded_of_work_finished_after_the_scan(enrolled):
    """The learner completes the module between the scan and the send: no email."""
    enrolment = enrolled(TODAY + timedelta(days=1))
    log_ids = reminders_scan(today=TODAY)
    ModuleCompletion.objects.create(
        user=enrolment.user,
        module=enrolment.module,
        completed_at=timezone.make_aware(datetime(2026, 11, 23, 9)),
    )
    assert [reminder_send(log_id=i, today=TODAY) for i in log_ids] == ["skipped"]
    assert mail.outbox == []


def test_a_retry_of_a_sent_reminder_sends_nothing(enrolled):
    enrolled(TODAY + timedelta(days=1))
    (log_id,) = reminders_scan(today=TODAY)
    assert reminder_send(log_id=log_id, today=TODAY) == "sent"
    assert reminder_send(log_id=log_id, today=TODAY) == "sent"
    assert len(mail.outbox) == 1


def test_line_managers_get_one_weekly_digest_of_overdue_work(enrolled):
    manager = UserFactory(first_name="Morgan")
    enrolled(TODAY - timedelta(days=3), manager=manager)
    enrolled(TODAY - timedelta(days=10), manager=manager)
    _scan_and_send(TODAY)
    _scan_and_send(TODAY + timedelta(days=1))
    digests = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(digests) == 1
    assert "2 overdue" in digests[0].subject


def test_the_scan_uses_the_london_date_across_midnight_in_summer_time(enrolled):
    """At 23:30 UTC on 30 June it is already 1 July in London: a 2 July due date is 'tomorrow'."""
    enrolled(date(2027, 7, 2))
    with time_machine.travel(datetime(2027, 6, 30, 23, 30, tzinfo=UTC), tick=False):
        for log_id in reminders_scan():
            reminder_send(log_id=log_id)
    assert mail.outbox[0].subject.startswith("Due tomorrow")


@pytest.mark.celery
def test_scan_task_twice_with_a_real_worker_sends_one_email(celery_worker, make_module):
    """The daily scan runs twice (a rerun, or a second beat): the learner gets one email."""
    team = TeamFactory()
    profile = StaffProfileFactory(team=team)
    AssignmentFactory(
        module=make_module(),
        teams=[team],
        due_date=timezone.localdate() + timedelta(days=1),
        late_joiner_days=0,
    )
    reminders_scan_task.delay()
    wait_for(lambda: MessageSent.objects.filter(status=MessageSent.Status.SENT).exists(), timeout=30)
    reminders_scan_task.delay()
    # The worker takes tasks in order (solo pool), and the second scan finds nothing
    # pending to queue: once this sentinel is sent, the second scan has fully run.
    send_templated_email.delay(
        to=["sentinel@oxfordshire.gov.uk"],
        template="core/email/test_message",
        context={"name": "S"},
        attachments=[],
        headers={},
    )
    wait_for(lambda: any(m.to == ["sentinel@oxfordshire.gov.uk"] for m in mail.outbox), timeout=30)
    reminders = [m for m in mail.outbox if m.to != ["sentinel@oxfordshire.gov.uk"]]
    assert [m.to for m in reminders] == [[profile.user.email]]
