"""Subject access and erasure across the whole platform, driven by the personal-data registry.

Two people each get one row in every registered model. The export of one holds every
item of theirs and nothing of the other's; erasing one leaves nothing that identifies
them in any registered model, and the other's records exactly as they were.
"""

import json
import uuid
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.admin.models import EditingSession, FormState
from wagtail.contrib.forms.models import FormSubmission
from wagtail.log_actions import log
from wagtail.models import APIToken, Comment, CommentReply, PageSubscription, Site
from wagtail.users.models import UserProfile

from cms.core.models import MessageSent
from cms.core.personal_data import Erasure, registered
from cms.people.models import Invitation, StaffProfile
from learning.models import (
    ActivityCompletion,
    Certificate,
    Cmi5Registration,
    Cmi5Session,
    CompletionChange,
    H5PAttempt,
    H5PPlayerState,
    KnowledgeCheckAttempt,
    LessonProgress,
    LrsDocument,
    ModuleCompletion,
    ModuleProgress,
    Reflection,
    ScenarioChoice,
    ScormAttempt,
    XAPIStatement,
)
from learning.services import enrolments_sync, learning_record_csv, learning_record_export, person_erase
from modules.models import (
    H5PPackage,
    H5PPackageVersion,
    ScormPackage,
    ScormPackageVersion,
    XapiPackage,
    XapiPackageVersion,
)
from practiceweek.models import Booking, BookingEvent
from practiceweek.models import Reflection as VisitReflection
from tests.cms.pages.factories import ExpressionOfInterestPageFactory, RecruitmentPageFactory
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.learning.factories import AssignmentFactory, ScenarioAttemptFactory
from tests.modules.factories import module_with_lessons, text_block
from tests.practiceweek.factories import SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(home_page):
    """What both people's records hang off: a module with a lesson, an H5P package, a form, a team."""
    Site.clear_site_root_paths_cache()
    module, (lesson,) = module_with_lessons(home_page, bodies=[[text_block()]])
    package = H5PPackage.objects.create(title="Check your understanding")
    version = H5PPackageVersion.objects.create(package=package, number=1)
    scorm_version = ScormPackageVersion.objects.create(
        package=ScormPackage.objects.create(title="Recording what families tell us"), number=1
    )
    xapi_version = XapiPackageVersion.objects.create(
        package=XapiPackage.objects.create(title="Family Safeguarding Model quiz"), number=1
    )
    form = ExpressionOfInterestPageFactory(parent=RecruitmentPageFactory(parent=home_page))
    team = TeamFactory()
    AssignmentFactory(module=module, teams=[team])
    return {
        "home": home_page,
        "module": module,
        "lesson": lesson,
        "version": version,
        "scorm_version": scorm_version,
        "xapi_version": xapi_version,
        "form": form,
        "team": team,
    }


