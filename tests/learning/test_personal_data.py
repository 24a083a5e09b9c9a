"""Subject access export, erasure that keeps historic figures true, and retention."""

import csv
import io
import json
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cms.people import roles
from cms.people.models import StaffProfile, User
from cms.people.roles import GROUP_LD_EDITORS, GROUP_LD_LEADS
from learning.models import CompletionChange, Enrolment, ModuleCompletion
from learning.selectors import readiness_totals
from learning.services import enrolments_sync, learning_record_export, person_erase, retention_apply
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory, staff_member
from tests.learning.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def _admin(*groups):
    user = UserFactory(groups=list(groups))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def learner(make_module, home_page):
    team = TeamFactory()
    profile = StaffProfileFactory(
        team=team, user__first_name="Priya", user__last_name="Shah", job_title="Social worker"
    )
    module = make_module()
    AssignmentFactory(module=module, teams=[team])
    enrolments_sync()
    ModuleCompletion.objects.create(
        user=profile.user, module=module, completed_at=timezone.now() - timedelta(days=2)
    )
    enrolments_sync()
    return profile.user


def test_export_contains_the_persons_learning(learner):
    record = learning_record_export(user=learner)
    assert record["person"][0]["first_name"] == "Priya"
    assert record["assignments"][0]["module"] == "Motivational interviewing foundations"
    assert len(record["completions"]) == 1
    json.dumps(record)


def test_ld_download_json_and_csv_and_others_cannot(client, learner):
    client.force_login(_admin(GROUP_LD_EDITORS))
    response = client.get(reverse("learning_person_export", args=[learner.pk, "json"]))
    assert response.status_code == 200
    assert response.json()["person"][0]["email"] == learner.email
    response = client.get(reverse("learning_person_export", args=[learner.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["person 1", "first_name", "Priya"] in rows
    assert client.get(reverse("learning_person_export", args=[learner.pk, "xml"])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("learning_person_export", args=[learner.pk, "json"])).status_code in {302, 403}


def test_erasure_anonymises_but_keeps_completions_in_history(learner):
    ld_lead = UserFactory()
    before = ModuleCompletion.objects.count()
    person_erase(user=learner, erased_by=ld_lead, reason="Request SAR-2026-114")
    learner.refresh_from_db()
    assert learner.first_name == "Erased person"
    assert "Priya" not in learner.get_full_name()
    assert learner.email.endswith("@erased.invalid")
    assert not learner.is_active
    assert not learner.has_usable_password()
    assert ModuleCompletion.objects.count() == before
    assert not StaffProfile.objects.get(user=learner).active
    assert CompletionChange.objects.filter(learner=learner, action="erased").exists()


def test_erasure_needs_a_reason_and_spares_administrators(learner):
    with pytest.raises(ValueError):
        person_erase(user=learner, erased_by=None, reason=" ")
    with pytest.raises(ValueError):
        person_erase(user=UserFactory(is_superuser=True), erased_by=None, reason="x")


def test_only_ld_leads_may_erase_in_the_admin(client, learner):
    url = reverse("learning_person_record", args=[learner.pk])
    client.force_login(_admin(GROUP_LD_EDITORS))
    response = client.post(url, {"action": "erase", "reason": "x", "confirm": "yes"})
    assert response.status_code in {302, 403}
    assert User.objects.get(pk=learner.pk).first_name == "Priya"
    client.force_login(_admin(GROUP_LD_LEADS))
    client.post(url, {"action": "erase", "reason": "", "confirm": "yes"})
    assert User.objects.get(pk=learner.pk).first_name == "Priya"
    client.post(url, {"action": "erase", "reason": "Request SAR-1", "confirm": "yes"})
    assert User.objects.get(pk=learner.pk).first_name == "Erased person"


def test_retention_erases_only_long_gone_leavers(learner):
    stayer = StaffProfileFactory().user
    profile = learner.profile
    profile.active = False
    with time_machine.travel(timezone.now() - timedelta(days=7 * 365)):
        profile.save()
    recent_leaver = StaffProfileFactory(active=False).user
    assert retention_apply() == 1
    assert User.objects.get(pk=learner.pk).first_name == "Erased person"
    assert User.objects.get(pk=stayer.pk).is_active
    assert User.objects.get(pk=recent_leaver.pk).first_name != "Erased person"
    assert retention_apply() == 0


def test_erased_people_drop_out_of_current_readiness(learner):
    assert readiness_totals(programme=None, today=timezone.localdate()).total == 1
    person_erase(user=learner, erased_by=None, reason="Request")
    assert readiness_totals(programme=None, today=timezone.localdate()).total == 0
    assert Enrolment.objects.filter(user=learner).exists()


@pytest.mark.parametrize(
    "role", [roles.TEAM_MANAGER, roles.SENIOR_MANAGER, roles.SOCIAL_WORKER, roles.RECRUITMENT]
)
def test_no_one_outside_ld_may_download_a_persons_record(client, learner, role):
    """A team manager, senior manager, learner or recruiter asking for someone's full record is refused."""
    client.force_login(staff_member(role=role, mfa=True))
    response = client.get(reverse("learning_person_export", args=[learner.pk, "json"]))
    assert response.status_code in {302, 403}
    assert learner.email not in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in_for_a_record(client, learner):
    """Nobody signed out gets a person's record: they are sent to sign in."""
    response = client.get(reverse("learning_person_export", args=[learner.pk, "csv"]))
    assert response.status_code == 302
    assert learner.email not in response.content.decode()
