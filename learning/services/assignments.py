"""Writes for assignments: keeping enrolments in step with live audiences, offline completions."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from cms.people.models import User
from learning.models import Assignment, CompletionChange, Enrolment, ModuleCompletion, ModuleProgress
from learning.selectors.team_cache import team_learning_forget
from learning.services.cycles import module_cycle_open
from learning.services.duedates import completion_is_current, due_date_for, recertification_due
from modules.models import ModulePage


def assignment_audience_q(*, assignment: Assignment) -> Q:
    """The audience rule as a condition on users: active people reached by role, team, agency or name."""
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
    return matches & Q(is_active=True) & (Q(profile__isnull=True) | Q(profile__active=True))


def assignment_audience(*, assignment: Assignment) -> QuerySet:
    """Active people the assignment reaches now: by role, team, agency or by name."""
    return User.objects.filter(assignment_audience_q(assignment=assignment))


def _latest_completions(
    *, user_ids: Iterable[int], module_ids: Iterable[int]
) -> dict[tuple[int, int], datetime]:
    """Each person's latest completion of each module, keyed by (user id, module id)."""
    latest: dict[tuple[int, int], datetime] = {}
    rows = ModuleCompletion.objects.filter(
        module_id__in=list(module_ids), user_id__in=list(user_ids)
    ).values_list("user_id", "module_id", "completed_at")
    for user_id, module_id, completed_at in rows:
        key = (user_id, module_id)
        if key not in latest or completed_at > latest[key]:
            latest[key] = completed_at
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


@dataclass
class _EnrolmentChanges:
    """Enrolments to create, update and withdraw, gathered person by person and written in bulk."""

    today: date
    new: list[Enrolment] = field(default_factory=list)
    changed: list[Enrolment] = field(default_factory=list)
    leaving: list[int] = field(default_factory=list)
    restored: int = 0

    def follow(
        self,
        *,
        assignment: Assignment,
        user_id: int,
        member: bool,
        start_date: date | None,
        enrolment: Enrolment | None,
        last_completed: datetime | None,
    ) -> None:
        """The one rule for one person and one assignment, used by the nightly sync and by the
        refresh after a change to a person.

        Members are enrolled with a due date fair to them, or restored if they had left;
        their due date follows the assignment unless L&D set one by hand, and their
        completion state follows the completion records. People outside the audience
        (or under a switched-off assignment) are marked removed, never deleted.
        """
        if not member:
            if enrolment is not None and enrolment.removed_on is None:
                self.leaving.append(enrolment.pk)
            return
        completed_at = current_completion(
            completed_at=last_completed, recertify_months=assignment.recertify_months, today=self.today
        )
        if enrolment is None:
            self.new.append(
                Enrolment(
                    user_id=user_id,
                    assignment=assignment,
                    module_id=assignment.module_id,
                    enrolled_on=self.today,
                    due_date=_cycle_due_date(
                        assignment=assignment,
                        base_due=_base_due(
                            assignment=assignment, enrolled_on=self.today, start_date=start_date
                        ),
                        last_completed=last_completed,
                    ),
                    completed_at=completed_at,
                )
            )
            return
        dirty = False
        if enrolment.removed_on is not None:
            enrolment.removed_on = None
            enrolment.enrolled_on = self.today
            self.restored += 1
            dirty = True
        due = _cycle_due_date(
            assignment=assignment,
            base_due=_base_due(
                assignment=assignment, enrolled_on=enrolment.enrolled_on, start_date=start_date
            ),
            last_completed=last_completed,
        )
        if not enrolment.due_date_overridden and enrolment.due_date != due:
            enrolment.due_date = due
            dirty = True
        if enrolment.completed_at != completed_at:
            enrolment.completed_at = completed_at
            dirty = True
        if dirty:
            self.changed.append(enrolment)

    def apply(self) -> dict:
        """Write what was gathered (three statements at most) and count it."""
        # A concurrent sync or refresh may have enrolled the same person a moment ago.
        Enrolment.objects.bulk_create(self.new, batch_size=1000, ignore_conflicts=True)
        Enrolment.objects.bulk_update(
            self.changed, ["removed_on", "enrolled_on", "due_date", "completed_at"], batch_size=1000
        )
        removed = (
            Enrolment.objects.filter(pk__in=self.leaving).update(removed_on=self.today) if self.leaving else 0
        )
        if self.new or self.changed or removed:
            team_learning_forget()  # bulk writes send no signals
        return {
            "enrolled": len(self.new),
            "removed": removed,
            "restored": self.restored,
            "updated": len(self.changed),
        }


