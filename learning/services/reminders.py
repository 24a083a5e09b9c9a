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
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cms.core.email import absolute_url, email_send, email_send_after_commit
from cms.core.ledger import MessagePlan, message_claim, message_send_once, messages_record, messages_waiting
from cms.core.models import MessageSent
from cms.people.models import User
from learning.models import Enrolment, ModuleCompletion
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


def _open_enrolments() -> QuerySet[Enrolment]:
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


def reminder_keys_for(*, today: date) -> list[MessagePlan]:
    """The reminders today's scan should hold in the send-once ledger (not yet recorded)."""
    rows: list[MessagePlan] = []
    digest: dict[int, bool] = defaultdict(bool)
    reminded: set[tuple[int, int]] = set()
    due_by_then = _open_enrolments().filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
    for enrolment in due_by_then.order_by("due_date", "pk"):
        # Overlapping assignments of one module: only the earliest due one is chased.
        if (enrolment.user_id, enrolment.module_id) in reminded:
            continue
        reminded.add((enrolment.user_id, enrolment.module_id))
        days_left = (enrolment.due_date - today).days
        if 2 <= days_left <= DUE_SOON_DAYS:
            key = f"{KIND_DUE_SOON}:{enrolment.pk}:{enrolment.due_date}"
        elif days_left == 1:
            key = f"{KIND_DUE_TOMORROW}:{enrolment.pk}:{enrolment.due_date}"
        elif days_left < 0:
            week = weeks_overdue(due=enrolment.due_date, today=today)
            key = f"{KIND_OVERDUE}:{enrolment.pk}:{enrolment.due_date}:{week}"
            manager_id = getattr(getattr(enrolment.user, "profile", None), "line_manager_id", None)
            if manager_id:
                digest[manager_id] = True
        else:
            continue
        rows.append(MessagePlan(key=key, user_id=enrolment.user_id))
    iso_year, iso_week, _ = today.isocalendar()
    for manager_id in digest:
        rows.append(
            MessagePlan(key=f"{KIND_DIGEST}:{manager_id}:{iso_year}-W{iso_week:02d}", user_id=manager_id)
        )
    return rows


def reminders_scan(*, today: date | None = None) -> list[int]:
    """Record today's reminders under their keys; return the ids of rows waiting to send.

    Rows recorded by an earlier run that were never sent (a crash between recording and
    queueing) are returned again, so they go out on the next scan.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        messages_record(plans=reminder_keys_for(today=today))
    return messages_waiting(kinds=TEMPLATES)


def _enrolment_id(log: MessageSent) -> int:
    """The enrolment a reminder is about: the key's second part (``due-soon:<enrolment>:...``)."""
    return int(log.key.split(":")[1])


def _still_needed(log: MessageSent, *, today: date) -> bool:
    if log.kind == KIND_DIGEST:
        return log.user_id is not None and bool(_digest_items(manager_id=log.user_id, today=today))
    enrolment = Enrolment.objects.select_related("assignment", "user").filter(pk=_enrolment_id(log)).first()
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
    day = today or timezone.localdate()

    def send(log: MessageSent) -> None:
        email_send(to=[_recipient(log).email], template=TEMPLATES[log.kind], context=_context(log, today=day))

    return message_send_once(
        message_id=log_id, still_needed=lambda log: _still_needed(log, today=day), send=send
    )


def _recipient(log: MessageSent) -> User:
    """Reminders are always recorded with the person they are to."""
    if log.user is None:
        raise ValueError(f"Reminder {log.key} has no recipient.")
    return log.user


def _context(log: MessageSent, *, today: date) -> dict:
    user = _recipient(log)
    name = user.first_name or user.email
    if log.kind == KIND_DIGEST:
        items = _digest_items(manager_id=user.pk, today=today)
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
    enrolment = Enrolment.objects.select_related("module").get(pk=_enrolment_id(log))
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
    with transaction.atomic():
        if not message_claim(key=f"{KIND_NUDGE}:{enrolment.pk}:{today}", user_id=enrolment.user_id):
            return TeamReminderOutcome.ALREADY_TODAY
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
    return TeamReminderOutcome.SENT
