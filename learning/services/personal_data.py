"""Personal data: a subject access export of one person's learning record, erasure, retention.

Erasure anonymises rather than deletes: the person's completions, enrolments and
attempts stay (so historic completion figures remain true) but nothing left can
identify them: names, email, free-text reflections, saved player state, sign-in
methods and certificate files go. Their profile keeps team, role and agency and is
marked inactive, so they drop out of current readiness as any leaver does.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.core.spreadsheets import csv_text
from cms.core.text import text_problem
from cms.people.middleware import user_cache_forget
from cms.people.models import StaffProfile, User
from learning.models import (
    Certificate,
    CompletionChange,
    Enrolment,
    H5PPlayerState,
    KnowledgeCheckAttempt,
    LessonProgress,
    ModuleCompletion,
    ModuleProgress,
    Reflection,
    ReminderLog,
)

ERASED_NAME = "Erased person"
DEFAULT_RETENTION_DAYS = 6 * 365


def _iso(value):
    return value.isoformat() if value else None


def learning_record_export(*, user) -> dict:
    """Everything the learning platform holds about one person's learning, as plain data."""
    profile = (
        StaffProfile.objects.filter(user=user)
        .select_related("role", "team", "agency", "line_manager")
        .first()
    )
    return {
        "person": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "job_title": profile.job_title if profile else None,
            "role": str(profile.role) if profile and profile.role else None,
            "team": str(profile.team) if profile and profile.team else None,
            "agency": str(profile.agency) if profile and profile.agency else None,
            "line_manager": profile.line_manager.email if profile and profile.line_manager else None,
            "start_date": _iso(profile.start_date) if profile else None,
            "active": profile.active if profile else user.is_active,
        },
        "assignments": [
            {
                "module": e.module.title,
                "programme": e.assignment.programme.name,
                "required": e.assignment.required,
                "enrolled_on": _iso(e.enrolled_on),
                "due_date": _iso(e.due_date),
                "completed_at": _iso(e.completed_at),
                "removed_on": _iso(e.removed_on),
            }
            for e in Enrolment.objects.filter(user=user).select_related("module", "assignment__programme")
        ],
        "completions": [
            {
                "module": c.module.title,
                "cycle": c.cycle,
                "completed_at": _iso(c.completed_at),
                "source": c.source,
            }
            for c in ModuleCompletion.objects.filter(user=user).select_related("module")
        ],
        "certificates": [
            {
                "module": c.module_title,
                "name": c.learner_name,
                "completed_on": _iso(c.completed_on),
                "code": c.code,
            }
            for c in Certificate.objects.filter(user=user)
        ],
        "module_progress": [
            {
                "module": p.module.title,
                "cycle": p.cycle,
                "lessons_completed": p.lessons_completed,
                "lessons_total": p.lessons_total,
                "started_at": _iso(p.started_at),
                "completed_at": _iso(p.completed_at),
            }
            for p in ModuleProgress.objects.filter(user=user).select_related("module")
        ],
        "lesson_progress": [
            {"lesson": p.lesson.title, "status": p.status, "completed_at": _iso(p.completed_at)}
            for p in LessonProgress.objects.filter(user=user).select_related("lesson")
        ],
        "knowledge_check_attempts": [
            {
                "lesson": a.lesson.title,
                "score_percent": a.score_percent,
                "passed": a.passed,
                "at": _iso(a.created_at),
            }
            for a in KnowledgeCheckAttempt.objects.filter(user=user).select_related("lesson")
        ],
        "reflections": [
            {"lesson": r.lesson.title, "text": r.text, "updated_at": _iso(r.updated_at)}
            for r in Reflection.objects.filter(user=user).select_related("lesson")
        ],
        "reminders": [
            {"kind": r.kind, "status": r.status, "sent_at": _iso(r.sent_at)}
            for r in ReminderLog.objects.filter(user=user)
        ],
        "manual_changes": [
            {
                "action": c.action,
                "reason": c.reason,
                "at": _iso(c.changed_at),
                "by": c.changed_by.email if c.changed_by else None,
            }
            for c in CompletionChange.objects.filter(learner=user).select_related("changed_by")
        ],
    }


def learning_record_csv(*, user) -> str:
    """The same record as CSV: one row per item, with its section (every cell guarded)."""
    record = learning_record_export(user=user)

    def rows():
        yield ["section", "field", "value"]
        for field, value in record["person"].items():
            yield ["person", field, value]
        for section, items in record.items():
            if section == "person":
                continue
            for index, item in enumerate(items, start=1):
                for field, value in item.items():
                    yield [f"{section} {index}", field, value]

    return csv_text(rows())


@transaction.atomic
def person_erase(*, user, erased_by, reason: str) -> None:
    """Anonymise one person (see module docstring). Cannot be undone."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("Say why this person's data is being erased.")
    if problem := text_problem(reason, label="The reason"):
        raise ValueError(problem)
    if user.is_superuser:
        raise ValueError("An administrator's account cannot be erased here.")
    user_id = user.pk
    User.objects.filter(pk=user_id).update(
        first_name=ERASED_NAME,
        last_name=f"#{user_id}",
        email=f"erased-{user_id}@erased.invalid",
        is_active=False,
        is_staff=False,
        password=make_password(None),  # unusable: nobody can sign in as them
    )
    user_cache_forget(user_id=user_id)
    StaffProfile.objects.filter(user_id=user_id).update(
        job_title="", line_manager=None, start_date=None, active=False
    )
    StaffProfile.objects.filter(line_manager_id=user_id).update(line_manager=None)
    EmailAddress.objects.filter(user_id=user_id).delete()
    SocialAccount.objects.filter(user_id=user_id).delete()
    Authenticator.objects.filter(user_id=user_id).delete()
    Reflection.objects.filter(user_id=user_id).delete()
    for certificate in Certificate.objects.filter(user_id=user_id):
        for field in (certificate.png, certificate.pdf):
            if field:
                field.delete(save=False)
    Certificate.objects.filter(user_id=user_id).update(learner_name=ERASED_NAME, png="", pdf="")
    H5PPlayerState.objects.filter(user_id=user_id).delete()
    CompletionChange.objects.create(
        learner_id=user_id, action=CompletionChange.Action.ERASED, reason=reason, changed_by=erased_by
    )


def retention_apply(*, today=None) -> int:
    """Erase leavers whose record is older than the retention period (a scheduled task).

    The clock starts at the later of their last sign-in and the last change to their
    staff record (marking them a leaver is such a change).
    """
    days = int(getattr(settings, "LEARNING_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    cutoff = timezone.now() - timedelta(days=days)
    leavers = (
        User.objects.filter(profile__active=False, profile__updated_at__lt=cutoff, is_superuser=False)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
        .exclude(email__endswith="@erased.invalid")
    )
    count = 0
    for user in leavers:
        person_erase(user=user, erased_by=None, reason=f"Retention period of {days} days passed")
        count += 1
    return count
