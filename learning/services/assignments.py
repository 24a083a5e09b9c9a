"""Writes for assignments: keeping enrolments in step with live audiences, offline completions."""

from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from learning.duedates import completion_is_current, due_date_for, recertification_due
from learning.models import Assignment, CompletionChange, Enrolment, ModuleCompletion

User = get_user_model()


def assignment_audience(*, assignment: Assignment) -> QuerySet:
    """Active people the assignment reaches now: by role, team, agency or by name."""
    role_ids = [r.pk for r in assignment.roles.all()]
    team_ids = [t.pk for t in assignment.teams.all()]
    agency_ids = [a.pk for a in assignment.agencies.all()]
    people_ids = [p.pk for p in assignment.people.all()]
    matches = Q(pk__in=people_ids)
    if role_ids:
        matches |= Q(profile__role_id__in=role_ids)
    if team_ids:
        matches |= Q(profile__team_id__in=team_ids)
    if agency_ids:
        matches |= Q(profile__agency_id__in=agency_ids)
    return User.objects.filter(matches, is_active=True).filter(
        Q(profile__isnull=True) | Q(profile__active=True)
    )


def _latest_completions(*, user_ids: Iterable[int], module_id: int) -> dict[int, datetime]:
    latest: dict[int, datetime] = {}
    rows = ModuleCompletion.objects.filter(module_id=module_id, user_id__in=list(user_ids)).values_list(
        "user_id", "completed_at"
    )
    for user_id, completed_at in rows:
        if user_id not in latest or completed_at > latest[user_id]:
            latest[user_id] = completed_at
    return latest


def current_completion(
    *, completed_at: datetime | None, recertify_months: int | None, today: date
) -> datetime | None:
    """The completion that counts today: any, or one not yet expired under recertification."""
    if completed_at is None:
        return None
    current = completion_is_current(
        completed_on=timezone.localdate(completed_at), recertify_months=recertify_months, today=today
    )
    return completed_at if current else None


@transaction.atomic
def enrolments_sync(*, today: date | None = None, assignment_ids: Iterable[int] | None = None) -> dict:
    """Bring enrolments in line with each active assignment's live audience.

    New members are enrolled with a due date fair to them; people who left the audience
    (or whose assignment was switched off) are marked removed, never deleted; people who
    come back are restored. Due dates follow changes to the assignment unless L&D set
    one by hand. Completion state is refreshed from the completion records. Idempotent.
    """
    today = today or timezone.localdate()
    assignments = Assignment.objects.prefetch_related("roles", "teams", "agencies", "people")
    if assignment_ids is not None:
        assignments = assignments.filter(pk__in=list(assignment_ids))
    counts = {"enrolled": 0, "removed": 0, "restored": 0, "updated": 0}
    for assignment in assignments:
        existing = {e.user_id: e for e in Enrolment.objects.filter(assignment=assignment)}
        if not assignment.active:
            gone = [e.pk for e in existing.values() if e.removed_on is None]
            counts["removed"] += Enrolment.objects.filter(pk__in=gone).update(removed_on=today)
            continue
        audience = dict(assignment_audience(assignment=assignment).values_list("pk", "profile__start_date"))
        latest = _latest_completions(user_ids=audience.keys(), module_id=assignment.module_id)

        def due_for(enrolled_on: date, start_date: date | None, a: Assignment = assignment) -> date:
            return due_date_for(
                due_mode=a.due_mode,
                fixed_date=a.due_date,
                due_days=a.due_days,
                late_joiner_days=a.late_joiner_days,
                enrolled_on=enrolled_on,
                start_date=start_date,
            )

        new, changed = [], []
        for user_id, start_date in audience.items():
            completed_at = current_completion(
                completed_at=latest.get(user_id), recertify_months=assignment.recertify_months, today=today
            )
            enrolment = existing.get(user_id)
            if enrolment is None:
                new.append(
                    Enrolment(
                        user_id=user_id,
                        assignment=assignment,
                        module_id=assignment.module_id,
                        enrolled_on=today,
                        due_date=_cycle_due_date(
                            assignment=assignment,
                            base_due=due_for(today, start_date),
                            last_completed=latest.get(user_id),
                        ),
                        completed_at=completed_at,
                    )
                )
                continue
            dirty = False
            if enrolment.removed_on is not None:
                enrolment.removed_on = None
                enrolment.enrolled_on = today
                counts["restored"] += 1
                dirty = True
            due = _cycle_due_date(
                assignment=assignment,
                base_due=due_for(enrolment.enrolled_on, start_date),
                last_completed=latest.get(user_id),
            )
            if not enrolment.due_date_overridden and enrolment.due_date != due:
                enrolment.due_date = due
                dirty = True
            if enrolment.completed_at != completed_at:
                enrolment.completed_at = completed_at
                dirty = True
            if dirty:
                changed.append(enrolment)
        _cycles_open_for_expired(
            user_ids=[u for u, at in latest.items() if u in audience and at is not None],
            assignment=assignment,
            today=today,
        )
        Enrolment.objects.bulk_create(new, batch_size=1000)
        Enrolment.objects.bulk_update(
            changed, ["removed_on", "enrolled_on", "due_date", "completed_at"], batch_size=1000
        )
        left = [e.pk for uid, e in existing.items() if uid not in audience and e.removed_on is None]
        counts["removed"] += Enrolment.objects.filter(pk__in=left).update(removed_on=today)
        counts["enrolled"] += len(new)
        counts["updated"] += len(changed)
    return counts


