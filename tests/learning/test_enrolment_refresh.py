"""Enrolments follow a person within moments of a change to them, not the next night.

cms.people announces people whose placement or active state changed (after commit);
learning refreshes just those people's enrolments in a real Celery worker.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from cms.people import roles
from cms.people.models import StaffProfile, User
from cms.people.services import people_changed_announce, staff_member_create, staff_member_update
from cms.people.signals import people_changed
from learning.models import Enrolment
from learning.services import enrolments_refresh, enrolments_sync
from tests.cms.people.factories import (
    AgencyFactory,
    RoleFactory,
    StaffProfileFactory,
    TeamFactory,
    UserFactory,
    staff_member,
)
from tests.conftest import wait_for
from tests.learning.factories import AssignmentFactory


def _place(profile: StaffProfile, **changes) -> StaffProfile:
    """Save a person's placement as the admin's edit form does."""
    fields = {
        "first_name": profile.user.first_name,
        "last_name": profile.user.last_name,
        "job_title": profile.job_title,
        "role": profile.role,
        "team": profile.team,
        "agency": profile.agency,
        "line_manager": profile.line_manager,
        "start_date": profile.start_date,
        "active": profile.active,
    }
    return staff_member_update(profile=profile, **{**fields, **changes})


def _enrolled(user, assignment) -> bool:
    return Enrolment.objects.filter(user=user, assignment=assignment, removed_on__isnull=True).exists()


def _withdrawn(user, assignment) -> bool:
    return Enrolment.objects.filter(user=user, assignment=assignment, removed_on__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_a_new_starter_sees_their_team_module_on_my_learning(celery_worker, home_page, make_module, client):
    """HR adds a worker to Banbury FST; before the nightly sync, My learning lists its module."""
    banbury = TeamFactory(name="Banbury FST")
    module = make_module("Family Safeguarding essentials")
    assignment = AssignmentFactory(module=module, teams=[banbury])
    profile = staff_member_create(
        email="new.starter@oxfordshire.gov.uk",
        first_name="Nia",
        last_name="Evans",
        job_title="Social worker",
        role=None,
        team=banbury,
        agency=banbury.agency,
        line_manager=None,
        start_date=None,
        active=True,
    )

    wait_for(lambda: _enrolled(profile.user, assignment))
    client.force_login(profile.user)
    assert "Family Safeguarding essentials" in client.get(reverse("learning:my_learning")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_team_move_moves_them_between_team_assignments_and_leaves_others_alone(
    celery_worker, home_page, make_module
):
    """A move from Banbury to Witney brings Witney's module and withdraws Banbury's; colleagues untouched."""
    banbury, witney = TeamFactory(name="Banbury FST"), TeamFactory(name="Witney FST")
    banbury_module = AssignmentFactory(module=make_module("Banbury induction"), teams=[banbury])
    witney_module = AssignmentFactory(module=make_module("Witney induction"), teams=[witney])
    mover = StaffProfileFactory(team=banbury, agency=banbury.agency)
    stays = StaffProfileFactory(team=banbury, agency=banbury.agency)
    enrolments_sync()
    joined_witney_unsynced = StaffProfileFactory(team=witney, agency=witney.agency)

    _place(mover, team=witney, agency=witney.agency)

    wait_for(lambda: _enrolled(mover.user, witney_module) and _withdrawn(mover.user, banbury_module))
    assert _enrolled(stays.user, banbury_module)
    # Only the person named is refreshed: a colleague still waiting for the nightly sync is not enrolled yet.
    assert not Enrolment.objects.filter(user=joined_witney_unsynced.user).exists()


@pytest.mark.django_db(transaction=True)
def test_a_role_change_brings_the_new_roles_learning(celery_worker, home_page, make_module):
    """A social worker becomes a team manager: the managers' module arrives, the social workers' one goes."""
    worker_role = RoleFactory(slug="social-worker", name="Social worker")
    manager_role = RoleFactory(slug="team-manager", name="Team manager")
    for_workers = AssignmentFactory(module=make_module("Practice essentials"), roles=[worker_role])
    for_managers = AssignmentFactory(module=make_module("Leading group supervision"), roles=[manager_role])
    profile = StaffProfileFactory(role=worker_role)
    enrolments_sync()
    assert _enrolled(profile.user, for_workers)

    _place(profile, role=manager_role)

    wait_for(lambda: _enrolled(profile.user, for_managers) and _withdrawn(profile.user, for_workers))


@pytest.mark.django_db(transaction=True)
def test_a_leaver_is_withdrawn_and_a_returner_restored(celery_worker, home_page, make_module):
    """A leaver drops out of their team's learning; back again, the same enrolment returns."""
    team = TeamFactory()
    assignment = AssignmentFactory(module=make_module(), teams=[team])
    profile = StaffProfileFactory(team=team, agency=team.agency)
    enrolments_sync()
    first = Enrolment.objects.get(user=profile.user, assignment=assignment)

    _place(profile, active=False)
    wait_for(lambda: _withdrawn(profile.user, assignment))

    _place(StaffProfile.objects.get(pk=profile.pk), active=True)
    wait_for(lambda: _enrolled(profile.user, assignment))
    assert Enrolment.objects.get(user=profile.user, assignment=assignment).pk == first.pk