def _base_due(*, assignment: Assignment, enrolled_on: date, start_date: date | None) -> date:
    return due_date_for(
        due_mode=assignment.due_mode,
        fixed_date=assignment.due_date,
        due_days=assignment.due_days,
        late_joiner_days=assignment.late_joiner_days,
        enrolled_on=enrolled_on,
        start_date=start_date,
    )


def _counts_add(total: dict, more: dict) -> None:
    for key, value in more.items():
        total[key] = total.get(key, 0) + value


@transaction.atomic
def enrolments_sync(*, today: date | None = None, assignment_ids: Iterable[int] | None = None) -> dict:
    """Bring enrolments in line with each active assignment's live audience.

    Walks every assignment's whole audience (on assignment save, nightly and before
    reminders); `enrolments_refresh` applies the same rule to named people only.
    Idempotent.
    """
    today = today or timezone.localdate()
    assignments = Assignment.objects.prefetch_related("roles", "teams", "agencies", "people")
    if assignment_ids is not None:
        assignments = assignments.filter(pk__in=list(assignment_ids))
    counts = {"enrolled": 0, "removed": 0, "restored": 0, "updated": 0}
    for assignment in assignments:
        existing = {e.user_id: e for e in Enrolment.objects.filter(assignment=assignment)}
        audience: dict[int, date | None] = {}
        latest: dict[tuple[int, int], datetime] = {}
        if assignment.active:
            audience = dict(
                assignment_audience(assignment=assignment).values_list("pk", "profile__start_date")
            )
            latest = _latest_completions(user_ids=audience.keys(), module_ids=[assignment.module_id])
        changes = _EnrolmentChanges(today=today)
        for user_id in audience.keys() | existing.keys():
            changes.follow(
                assignment=assignment,
                user_id=user_id,
                member=user_id in audience,
                start_date=audience.get(user_id),
                enrolment=existing.get(user_id),
                last_completed=latest.get((user_id, assignment.module_id)),
            )
        _cycles_open_for_expired(targets=[(assignment, [u for u, _ in latest if u in audience])], today=today)
        _counts_add(counts, changes.apply())
    return counts


REFRESH_CHUNK = 500


