"""Factories for people, organisation and pages (cms.people, cms.pages)."""

import factory
from django.contrib.auth.models import Group

from cms.people.models import Agency, Role, StaffProfile, Team, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@oxfordshire.gov.uk")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    kind = Agency.Kind.COUNCIL


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Family Safeguarding Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    locality = "Oxford"
    agency = factory.SubFactory(AgencyFactory)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.Sequence(lambda n: f"role-{n}")


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory(UserFactory)
    job_title = "Social worker"
    role = factory.SubFactory(RoleFactory, slug="social-worker", name="Social worker")
    team = factory.SubFactory(TeamFactory)
    agency = factory.SelfAttribute("team.agency")


def role_ensure(slug: str) -> Role:
    """The role with this slug (as roles_ensure makes it), created if the test database lacks it."""
    from cms.people.roles import ROLES

    return RoleFactory(slug=slug, name=ROLES.get(slug, slug))


def staff_member(
    *,
    role: str = "social-worker",
    team: Team | None = None,
    line_manager: User | None = None,
    active: bool = True,
    mfa: bool = False,
    **user_fields,
) -> User:
    """A person with a staff profile in `role`, their groups synced as the platform does.

    `mfa=True` gives them a TOTP authenticator so the admin's MFA gate lets them in.
    """
    from cms.people.services import role_groups_sync

    user = UserFactory(**user_fields)
    team = team if team is not None else TeamFactory()
    StaffProfileFactory(
        user=user,
        role=role_ensure(role),
        team=team,
        agency=team.agency,
        line_manager=line_manager,
        active=active,
        job_title=role.replace("-", " ").capitalize(),
    )
    role_groups_sync(user=user)
    if mfa:
        mfa_enrol(user)
    return user


def group_member(group_name: str | None) -> User:
    """A person in that group (in none for None), enrolled in two-step sign-in so that only the
    group's permissions decide what the admin lets them do."""
    from django.contrib.auth.models import Group

    user = UserFactory()
    if group_name:
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    return mfa_enrol(user)


def ld_editor_create() -> User:
    """An L&D editor (in the group, without a staff profile) enrolled in two-step sign-in, as the
    Wagtail admin asks."""
    from django.contrib.auth.models import Group

    from cms.people.services import groups_ensure

    groups_ensure()
    user = UserFactory()
    user.groups.add(Group.objects.get(name="L&D editors"))
    return mfa_enrol(user)


def mfa_enrol(user: User) -> User:
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return user
