"""Personal data: a person's subject access export, erasure, retention.

What is exported and erased is declared model by model in the personal-data registry
(cms.core.personal_data; each app's `personal_data.py`). Erasure anonymises rather than
deletes the facts of learning: completions, enrolments and attempts stay (so historic
completion figures remain true) but nothing left identifies the person: names, email,
free text, saved player state, sign-in methods and certificate files go. Their profile
keeps team, role and agency and is marked inactive, so they drop out of current
readiness as any leaver does. docs/learning-records.md lists every model and exemption.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.core.personal_data import personal_data_erase, personal_data_export
from cms.core.spreadsheets import csv_text
from cms.core.text import text_problem
from cms.people.models import User
from cms.people.personal_data import ERASED_EMAIL_DOMAIN
from cms.people.services import people_changed_announce
from learning.models import CompletionChange

__all__ = ["learning_record_csv", "learning_record_export", "person_erase", "retention_apply"]

DEFAULT_RETENTION_DAYS = 6 * 365


def learning_record_export(*, user: User) -> dict:
    """Everything the platform holds about one person, as plain data: the subject access export.

    One section per model in the personal-data registry (cms.core.personal_data), each a
    list of that model's rows about the person; every app declares its own models there.
    """
    return personal_data_export(user=user)


def learning_record_csv(*, user: User) -> str:
    """The same record as CSV: a row per field of each item, with its section and number (cells guarded)."""
    record = learning_record_export(user=user)

    def rows():
        yield ["section", "field", "value"]
        for section, items in record.items():
            for index, item in enumerate(items, start=1):
                for field, value in item.items():
                    cell = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
                    yield [f"{section} {index}", field, cell]

    return csv_text(rows())


@transaction.atomic
def person_erase(*, user: User, erased_by, reason: str) -> None:
    """Erase one person across the platform (see the module docstring). Cannot be undone.

    Each registered model's rows are deleted, anonymised or kept as its app declared;
    the erasure itself is audited, and the person's enrolments are withdrawn as a leaver's.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("Say why this person's data is being erased.")
    if problem := text_problem(reason, label="The reason"):
        raise ValueError(problem)
    if user.is_superuser:
        raise ValueError("An administrator's account cannot be erased here.")
    personal_data_erase(user=user)
    CompletionChange.objects.create(
        learner_id=user.pk, action=CompletionChange.Action.ERASED, reason=reason, changed_by=erased_by
    )
    people_changed_announce(user_ids=[user.pk])


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
        .exclude(email__endswith=f"@{ERASED_EMAIL_DOMAIN}")
    )
    count = 0
    for user in leavers:
        person_erase(user=user, erased_by=None, reason=f"Retention period of {days} days passed")
        count += 1
    return count
