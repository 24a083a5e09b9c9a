"""Reminders: a daily scan that records each message under a unique key, then sends it once.

Keys name the message and its occasion:
- ``due-soon:<enrolment>:<due date>`` once, when the due date is 2 to 7 days away;
- ``due-tomorrow:<enrolment>:<due date>`` once, the day before;
- ``overdue:<enrolment>:<due date>:<week>`` on the first day overdue, then weekly;
- ``digest:<manager>:<ISO year>-W<week>`` the weekly overdue digest to a line manager.
A missed day catches up at the next scan. A key includes the due date, so a changed
due date earns fresh reminders. Sending claims the row (pending -> sending) with a
conditional update, so a retry, a second worker or a rerun of the scan never sends
twice; and completion is checked again at send time, so nobody is reminded of
finished work.
"""

import enum
import logging
from collections import defaultdict
from datetime import date, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cms.core.email import absolute_url, email_send, email_send_after_commit
from cms.people.models import User
from learning.models import Enrolment, ModuleCompletion, ReminderLog
from learning.services.assignments import current_completion
from learning.services.duedates import weeks_overdue

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 7
KIND_DUE_SOON = "due-soon"
KIND_DUE_TOMORROW = "due-tomorrow"
KIND_OVERDUE = "overdue"
KIND_DIGEST = "digest"
TEMPLATES = {
    KIND_DUE_SOON: "learning/email/reminder_due_soon",
    KIND_DUE_TOMORROW: "learning/email/reminder_due_tomorrow",
    KIND_OVERDUE: "learning/email/reminder_overdue",
    KIND_DIGEST: "learning/email/manager_digest",
}


def _open_enrolments():
    return (
        Enrolment.objects.filter(
            removed_on__isnull=True,
            completed_at__isnull=True,
            assignment__active=True,
            assignment__required=True,
            user__is_active=True,
        )
        .filter(Q(user__profile__isnull=True) | Q(user__profile__active=True))
        .select_related("user__profile")
    )


def reminder_keys_for(*, today: date) -> list[ReminderLog]:
    """The reminder rows today's scan should hold (not yet saved)."""
    rows: list[ReminderLog] = []
    digest: dict[int, bool] = defaultdict(bool)
    for enrolment in _open_enrolments().filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS)):
        days_left = (enrolment.due_date - today).days
        if 2 <= days_left <= DUE_SOON_DAYS:
            kind, key = KIND_DUE_SOON, f"{KIND_DUE_SOON}:{enrolment.pk}:{enrolment.due_date}"
        elif days_left == 1:
            kind, key = KIND_DUE_TOMORROW, f"{KIND_DUE_TOMORROW}:{enrolment.pk}:{enrolment.due_date}"
        elif days_left < 0:
            week = weeks_overdue(due=enrolment.due_date, today=today)
            kind, key = KIND_OVERDUE, f"{KIND_OVERDUE}:{enrolment.pk}:{enrolment.due_date}:{week}"
            manager_id = getattr(getattr(enrolment.user, "profile", None), "line_manager_id", None)
            if manager_id:
                digest[manager_id] = True
        else:
            continue
        rows.append(ReminderLog(key=key, kind=kind, user_id=enrolment.user_id, enrolment=enrolment))
    iso_year, iso_week, _ = today.isocalendar()
    for manager_id in digest:
        rows.append(
            ReminderLog(
                key=f"{KIND_DIGEST}:{manager_id}:{iso_year}-W{iso_week:02d}",
                kind=KIND_DIGEST,
                user_id=manager_id,
            )
        )
    return rows