@pytest.mark.django_db(transaction=True)
def test_deactivating_and_reactivating_in_wagtails_users_screen_follows(
    celery_worker, home_page, make_module, client
):
    """An admin deactivates an account in bulk, then reactivates it on its edit page; enrolments follow."""
    team = TeamFactory()
    assignment = AssignmentFactory(module=make_module(), teams=[team])
    person = staff_member(team=team, first_name="Sam", last_name="Okafor")
    enrolments_sync()
    admin = UserFactory(is_superuser=True, is_staff=True)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(admin)

    bulk = reverse("wagtail_bulk_action", args=["people", "user", "set_active_state"])
    response = client.post(f"{bulk}?next=/admin/users/&id={person.pk}", {"mark_as_active": "False"})
    assert response.status_code == 302
    assert not User.objects.get(pk=person.pk).is_active
    wait_for(lambda: _withdrawn(person, assignment))

    edit = reverse("wagtailusers_users:edit", args=[person.pk])
    response = client.post(
        edit,
        {
            "email": person.email,
            "first_name": "Sam",
            "last_name": "Okafor",
            "is_active": "on",
            "groups": [g.pk for g in person.groups.all()],
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=person.pk).is_active
    wait_for(lambda: _enrolled(person, assignment))


@pytest.fixture
def announced():
    """Every `people_changed` signal sent during the test, as its list of user ids."""
    heard: list[list[int]] = []

    def listener(sender, user_ids, **kwargs):
        heard.append(user_ids)

    people_changed.connect(listener, dispatch_uid="test-people-changed-listener")
    yield heard
    people_changed.disconnect(dispatch_uid="test-people-changed-listener")


@pytest.mark.django_db
def test_one_transaction_announces_each_person_once_and_a_rollback_announces_nothing(
    django_capture_on_commit_callbacks, announced
):
    """An edit that saves a person twice, and a batch of edits, send one signal naming each person once."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        people_changed_announce(user_ids=[3, 1])
        people_changed_announce(user_ids=[1, 2, None])
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                people_changed_announce(user_ids=[9])
                raise RuntimeError("the edit failed")
        except RuntimeError:
            pass
    assert announced == [[1, 2, 3]]


@pytest.mark.django_db
def test_a_name_change_alone_announces_nothing_and_a_move_announces_the_person(
    django_capture_on_commit_callbacks, announced
):
    """Correcting a name or job title changes no audience; a team move names the person who moved."""
    profile = StaffProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _place(profile, first_name="Corrected", job_title="Senior practitioner")
    assert announced == []
    with django_capture_on_commit_callbacks(execute=True):
        _place(profile, team=TeamFactory())
    assert announced == [[profile.user_id]]


@pytest.mark.django_db
def test_refresh_queries_do_not_grow_with_the_number_of_assignments(
    make_module, django_assert_max_num_queries
):
    """With forty assignments live, refreshing a mover still takes a handful of queries."""
    team, other_team = TeamFactory(), TeamFactory()
    role = RoleFactory(slug=roles.SOCIAL_WORKER, name="Social worker")
    modules = [make_module(f"Module {n}") for n in range(4)]
    for n in range(40):
        AssignmentFactory(module=modules[n % 4], teams=[team if n % 2 else other_team], roles=[role])
    people = [StaffProfileFactory(team=team, role=role).user_id for _ in range(3)]
    enrolments_sync()
    StaffProfile.objects.filter(user_id__in=people).update(team=other_team)
    with django_assert_max_num_queries(11):
        counts = enrolments_refresh(user_ids=people)
    assert counts == {"enrolled": 0, "removed": 0, "restored": 0, "updated": 0}
    assert Enrolment.objects.filter(user_id__in=people, removed_on__isnull=True).count() == 3 * 40
    StaffProfile.objects.filter(user_id__in=people).update(role=None)
    with django_assert_max_num_queries(11):
        counts = enrolments_refresh(user_ids=people)
    assert counts["removed"] == 3 * 20


@pytest.mark.django_db(transaction=True)
def test_signing_up_places_the_person_and_their_agencys_learning_follows(
    celery_worker, home_page, make_module, client
):
    """A council worker signs up; the council-wide module is theirs before the nightly sync."""
    council = AgencyFactory(name="Oxfordshire County Council", email_domain="oxfordshire.gov.uk")
    assignment = AssignmentFactory(module=make_module("Working together"), agencies=[council])
    password = "a-long-pass-phrase-77"
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada.lovelace@oxfordshire.gov.uk",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="ada.lovelace@oxfordshire.gov.uk")
    wait_for(lambda: _enrolled(user, assignment))
