"""A person's progress row for a module: taking its lock, and opening a new cycle.

Both completions (``progress``) and recertification (``assignments``) need these, so
they live apart from either and neither imports the other to reach them.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.people.models import User
from learning.models import ModuleProgress
from modules.selectors import module_lesson_ids_live


def module_progress_lock(*, user: User, module_id: int, at: datetime) -> ModuleProgress:
    """The person's progress row for the module, locked for this transaction (created if new)."""
    progress = ModuleProgress.objects.select_for_update().filter(user=user, module_id=module_id).first()
    if progress is not None:
        return progress
    try:
        with transaction.atomic():
            ModuleProgress.objects.create(
                user=user,
                module_id=module_id,
                started_at=at,
                last_activity_at=at,
                lessons_total=len(module_lesson_ids_live(module_id=module_id)),
            )
    except IntegrityError:
        pass  # created by a concurrent request: lock theirs below
    return ModuleProgress.objects.select_for_update().get(user=user, module_id=module_id)


@transaction.atomic
def module_cycle_open(*, user: User, module_id: int, at: datetime | None = None) -> ModuleProgress:
    """Open a new cycle for a person in a module (recertification).

    Earlier cycles' activity completions, completion record and certificate stay;
    the new cycle starts with nothing complete.
    """
    at = at or timezone.now()
    module_progress = module_progress_lock(user=user, module_id=module_id, at=at)
    module_progress.cycle += 1
    module_progress.lessons_completed = 0
    module_progress.lesson_states = {}
    module_progress.completed_at = None
    module_progress.last_activity_at = at
    module_progress.save(
        update_fields=["cycle", "lessons_completed", "lesson_states", "completed_at", "last_activity_at"]
    )
    return module_progress