def reminders_scan(*, today: date | None = None) -> list[int]:
    """Record today's reminders under their keys; return the ids of rows waiting to send.

    Rows recorded by an earlier run that were never sent (a crash between recording and
    queueing) are returned again, so they go out on the next scan.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        ReminderLog.objects.bulk_create(
            reminder_keys_for(today=today), ignore_conflicts=True, batch_size=1000
        )
    return list(
        ReminderLog.objects.filter(
            status=ReminderLog.Status.PENDING, created_at__gte=timezone.now() - timedelta(days=3)
        ).values_list("pk", flat=True)
    )


def _still_needed(log: ReminderLog, *, today: date) -> bool:
    if log.kind == KIND_DIGEST:
        return bool(_digest_items(manager_id=log.user_id, today=today))
    enrolment = (
        Enrolment.objects.select_related("assignment", "user").filter(pk=log.enrolment_id).first()
        if log.enrolment_id
        else None
    )
    if enrolment is None or enrolment.removed_on or not enrolment.assignment.active:
        return False
    if enrolment.completed_at is not None or not enrolment.user.is_active:
        return False
    latest = (
        ModuleCompletion.objects.filter(user_id=enrolment.user_id, module_id=enrolment.module_id)
        .order_by("-completed_at")
        .values_list("completed_at", flat=True)
        .first()
    )
    return (
        current_completion(
            completed_at=latest, recertify_months=enrolment.assignment.recertify_months, today=today
        )
        is None
    )


def _digest_items(*, manager_id: int, today: date) -> list[Enrolment]:
    return list(
        _open_enrolments()
        .filter(user__profile__line_manager_id=manager_id, due_date__lt=today)
        .select_related("user", "module")
        .order_by("due_date", "user__last_name")
    )


def reminder_send(*, log_id: int, today: date | None = None) -> str:
    """Send one recorded reminder, at most once. Returns the row's final status."""
    today = today or timezone.localdate()
    claimed = ReminderLog.objects.filter(pk=log_id, status=ReminderLog.Status.PENDING).update(
        status=ReminderLog.Status.SENDING
    )
    if not claimed:
        return ReminderLog.objects.filter(pk=log_id).values_list("status", flat=True).first() or "missing"
    log = ReminderLog.objects.select_related("user").get(pk=log_id)
    if not _still_needed(log, today=today):
        ReminderLog.objects.filter(pk=log_id).update(status=ReminderLog.Status.SKIPPED)
        return ReminderLog.Status.SKIPPED
    try:
        email_send(to=[log.user.email], template=TEMPLATES[log.kind], context=_context(log, today=today))
    except Exception:
        # Not sent: put it back so the task's retry (or the next scan) tries again.
        ReminderLog.objects.filter(pk=log_id).update(status=ReminderLog.Status.PENDING)
        raise
    ReminderLog.objects.filter(pk=log_id).update(status=ReminderLog.Status.SENT, sent_at=timezone.now())
    return ReminderLog.Status.SENT


def _context(log: ReminderLog, *, today: date) -> dict:
    name = log.user.first_name or log.user.email
    if log.kind == KIND_DIGEST:
        items = _digest_items(manager_id=log.user_id, today=today)
        return {
            "name": name,
            "items": [
                {
                    "person": str(item.user),
                    "module": item.module.title,
                    "due": item.due_date.strftime("%-d %B %Y"),
                    "days_overdue": (today - item.due_date).days,
                }
                for item in items
            ],
            "team_url": absolute_url("/learning/team/?status=overdue"),
        }
    enrolment = Enrolment.objects.select_related("module").get(pk=log.enrolment_id)
    return {
        "name": name,
        "module": enrolment.module.title,
        "module_url": absolute_url(enrolment.module.url or "/learning/"),
        "due": enrolment.due_date.strftime("%A %-d %B %Y"),
        "days_overdue": max(0, (today - enrolment.due_date).days),
        "my_learning_url": absolute_url("/learning/"),
    }


NUDGES_PER_MANAGER_PER_DAY = 50
KIND_NUDGE = "nudge"


class TeamReminderOutcome(enum.StrEnum):
    """What became of a manager's reminder; the view words the message for each."""

    SENT = "sent"
    ALREADY_COMPLETE = "already_complete"
    BUDGET_SPENT = "budget_spent"
    ALREADY_TODAY = "already_today"


def _team_reminder_budget_take(*, manager_id: int, today: date) -> bool:
    """Count one reminder against the manager's day; False once the day's budget is spent.

    The count lives in the cache (a day's worth of keys, one per manager): losing it
    only ever lets a few more through, never blocks a reminder that is due.
    """
    budget_key = f"learning:nudges:{manager_id}:{today}"
    cache.add(budget_key, 0, timeout=60 * 60 * 24)
    try:
        sent_today = cache.incr(budget_key)
    except ValueError:  # gone between add and incr (expired, or Redis went away: cms.core.cache)
        cache.set(budget_key, 1, timeout=60 * 60 * 24)
        sent_today = 1
    return sent_today <= NUDGES_PER_MANAGER_PER_DAY


def team_reminder_send(*, manager: User, enrolment: Enrolment) -> TeamReminderOutcome:
    """A manager nudges one person about one module: once a day per item, 50 a day per manager.

    The caller has checked the manager may see this person. The once-a-day rule is the
    unique key of the reminder row; the email goes when the row commits.
    """
    if enrolment.completed_at:
        return TeamReminderOutcome.ALREADY_COMPLETE
    today = timezone.localdate()
    if not _team_reminder_budget_take(manager_id=manager.pk, today=today):
        return TeamReminderOutcome.BUDGET_SPENT
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                key=f"{KIND_NUDGE}:{enrolment.pk}:{today}",
                kind=KIND_NUDGE,
                user=enrolment.user,
                enrolment=enrolment,
                status=ReminderLog.Status.SENT,
                sent_at=timezone.now(),
            )
            email_send_after_commit(
                to=[enrolment.user.email],
                template="learning/email/manager_nudge",
                context={
                    "name": enrolment.user.first_name or enrolment.user.email,
                    "manager": str(manager),
                    "module": enrolment.module.title,
                    "due": enrolment.due_date.strftime("%A %-d %B %Y"),
                    "module_url": absolute_url(enrolment.module.url or "/learning/"),
                },
            )
    except IntegrityError:
        return TeamReminderOutcome.ALREADY_TODAY
    return TeamReminderOutcome.SENT
