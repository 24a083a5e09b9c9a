"""Messages: sent by a real Celery worker after commit; periodic ones recorded so reruns never repeat."""

import datetime as dt
import uuid

import icalendar
import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cms.core.models import MessageSent
from practiceweek.notifications import booking_notice_send
from practiceweek.services import booking_cancel, booking_create, ld_digest_send, reminders_send_due
from tests.conftest import wait_for
from tests.practiceweek.factories import (
    PracticeWeekFactory,
    booking_direct,
    host_of,
    ld_user,
    senior_manager,
    slot_at,
)


@pytest.mark.celery
def test_booking_through_the_site_sends_the_invite_and_tells_the_host(client, celery_worker, home_page):
    """A manager books on the slot page; the worker emails them an .ics REQUEST and emails the host."""
    # Unique addresses: a shared Redis broker may still hold other runs' messages for person{n}@.
    run = uuid.uuid4().hex[:10]
    slot = slot_at(PracticeWeekFactory())
    host = host_of(slot, email=f"host-{run}@oxfordshire.gov.uk")
    manager = senior_manager(email=f"manager-{run}@oxfordshire.gov.uk")
    client.force_login(manager)
    response = client.post(f"/practice-week/slots/{slot.pk}/book/", {"agree": "on"})
    assert response.status_code == 302

    def mail_to(address):
        return [m for m in mail.outbox if m.to == [address]]

    wait_for(lambda: mail_to(manager.email) and mail_to(host.email))
    (to_manager,) = mail_to(manager.email)
    (to_host,) = mail_to(host.email)
    assert to_manager.subject.startswith("Confirmed:")
    _name, content, mimetype = to_manager.attachments[0]
    assert mimetype == "text/calendar"
    assert icalendar.Calendar.from_ical(content)["METHOD"] == "REQUEST"
    assert manager.get_full_name() in to_host.body
    assert to_manager.alternatives[0].mimetype == "text/html"


@pytest.mark.django_db
def test_reminders_go_48_hours_before_and_never_twice(sent):
    slot = slot_at(PracticeWeekFactory())
    manager = senior_manager()
    booking_direct(slot=slot, user=manager)
    cancelled = booking_direct(slot=slot_at(slot.week, day=1), user=senior_manager(), status="cancelled")
    with time_machine.travel(slot.starts_at - dt.timedelta(hours=49), tick=False), sent() as outbox:
        assert reminders_send_due() == 0
    with time_machine.travel(slot.starts_at - dt.timedelta(hours=47), tick=False), sent() as outbox:
        assert reminders_send_due() == 1
        assert reminders_send_due() == 0
    assert [m.to for m in outbox] == [[manager.email]]
    assert outbox[0].subject.startswith("Reminder:")
    assert not MessageSent.objects.filter(key__contains=f":{cancelled.pk}:").exists()


@pytest.mark.django_db
def test_the_daily_digest_goes_to_l_and_d_once_a_day(sent):
    staff = ld_user()
    slot = slot_at(PracticeWeekFactory(), capacity=2)
    booking_create(user=senior_manager(), slot_id=slot.pk, agreed=True)
    with sent() as outbox:
        assert ld_digest_send() == 1
        assert ld_digest_send() == 0
    digest = [m for m in outbox if m.to == [staff.email]]
    assert len(digest) == 1
    assert "1 new confirmed places" in digest[0].body
    assert "1 of 2 places confirmed" in digest[0].body
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False), sent() as later:
        assert ld_digest_send() == 1
    assert len([m for m in later if m.to == [staff.email]]) == 2, "one more, for the next day"


@pytest.mark.django_db
def test_a_booking_builds_no_email_in_the_request_only_queues_its_id(
    django_capture_on_commit_callbacks, mailoutbox
):
    """The booking transaction queues one task after commit; the worker builds the email and the .ics."""
    slot = slot_at(PracticeWeekFactory())
    host_of(slot)
    manager = senior_manager()
    with django_capture_on_commit_callbacks() as callbacks:
        booking = booking_create(user=manager, slot_id=slot.pk, agreed=True)
    assert booking.status == "confirmed"
    assert len(callbacks) == 1  # one task with the booking's id, handed to Celery after commit
    assert mailoutbox == []  # nothing was built or sent inside the request


@pytest.mark.django_db
def test_the_worker_sends_nothing_for_a_booking_that_has_gone_and_refuses_unknown_notices():
    assert booking_notice_send(kind="confirmed", booking_id=987654, details={}) is False
    booking = booking_direct(slot=slot_at(PracticeWeekFactory()), user=senior_manager())
    with pytest.raises(ValueError, match="unknown"):
        booking_notice_send(kind="nonsense", booking_id=booking.pk, details={})


@pytest.mark.django_db
def test_a_confirmation_built_after_a_cancellation_keeps_its_own_sequence(
    django_capture_on_commit_callbacks, eager_celery, mailoutbox
):
    """Worker lag: the REQUEST still carries SEQUENCE 0 and the CANCEL 1, so calendars end up cancelled."""
    slot = slot_at(PracticeWeekFactory())
    manager = senior_manager()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = booking_create(user=manager, slot_id=slot.pk, agreed=True)
        booking_cancel(booking_id=booking.pk, user=manager)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    sequences = [
        (str(calendar["METHOD"]), calendar.walk("VEVENT")[0]["SEQUENCE"])
        for message in mailoutbox
        if message.to == [manager.email]
        for _name, content, _type in message.attachments
        for calendar in [icalendar.Calendar.from_ical(content)]
    ]
    assert sequences == [("REQUEST", 0), ("CANCEL", 1)]
