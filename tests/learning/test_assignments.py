"""Assignments follow live audiences; changing them never erases completions; L&D changes are audited."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from learning.models import CompletionChange, Enrolment, ModuleCompletion
from learning.services import (
    enrolment_due_date_change,
    enrolments_sync,
    offline_completion_record,
)
from tests.cms.people.factories import RoleFactory, StaffProfileFactory, TeamFactory, UserFactory
from tests.learning.factories import AssignmentFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def _completed(user, module, when=datetime(2026, 11, 1, 10, 0), cycle=1):
    return ModuleCompletion.objects.create(
        user=user, module=module, cycle=cycle, completed_at=timezone.make_aware(when)
    )


def test_everyone_in_the_role_is_enrolled_with_the_fixed_date(make_module):
    """All social workers are assigned MI foundations, due by 31 March."""
    social_worker = RoleFactory(slug="social-worker", name="Social worker")
    module = make_module()
    workers = [StaffProfileFactory(role=social_worker) for _ in range(3)]
    StaffProfileFactory(role=RoleFactory(slug="probation-officer", name="Probation officer"))
    AssignmentFactory(module=module, roles=[social_worker])
    counts = enrolments_sync(today=TODAY)
    assert counts["enrolled"] == 3
    assert set(Enrolment.objects.values_list("user_id", flat=True)) == {p.user_id for p in workers}
    assert set(Enrolment.objects.values_list("due_date", flat=True)) == {date(2027, 3, 31)}


def test_sync_is_idempotent(make_module):
    team = TeamFactory()
    StaffProfileFactory(team=team)
    AssignmentFactory(module=make_module(), teams=[team])
    enrolments_sync(today=TODAY)
    again = enrolments_sync(today=TODAY)
    assert again == {"enrolled": 0, "removed": 0, "restored": 0, "updated": 0}
    assert Enrolment.objects.count() == 1


def test_someone_who_joins_a_team_picks_up_its_assignments_with_a_fair_date(make_module):
    """A worker moving into the Banbury team in April gets 28 days, not an overdue March date."""
    banbury = TeamFactory(name="Banbury")
    module = make_module()
    AssignmentFactory(module=module, teams=[banbury])
    mover = StaffProfileFactory()
    enrolments_sync(today=TODAY)
    assert not Enrolment.objects.filter(user=mover.user).exists()
    mover.team = banbury
    mover.save()
    enrolments_sync(today=date(2027, 4, 10))
    enrolment = Enrolment.objects.get(user=mover.user)
    assert enrolment.enrolled_on == date(2027, 4, 10)
    assert enrolment.due_date == date(2027, 5, 8)


def test_leavers_drop_out_but_keep_their_records(make_module):
    """A leaver's enrolment is marked removed and their completion stays."""
    team = TeamFactory()
    leaver = StaffProfileFactory(team=team)
    module = make_module()
    AssignmentFactory(module=module, teams=[team])
    enrolments_sync(today=TODAY)
    _completed(leaver.user, module)
    leaver.active = False
    leaver.save()
    counts = enrolments_sync(today=TODAY)
    assert counts["removed"] == 1
    enrolment = Enrolment.objects.get(user=leaver.user)
    assert enrolment.removed_on == TODAY
    assert ModuleCompletion.objects.filter(user=leaver.user, module=module).exists()


def test_changing_an_assignment_never_erases_completions(make_module):
    """L&D move the due date and narrow the audience; completions already earned stay."""
    team = TeamFactory()
    other = TeamFactory()
    done = StaffProfileFactory(team=team)
    StaffProfileFactory(team=team)
    module = make_module()
    assignment = AssignmentFactory(module=module, teams=[team])
    enrolments_sync(today=TODAY)
    _completed(done.user, module)
    enrolments_sync(today=TODAY)
    assert Enrolment.objects.get(user=done.user).completed_at is not None
    assignment.due_date = date(2027, 4, 30)
    assignment.save()
    assignment.teams.set([other])
    enrolments_sync(today=TODAY)
    assert ModuleCompletion.objects.filter(user=done.user).count() == 1
    assert Enrolment.objects.filter(removed_on=TODAY).count() == 2


def test_due_dates_follow_the_assignment_unless_set_by_hand(make_module):
    team = TeamFactory()
    a, b = StaffProfileFactory(team=team), StaffProfileFactory(team=team)
    assignment = AssignmentFactory(module=make_module(), teams=[team])
    enrolments_sync(today=TODAY)
    ld = UserFactory()
    enrolment_due_date_change(
        enrolment=Enrolment.objects.get(user=b.user),
        due_date=date(2027, 6, 1),
        reason="Long-term sick leave",
        changed_by=ld,
    )
    assignment.due_date = date(2027, 4, 30)
    assignment.save()
    enrolments_sync(today=TODAY)
    assert Enrolment.objects.get(user=a.user).due_date == date(2027, 4, 30)
    assert Enrolment.objects.get(user=b.user).due_date == date(2027, 6, 1)
    change = CompletionChange.objects.get(learner=b.user)
    assert change.changed_by == ld
    assert "Long-term sick leave" in change.reason