@transaction.atomic
def enrolments_refresh(*, user_ids: Iterable[int], today: date | None = None) -> dict:
    """Bring just these people's enrolments in line with every assignment, after a change
    to their team, role, agency, start date or active state.

    The same rule as the nightly sync (`_EnrolmentChanges.follow`), deciding membership
    of only these people: one query answers "is this person in this audience?" for
    every assignment at once, so the number of queries does not grow with the number
    of assignments (people are taken in chunks of REFRESH_CHUNK). Other people are untouched.
    """
    today = today or timezone.localdate()
    ids = sorted({int(user_id) for user_id in user_ids})
    counts = {"enrolled": 0, "removed": 0, "restored": 0, "updated": 0}
    if not ids:
        return counts
    assignments = list(Assignment.objects.prefetch_related("roles", "teams", "agencies", "people"))
    columns = {
        f"in_assignment_{a.pk}": ExpressionWrapper(
            assignment_audience_q(assignment=a), output_field=BooleanField()
        )
        for a in assignments
        if a.active
    }
    module_ids = {a.module_id for a in assignments if a.active}
    for offset in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[offset : offset + REFRESH_CHUNK]
        people = list(
            User.objects.filter(pk__in=chunk)
            .order_by()
            .annotate(**columns)
            .values("pk", "profile__start_date", *columns)
        )
        existing = {(e.user_id, e.assignment_id): e for e in Enrolment.objects.filter(user_id__in=chunk)}
        latest = _latest_completions(user_ids=chunk, module_ids=module_ids) if module_ids else {}
        changes = _EnrolmentChanges(today=today)
        completed_members: dict[int, list[int]] = {}
        for person in people:
            user_id = person["pk"]
            for assignment in assignments:
                member = assignment.active and bool(person[f"in_assignment_{assignment.pk}"])
                last_completed = latest.get((user_id, assignment.module_id))
                changes.follow(
                    assignment=assignment,
                    user_id=user_id,
                    member=member,
                    start_date=person["profile__start_date"],
                    enrolment=existing.get((user_id, assignment.pk)),
                    last_completed=last_completed,
                )
                if member and last_completed is not None:
                    completed_members.setdefault(assignment.pk, []).append(user_id)
        _cycles_open_for_expired(
            targets=[(a, completed_members[a.pk]) for a in assignments if a.pk in completed_members],
            today=today,
        )
        _counts_add(counts, changes.apply())
    return counts


def _cycles_open_for_expired(*, targets: list[tuple[Assignment, list[int]]], today: date) -> None:
    """Recertification: when someone's completion expires, their progress in the module
    starts a new cycle (the earlier cycle's completion and certificate stay).

    `targets` pairs assignments with members who have a completion; one query reads
    their finished progress, whatever the number of assignments.
    """
    months_by_person_module: dict[tuple[int, int], list[int]] = {}
    for assignment, user_ids in targets:
        if assignment.recertify_months:
            for user_id in user_ids:
                key = (user_id, assignment.module_id)
                months_by_person_module.setdefault(key, []).append(assignment.recertify_months)
    if not months_by_person_module:
        return
    finished = ModuleProgress.objects.filter(
        module_id__in={module_id for _, module_id in months_by_person_module},
        user_id__in={user_id for user_id, _ in months_by_person_module},
        completed_at__isnull=False,
    ).select_related("user")
    for progress in finished:
        months = months_by_person_module.get((progress.user_id, progress.module_id), [])
        expired = any(
            not completion_is_current(
                completed_on=timezone.localdate(progress.completed_at), recertify_months=m, today=today
            )
            for m in months
        )
        if expired:
            module_cycle_open(user=progress.user, module_id=progress.module_id)


def _cycle_due_date(*, assignment: Assignment, base_due: date, last_completed: datetime | None) -> date:
    """After a completion expires under recertification, the next cycle is due at expiry."""
    if assignment.recertify_months and last_completed is not None:
        return recertification_due(
            completed_on=timezone.localdate(last_completed), recertify_months=assignment.recertify_months
        )
    return base_due


def enrolments_mark_complete(*, user: User, module_id: int, completed_at: datetime) -> int:
    """Record on the person's enrolments for a module that it is complete (called in the
    same transaction as the ModuleCompletion it mirrors)."""
    marked = Enrolment.objects.filter(user=user, module_id=module_id).update(completed_at=completed_at)
    team_learning_forget()  # an update sends no signal
    return marked


@transaction.atomic
def offline_completion_record(
    *,
    learner: User,
    module: ModulePage,
    completed_on: date,
    evidence: str,
    recorded_by: User,
    recognition: str = "",
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
        recognition=recognition,
        changed_by=recorded_by,
    )
    return completion


@transaction.atomic
def enrolment_due_date_change(
    *, enrolment: Enrolment, due_date: date, reason: str, changed_by: User
) -> Enrolment:
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
