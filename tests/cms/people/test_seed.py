"""The demo organisation: agencies, teams, about 60 staff plus 20 senior managers, demo logins."""

import io

import pytest
from allauth.account.models import EmailAddress

from cms.core.seeding import SeedContext
from cms.people import roles
from cms.people.demo.seed import demo_organisation, seed_people
from cms.people.models import Agency, StaffProfile, Team, User
from cms.people.selectors import managed_users

pytestmark = pytest.mark.django_db


def seed() -> SeedContext:
    context = SeedContext(stdout=io.StringIO(), password="demo-password-for-tests")
    seed_people(context)
    return context


def test_demo_organisation_is_complete_and_seeding_twice_creates_nothing_new():
    """`make run` seeds once; running seed_demo again must not duplicate anyone."""
    seed()
    counts = (
        Agency.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        StaffProfile.objects.count(),
    )
    seed()
    assert (
        Agency.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        StaffProfile.objects.count(),
    ) == counts
    assert {a.kind for a in Agency.objects.all()} == {"council", "police", "nhs", "probation"}
    assert Agency.objects.get(email_domain="oxfordshire.gov.uk").name == "Oxfordshire County Council"
    localities = set(
        Team.objects.filter(slug__startswith="family-safeguarding-").values_list("locality", flat=True)
    )
    assert localities == {"Oxford City", "Banbury", "Bicester", "Witney", "Abingdon", "Didcot"}
    seniors = StaffProfile.objects.filter(role__slug=roles.SENIOR_MANAGER)
    assert seniors.count() == 20
    assert {p.agency.kind for p in seniors} == {"council", "police", "nhs"}
    others = StaffProfile.objects.exclude(role__slug=roles.SENIOR_MANAGER).count()
    assert 55 <= others <= 70
    assert set(StaffProfile.objects.values_list("role__slug", flat=True)) == set(roles.ROLES)


def test_every_demo_login_can_sign_in_with_the_demo_password(client):
    """Each kind of user has a memorable login with a verified email, so allauth lets them in."""
    context = seed()
    assert [login.email for login in context.logins] == demo_organisation()["demo_login_order"]
    for login in context.logins:
        user = User.objects.get(email=login.email)
        assert user.check_password("demo-password-for-tests")
        assert EmailAddress.objects.filter(user=user, email=login.email, verified=True, primary=True).exists()
    response = client.post(
        "/accounts/login/", {"login": "learner@oxfordshire.gov.uk", "password": "demo-password-for-tests"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_demo_logins_have_the_roles_their_names_promise():
    seed()

    def role_of(local):
        return StaffProfile.objects.get(user__email=f"{local}@oxfordshire.gov.uk").role.slug

    assert role_of("learner") == roles.SOCIAL_WORKER
    assert role_of("manager") == roles.TEAM_MANAGER
    assert role_of("senior") == roles.SENIOR_MANAGER
    assert role_of("host") == roles.SOCIAL_WORKER
    assert role_of("ld") == roles.LEARNING_AND_DEVELOPMENT
    assert role_of("ldlead") == roles.LEARNING_AND_DEVELOPMENT_LEAD
    assert role_of("recruitment") == roles.RECRUITMENT
    assert User.objects.get(email="admin@oxfordshire.gov.uk").is_superuser
    manager = User.objects.get(email="manager@oxfordshire.gov.uk")
    assert User.objects.get(email="learner@oxfordshire.gov.uk") in managed_users(user=manager)
    assert manager.groups.filter(name=roles.GROUP_TEAM_MANAGERS).exists()


def test_everyone_but_the_top_has_a_line_manager():
    seed()
    without = StaffProfile.objects.filter(line_manager__isnull=True).values_list("user__email", flat=True)
    assert set(without) <= {
        "d.okafor@oxfordshire.gov.uk",
        "admin@oxfordshire.gov.uk",
        *[
            f"{local}@thamesvalley.police.uk"
            for local in ("k.ross", "t.naylor", "l.chambers", "g.mensah", "e.ford")
        ],
        *[f"{local}@nhs.net" for local in ("b.kaur", "i.campbell", "f.adeyemi", "h.lloyd", "w.turner")],
    }
