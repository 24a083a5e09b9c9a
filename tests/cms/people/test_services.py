"""People services: roles, permission groups, staff profiles (cms.people.services)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow

from cms.people import roles
from cms.people.models import Role, StaffProfile
from cms.people.services import (
    email_address_verify,
    group_permissions_grant,
    groups_ensure,
    page_permissions_grant,
    role_groups_sync,
    roles_ensure,
    staff_member_create,
    staff_member_update,
    staff_profile_ensure,
)
from tests.cms.people.factories import AgencyFactory, TeamFactory, UserFactory, role_ensure, staff_member

pytestmark = pytest.mark.django_db


def group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_migrate_leaves_every_role_and_role_group_in_place():
    """A fresh database already has the roles and their groups (post_migrate runs groups_ensure)."""
    assert set(Role.objects.values_list("slug", flat=True)) >= set(roles.ROLES)
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_MANAGED_GROUPS)


def test_groups_ensure_is_idempotent():
    """Running the set-up again (every migrate and seed does) duplicates nothing."""
    groups_ensure()
    counts = (Group.objects.count(), Permission.objects.count(), GroupPagePermission.objects.count())
    groups_ensure()
    roles_ensure()
    assert (Group.objects.count(), Permission.objects.count(), GroupPagePermission.objects.count()) == counts
    assert Workflow.objects.filter(name=roles.LD_APPROVAL_WORKFLOW).count() == 1


def test_ld_groups_are_wagtail_editors_and_only_leads_publish():
    """L&D editors may add and edit pages across the site; only L&D leads may publish."""
    groups_ensure()
    root = Page.get_first_root_node()

    def page_codenames(group_name):
        return set(
            GroupPagePermission.objects.filter(group__name=group_name, page=root).values_list(
                "permission__codename", flat=True
            )
        )

    assert {"add_page", "change_page"} <= page_codenames(roles.GROUP_LD_EDITORS)
    assert "publish_page" not in page_codenames(roles.GROUP_LD_EDITORS)
    assert {"add_page", "change_page", "publish_page"} <= page_codenames(roles.GROUP_LD_LEADS)
    for group_name in (roles.GROUP_LD_EDITORS, roles.GROUP_LD_LEADS, roles.GROUP_RECRUITMENT):
        assert Group.objects.get(name=group_name).permissions.filter(codename="access_admin").exists()
    for group_name in (roles.GROUP_STAFF, roles.GROUP_TEAM_MANAGERS, roles.GROUP_SENIOR_MANAGERS):
        assert not Group.objects.get(name=group_name).permissions.exists()


def test_ld_approval_workflow_is_approved_by_ld_leads():
    """Modules are moderated by the "L&D approval" workflow, whose one task L&D leads approve."""
    groups_ensure()
    workflow = Workflow.objects.get(name=roles.LD_APPROVAL_WORKFLOW)
    tasks = [task.specific for task in workflow.tasks]
    assert len(tasks) == 1
    assert isinstance(tasks[0], GroupApprovalTask)
    assert list(tasks[0].groups.values_list("name", flat=True)) == [roles.GROUP_LD_LEADS]


def test_group_permissions_grant_skips_unknown_permissions():
    group = group_permissions_grant(
        group_name=roles.GROUP_RECRUITMENT, permissions=["people.view_team", "nosuchapp.do_things"]
    )
    assert group.permissions.filter(codename="view_team").exists()


def test_page_permissions_grant_is_idempotent():
    root = Page.get_first_root_node()
    for _ in range(2):
        page_permissions_grant(group_name=roles.GROUP_RECRUITMENT, page=root, codenames=["change_page"])
    assert GroupPagePermission.objects.filter(group__name=roles.GROUP_RECRUITMENT, page=root).count() == 1


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (roles.SOCIAL_WORKER, {roles.GROUP_STAFF}),
        (roles.PROBATION_OFFICER, {roles.GROUP_STAFF}),
        (roles.TEAM_MANAGER, {roles.GROUP_STAFF, roles.GROUP_TEAM_MANAGERS}),
        (roles.SENIOR_MANAGER, {roles.GROUP_STAFF, roles.GROUP_SENIOR_MANAGERS}),
        (roles.LEARNING_AND_DEVELOPMENT, {roles.GROUP_STAFF, roles.GROUP_LD_EDITORS}),
        (
            roles.LEARNING_AND_DEVELOPMENT_LEAD,
            {roles.GROUP_STAFF, roles.GROUP_LD_EDITORS, roles.GROUP_LD_LEADS},
        ),
        (roles.RECRUITMENT, {roles.GROUP_STAFF, roles.GROUP_RECRUITMENT}),
    ],
)
def test_groups_follow_the_role(role, expected):
    """Each role puts the person in its permission groups, and only those."""
    assert group_names(staff_member(role=role)) == expected


def test_changing_role_moves_groups_and_keeps_groups_added_by_hand():
    """A social worker promoted to team manager gains the manager group; a hand-made group stays."""
    user = staff_member(role=roles.SOCIAL_WORKER)
    user.groups.add(Group.objects.create(name="Practice week hosts"))
    user.profile.role = role_ensure(roles.TEAM_MANAGER)
    user.profile.save()
    role_groups_sync(user=user)
    assert group_names(user) == {roles.GROUP_STAFF, roles.GROUP_TEAM_MANAGERS, "Practice week hosts"}


def test_leaver_loses_every_role_group():
    """An L&D editor who leaves can no longer edit content: their role groups go."""
    user = staff_member(role=roles.LEARNING_AND_DEVELOPMENT)
    StaffProfile.objects.filter(user=user).update(active=False)
    role_groups_sync(user=user)
    assert group_names(user) == set()


def test_superusers_groups_are_untouched():
    user = UserFactory(is_superuser=True, groups=["Editors"])
    role_groups_sync(user=user)
    assert group_names(user) == {"Editors"}


def test_person_without_profile_or_role_is_staff():
    user = UserFactory()
    role_groups_sync(user=user)
    assert group_names(user) == {roles.GROUP_STAFF}


def test_staff_profile_ensure_infers_agency_from_email_domain_and_is_idempotent():
    """A new police sign-up lands in Thames Valley Police; asking again changes nothing."""
    police = AgencyFactory(name="Thames Valley Police", slug="tvp", email_domain="thamesvalley.police.uk")
    user = UserFactory(email="officer@ThamesValley.Police.uk")
    profile = staff_profile_ensure(user=user)
    assert profile.agency == police
    assert staff_profile_ensure(user=user).pk == profile.pk
    assert StaffProfile.objects.filter(user=user).count() == 1
    assert group_names(user) == {roles.GROUP_STAFF}


def test_staff_profile_ensure_leaves_agency_blank_when_the_domain_is_shared_or_unknown():
    """nhs.net is shared by many trusts: with two agencies on it, we do not guess."""
    AgencyFactory(slug="trust-a", email_domain="nhs.net")
    AgencyFactory(slug="trust-b", email_domain="nhs.net")
    assert staff_profile_ensure(user=UserFactory(email="nurse@nhs.net")).agency is None
    assert staff_profile_ensure(user=UserFactory(email="someone@example.org")).agency is None


def test_staff_profile_ensure_keeps_an_existing_profile():
    user = staff_member(role=roles.TEAM_MANAGER)
    team = user.profile.team
    assert staff_profile_ensure(user=user).team == team


def test_staff_member_create_verifies_email_and_syncs_groups():
    """L&D adding a person in the admin: the council vouches for the address, groups follow the role."""
    team = TeamFactory()
    profile = staff_member_create(
        email="new.manager@oxfordshire.gov.uk",
        first_name="New",
        last_name="Manager",
        job_title="Team manager",
        role=role_ensure(roles.TEAM_MANAGER),
        team=team,
        agency=team.agency,
        line_manager=None,
        start_date=None,
        active=True,
    )
    assert not profile.user.has_usable_password()
    assert EmailAddress.objects.get(user=profile.user).verified
    assert group_names(profile.user) == {roles.GROUP_STAFF, roles.GROUP_TEAM_MANAGERS}


def test_staff_member_update_refuses_a_management_loop():
    """A manager cannot be made to report to someone they manage."""
    manager = staff_member(role=roles.TEAM_MANAGER)
    report = staff_member(line_manager=manager)
    profile = manager.profile
    with pytest.raises(ValueError, match="own line manager"):
        staff_member_update(
            profile=profile,
            first_name="A",
            last_name="B",
            job_title="",
            role=profile.role,
            team=profile.team,
            agency=profile.agency,
            line_manager=report,
            start_date=None,
            active=True,
        )


def test_staff_member_update_marks_a_leaver_who_can_no_longer_sign_in():
    user = staff_member()
    profile = user.profile
    staff_member_update(
        profile=profile,
        first_name=user.first_name,
        last_name=user.last_name,
        job_title=profile.job_title,
        role=profile.role,
        team=profile.team,
        agency=profile.agency,
        line_manager=None,
        start_date=None,
        active=False,
    )
    user.refresh_from_db()
    assert not user.is_active
    assert StaffProfile.objects.filter(user=user, active=False).exists()


def test_email_address_verify_makes_one_verified_primary_address():
    user = UserFactory()
    EmailAddress.objects.create(user=user, email="old@oxfordshire.gov.uk", primary=True, verified=False)
    email_address_verify(user=user)
    email_address_verify(user=user)
    address = EmailAddress.objects.get(user=user, email=user.email)
    assert address.verified and address.primary
    assert EmailAddress.objects.filter(user=user, primary=True).count() == 1