def test_recertification_opens_a_new_cycle_when_the_completion_expires(make_module):
    """An MI refresher every 12 months: last year's completion no longer counts and the next is due."""
    team = TeamFactory()
    person = StaffProfileFactory(team=team)
    module = make_module()
    AssignmentFactory(module=module, teams=[team], recertify_months=12)
    _completed(person.user, module, when=datetime(2025, 11, 1, 10, 0))
    enrolments_sync(today=TODAY)
    enrolment = Enrolment.objects.get(user=person.user)
    assert enrolment.completed_at is None
    assert enrolment.due_date == date(2026, 11, 1)
    assert ModuleCompletion.objects.filter(user=person.user).count() == 1


def test_named_people_are_enrolled_whatever_their_team(make_module):
    person = UserFactory()
    AssignmentFactory(module=make_module(), people=[person])
    enrolments_sync(today=TODAY)
    assert Enrolment.objects.filter(user=person).exists()


def test_switching_an_assignment_off_removes_its_enrolments(make_module):
    team = TeamFactory()
    StaffProfileFactory(team=team)
    assignment = AssignmentFactory(module=make_module(), teams=[team])
    enrolments_sync(today=TODAY)
    assignment.active = False
    assignment.save()
    assert enrolments_sync(today=TODAY)["removed"] == 1


def test_offline_completion_is_recorded_with_evidence_and_audited(make_module):
    """L&D record the two-day classroom MI course; it counts and the change is shown with who and why."""
    team = TeamFactory()
    learner = StaffProfileFactory(team=team).user
    module = make_module()
    AssignmentFactory(module=module, teams=[team])
    enrolments_sync(today=TODAY)
    ld = UserFactory()
    completion = offline_completion_record(
        learner=learner,
        module=module,
        completed_on=date(2026, 11, 20),
        evidence="Attendance sheet, 19-20 Nov",
        recorded_by=ld,
    )
    assert completion.source == ModuleCompletion.Source.OFFLINE
    assert Enrolment.objects.get(user=learner).completed_at == completion.completed_at
    change = CompletionChange.objects.get(completion=completion)
    assert (change.changed_by, change.action) == (ld, CompletionChange.Action.RECORDED_OFFLINE)


@pytest.mark.parametrize(
    ("completed_on", "evidence", "message"),
    [(date(2026, 11, 20), "  ", "evidence"), (date(2099, 1, 1), "Sheet", "future")],
)
def test_offline_completion_needs_evidence_and_a_past_date(make_module, completed_on, evidence, message):
    with pytest.raises(ValueError, match=message):
        offline_completion_record(
            learner=UserFactory(),
            module=make_module(),
            completed_on=completed_on,
            evidence=evidence,
            recorded_by=UserFactory(),
        )
    assert not ModuleCompletion.objects.exists()


def test_a_due_date_change_needs_a_reason(make_module):
    team = TeamFactory()
    StaffProfileFactory(team=team)
    AssignmentFactory(module=make_module(), teams=[team])
    enrolments_sync(today=TODAY)
    with pytest.raises(ValueError):
        enrolment_due_date_change(
            enrolment=Enrolment.objects.get(), due_date=date(2027, 5, 1), reason="", changed_by=UserFactory()
        )


def test_an_expired_completion_starts_a_new_cycle_of_progress(make_module):
    """A year on, the MI refresher is due again: the learner's progress starts afresh, the old
    completion stays."""
    from learning.models import ModuleProgress

    team = TeamFactory()
    person = StaffProfileFactory(team=team)
    module = make_module()
    AssignmentFactory(module=module, teams=[team], recertify_months=12)
    done_at = timezone.make_aware(datetime(2025, 11, 1, 10, 0))
    ModuleProgress.objects.create(
        user=person.user,
        module=module,
        lessons_completed=2,
        lessons_total=2,
        started_at=done_at,
        last_activity_at=done_at,
        completed_at=done_at,
    )
    _completed(person.user, module, when=datetime(2025, 11, 1, 10, 0))
    enrolments_sync(today=TODAY)
    progress = ModuleProgress.objects.get(user=person.user, module=module)
    assert (progress.cycle, progress.lessons_completed, progress.completed_at) == (2, 0, None)
    assert ModuleCompletion.objects.filter(user=person.user, module=module, cycle=1).exists()
    enrolments_sync(today=TODAY)
    assert ModuleProgress.objects.get(user=person.user, module=module).cycle == 2