def _cycles_open_for_expired(*, user_ids: list[int], assignment: Assignment, today: date) -> None:
    """Recertification: when someone's completion expires, their progress in the module
    starts a new cycle (the earlier cycle's completion and certificate stay)."""
    if not assignment.recertify_months or not user_ids:
        return
    from learning.models import ModuleProgress
    from learning.services.progress import module_cycle_open

    finished = ModuleProgress.objects.filter(
        module_id=assignment.module_id, user_id__in=user_ids, completed_at__isnull=False
    ).select_related("user")
    for progress in finished:
        expired = not completion_is_current(
            completed_on=timezone.localdate(progress.completed_at),
            recertify_months=assignment.recertify_months,
            today=today,
        )
        if expired:
            module_cycle_open(user=progress.user, module_id=assignment.module_id)


def _cycle_due_date(*, assignment: Assignment, base_due: date, last_completed: datetime | None) -> date:
    """After a completion expires under recertification, the next cycle is due at expiry."""
    if assignment.recertify_months and last_completed is not None:
        return recertification_due(
            completed_on=timezone.localdate(last_completed), recertify_months=assignment.recertify_months
        )
    return base_due


def enrolments_mark_complete(*, user, module_id: int, completed_at: datetime) -> int:
    """Record on the person's enrolments for a module that it is complete (called in the
    same transaction as the ModuleCompletion it mirrors)."""
    return Enrolment.objects.filter(user=user, module_id=module_id).update(completed_at=completed_at)


@transaction.atomic
def offline_completion_record(
    *, learner, module, completed_on: date, evidence: str, recorded_by
) -> ModuleCompletion:
    """L&D record that someone completed a module offline (a classroom MI course, say).

    Writes a completion for the next cycle, mirrors it on enrolments, and audits who,
    when and why. The evidence note is required.
    """
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValueError("Say what evidence of the training you have seen.")
    if completed_on > timezone.localdate():
        raise ValueError("The completion date cannot be in the future.")
    completed_at = timezone.make_aware(datetime.combine(completed_on, datetime.min.time().replace(hour=12)))
    last_cycle = (
        ModuleCompletion.objects.select_for_update()
        .filter(user=learner, module=module)
        .order_by("-cycle")
        .values_list("cycle", flat=True)
        .first()
    )
    completion = ModuleCompletion.objects.create(
        user=learner,
        module=module,
        cycle=(last_cycle or 0) + 1,
        completed_at=completed_at,
        source=ModuleCompletion.Source.OFFLINE,
    )
    enrolments_mark_complete(user=learner, module_id=module.pk, completed_at=completed_at)
    CompletionChange.objects.create(
        learner=learner,
        module=module,
        completion=completion,
        action=CompletionChange.Action.RECORDED_OFFLINE,
        reason=evidence,
        changed_by=recorded_by,
    )
    return completion


@transaction.atomic
def enrolment_due_date_change(*, enrolment: Enrolment, due_date: date, reason: str, changed_by) -> Enrolment:
    """L&D give one person a different due date (an extension, say), audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("Say why the due date is changing.")
    enrolment.due_date = due_date
    enrolment.due_date_overridden = True
    enrolment.save(update_fields=["due_date", "due_date_overridden"])
    CompletionChange.objects.create(
        learner=enrolment.user,
        module=enrolment.module,
        action=CompletionChange.Action.DUE_DATE_CHANGED,
        reason=f"Due {due_date:%d %B %Y}: {reason}",
        changed_by=changed_by,
    )
    return enrolment