def _one_of_everything(places, *, first_name: str, last_name: str, secret: str):
    """A person with a row in every registered model; every free text they wrote carries `secret`."""
    now = timezone.now()
    module, lesson = places["module"], places["lesson"]
    profile = StaffProfileFactory(
        team=places["team"],
        agency=places["team"].agency,
        user__first_name=first_name,
        user__last_name=last_name,
    )
    user = profile.user
    ld = UserFactory()
    enrolments_sync()
    log(instance=profile, action="wagtail.edit", user=ld)
    Invitation.objects.create(
        email=user.email, token_hash=uuid.uuid4().hex, expires_at=now + timedelta(days=14), accepted_user=user
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": f"TOTP-{secret}"})
    SocialAccount.objects.create(
        user=user,
        provider="microsoft",
        uid=uuid.uuid4().hex,
        extra_data={"displayName": f"{first_name} {last_name}"},
    )
    UserProfile.get_for_user(user)
    PageSubscription.objects.create(page=places["home"], user=user, comment_notifications=True)
    comment = Comment.objects.create(
        page=places["home"], user=user, text="Check the dates", contentpath="title"
    )
    CommentReply.objects.create(comment=comment, user=user, text="Dates checked")
    APIToken.objects.create(user=user, name="Reports", key_hash=uuid.uuid4().hex, prefix="abc")
    page_type = ContentType.objects.get_for_model(places["home"])
    FormState.objects.create(
        user=user,
        data=f"draft {secret}",
        content_type=page_type,
        object_id=str(places["home"].pk),
        parent_object_id="",
        last_updated_at=now,
    )
    EditingSession.objects.create(
        user=user, content_type=page_type, object_id=str(places["home"].pk), last_seen_at=now
    )
    FormSubmission.objects.create(
        page=places["form"],
        form_data={
            "full_name": f"{first_name} {last_name}",
            "email_address": user.email.upper(),
            "why": secret,
        },
    )
    completion = ModuleCompletion.objects.create(user=user, module=module, completed_at=now)
    Certificate.objects.create(
        completion=completion,
        user=user,
        module=module,
        code=uuid.uuid4().hex[:10].upper(),
        learner_name=f"{first_name} {last_name}",
        module_title=module.title,
        completed_on=now.date(),
        created_at=now,
    )
    ModuleProgress.objects.create(user=user, module=module, started_at=now, last_activity_at=now)
    LessonProgress.objects.create(user=user, lesson=lesson, module=module, started_at=now)
    ActivityCompletion.objects.create(user=user, lesson=lesson, block_id="h5p-1", completed_at=now)
    KnowledgeCheckAttempt.objects.create(
        user=user, lesson=lesson, block_id="check-1", score_percent=100, passed=True, created_at=now
    )
    Reflection.objects.create(
        user=user,
        lesson=lesson,
        block_id="reflect-1",
        text=f"I felt {secret}",
        created_at=now,
        updated_at=now,
    )
    attempt = ScenarioAttemptFactory(user=user, scenario_title="Dan")
    ScenarioChoice.objects.create(
        attempt=attempt,
        sequence=1,
        node_key="start",
        response_id="r1",
        response_text="It sounds like you want things to change.",
        code="CR",
        mi_consistent=True,
        feedback="A complex reflection.",
        next_node="end-good",
        readiness_after=6,
        openness_after=6,
        chosen_at=now,
    )
    statement = XAPIStatement.objects.create(
        statement_id=uuid.uuid4(),
        user=user,
        lesson=lesson,
        block_id="h5p-1",
        verb="http://adlnet.gov/expapi/verbs/answered",
        payload={"verb": {"id": "answered"}, "result": {"response": f"My answer {secret}", "success": True}},
    )
    H5PAttempt.objects.create(
        user=user,
        lesson=lesson,
        block_id="h5p-1",
        package_version=places["version"],
        statement=statement,
        verb="answered",
    )
    H5PPlayerState.objects.create(
        user=user, lesson=lesson, block_id="h5p-1", data=json.dumps({"note": secret})
    )
    LrsDocument.objects.create(
        kind=LrsDocument.Kind.STATE,
        scope_hash=f"state-of-{user.pk}",
        activity_id="http://example.org/course",
        agent_key=f"mbox:mailto:{user.email}",
        document_id="bookmark",
        user=user,
        content=json.dumps({"note": secret}).encode(),
        content_type="application/json",
        etag="0" * 40,
        updated_at=now,
    )
    ScormAttempt.objects.create(
        user=user,
        lesson=lesson,
        block_id="scorm-1",
        package_version=places["scorm_version"],
        sco="recording-sco",
        completion_status="passed",
        suspend_data=f"page=3;note={secret}",
        cmi={"cmi.interactions.0.id": "q1", "cmi.interactions.0.student_response": f"My words {secret}"},
    )
    registration = Cmi5Registration.objects.create(
        user=user, lesson=lesson, block_id="xapi-1", package_version=places["xapi_version"]
    )
    Cmi5Session.objects.create(
        registration=registration,
        au_id="https://x.example/au",
        activity_id="https://x.example/a",
        launched_at=now,
        expires_at=now,
    )
    MessageSent.objects.create(key=f"due-soon:{user.pk}", kind="due-soon", user=user)
    CompletionChange.objects.create(
        learner=user,
        module=module,
        action=CompletionChange.Action.RECORDED_OFFLINE,
        reason=f"Seen {secret}",
        changed_by=ld,
    )
    hosted = SlotFactory(hosts=[user])
    booking = Booking.objects.create(
        slot=SlotFactory(), user=user, status=Booking.Status.CONFIRMED, queued_at=now
    )
    BookingEvent.objects.create(
        booking=booking, at=now, actor=user, action="booked", note=f"Asked by {secret}"
    )
    VisitReflection.objects.create(booking=booking, text=f"The visit {secret}")
    return user, hosted


def _rows_of(entry) -> str:
    """Every row of a registered model, all fields, as text."""
    return json.dumps(list(entry.model._default_manager.values()), default=str)


def test_the_export_holds_one_of_everything_and_no_one_elses(places):
    """Zuleika asks for all held about her: every registered kind of record, none of Bartholomew's."""
    zuleika, _ = _one_of_everything(places, first_name="Zuleika", last_name="Farquharson", secret="ZSECRET")
    bartholomew, _ = _one_of_everything(
        places, first_name="Bartholomew", last_name="Okonkwo", secret="BSECRET"
    )

    record = learning_record_export(user=zuleika)

    empty = [entry.section for entry in registered() if not record.get(entry.section)]
    assert not empty, f"sections with nothing exported: {empty}"
    text = json.dumps(record)
    for found in (
        "Zuleika",
        "Farquharson",
        zuleika.email,
        "I felt ZSECRET",
        "My answer ZSECRET",
        "The visit ZSECRET",
    ):
        assert found in text
    for foreign in ("Bartholomew", "Okonkwo", bartholomew.email, "BSECRET"):
        assert foreign not in text
    assert "TOTP-ZSECRET" not in text  # an authenticator's secret is never exported
    assert record["sign_in_methods"] == [
        {"type": "totp", "created_at": record["sign_in_methods"][0]["created_at"], "last_used_at": None}
    ]
    assert record["scenario_runs"][0]["choices"][0]["response"] == "It sounds like you want things to change."
    csv_text = learning_record_csv(user=zuleika)
    assert "ZSECRET" in csv_text
    assert "BSECRET" not in csv_text


def test_erasure_leaves_nothing_identifying_in_any_registered_model(places):
    """Zuleika is erased: no registered model keeps her name, email or words; Bartholomew's are untouched."""
    zuleika, _ = _one_of_everything(places, first_name="Zuleika", last_name="Farquharson", secret="ZSECRET")
    bartholomew, _ = _one_of_everything(
        places, first_name="Bartholomew", last_name="Okonkwo", secret="BSECRET"
    )
    identifying = ["Zuleika", "Farquharson", zuleika.email, "ZSECRET"]
    others_before = learning_record_export(user=bartholomew)
    counts_before = {entry.section: entry.model._default_manager.count() for entry in registered()}

    person_erase(user=zuleika, erased_by=UserFactory(), reason="Request SAR-2026-114")

    for entry in registered():
        rows = _rows_of(entry)
        leaks = [value for value in identifying if value.lower() in rows.lower()]
        assert not leaks, f"{entry.label} still holds {leaks}"
        if entry.erasure == Erasure.DELETE:
            assert not entry.rows(zuleika).exists(), f"{entry.label} rows were not deleted"
    assert "ZSECRET" not in json.dumps(learning_record_export(user=zuleika))
    assert learning_record_export(user=bartholomew) == others_before
    for entry in registered():
        if entry.erasure != Erasure.DELETE:
            kept = entry.model._default_manager.count()
            assert kept >= counts_before[entry.section], f"{entry.label} lost rows it should keep"
    assert ModuleCompletion.objects.filter(user=zuleika).count() == 1
    assert not StaffProfile.objects.get(user=zuleika).active
