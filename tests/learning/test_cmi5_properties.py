"""Whatever an AU sends, in whatever order, the cmi5 rules hold: the record never shows what the
spec forbids, and the lesson activity completes only on the statement that meets moveOn."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.models import ActivityCompletion, Cmi5Registration, Cmi5Session, XAPIStatement
from learning.selectors import LaunchGrant, platform_agent
from learning.services import LaunchRefused, launch_statements_store, xapi_launch
from learning.services.lrs import StatementRejected
from tests.cms.people.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
RESULTS = st.sampled_from(
    [
        None,
        {"completion": True},
        {"completion": False},
        {"success": True},
        {"success": False},
        {"success": True, "score": {"scaled": 0.9}},
        {"success": True, "score": {"scaled": 0.5}},
        {"success": False, "score": {"scaled": 0.3}},
    ]
)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["initialized", "completed", "passed", "failed", "terminated", "answered"]),
        RESULTS,
        st.booleans(),  # with the cmi5 category ("defined") or without ("allowed")
        st.booleans(),  # relaunch before this step
    ),
    max_size=8,
)


@pytest.fixture
def lesson(xapi_lesson):
    return xapi_lesson


def _grant(user, lesson, au_index):
    outcome = xapi_launch(
        user=user, lesson_id=lesson.pk, block_id="xapi-1", au_index=au_index, origin="http://t"
    )
    session = Cmi5Session.objects.select_related("registration").get(session_id=outcome.session_id)
    return LaunchGrant(
        session_pk=session.pk,
        session_id=outcome.session_id,
        user_id=user.pk,
        registration=outcome.registration,
        activity_id=session.activity_id,
        kind="cmi5",
        expires_at=session.expires_at,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, au_index=st.sampled_from([0, 1]))
def test_any_sequence_keeps_the_cmi5_record_sound(lesson, steps, au_index):
    user = UserFactory()
    grant = _grant(user, lesson, au_index)
    accepted: list[tuple[str, str, bool]] = []  # (session, verb, defined)
    for verb, result, defined, relaunch in steps:
        if relaunch:
            grant = _grant(user, lesson, au_index)
        statement = {
            "id": str(uuid.uuid4()),
            "actor": platform_agent(user_id=user.pk),
            "verb": {"id": ADL + verb},
            "object": {"objectType": "Activity", "id": grant.activity_id},
            "context": {
                "registration": grant.registration,
                "contextActivities": {"category": [{"id": CMI5}]} if defined else {},
                "extensions": {SESSION: grant.session_id},
            },
        }
        if result is not None:
            statement["result"] = result
        try:
            launch_statements_store(
                grant=grant, statements=[statement], version="1.0.3", authority=platform_agent(user_id=0)
            )
        except (LaunchRefused, StatementRejected):
            continue
        accepted.append((grant.session_id, verb, defined))

    defined_verbs = [(session, verb) for session, verb, defined in accepted if defined]
    for session_id in {session for session, _verb, _defined in accepted}:
        in_session = [(verb, defined) for session, verb, defined in accepted if session == session_id]
        assert in_session[0] == ("initialized", True), "a session starts with the defined initialized"
        if ("terminated", True) in in_session:
            assert in_session[-1] == ("terminated", True), "nothing follows terminated"
        defined_here = [verb for verb, defined in in_session if defined]
        assert len(defined_here) == len(set(defined_here)), "no defined verb twice in a session"
        assert not {"passed", "failed"} <= set(defined_here)
    assert [verb for _s, verb in defined_verbs].count("completed") <= 1
    assert [verb for _s, verb in defined_verbs].count("passed") <= 1
    verbs = [verb for _s, verb in defined_verbs]
    if "passed" in verbs:
        assert "failed" not in verbs[verbs.index("passed") :]
    registration = Cmi5Registration.objects.get(user=user)
    results = registration.au_results.get(registration.package_version.aus[au_index]["id"], {})
    meets = ("completed" in verbs) if au_index == 0 else ("passed" in verbs)
    assert bool(results.get("satisfied")) is meets
    # One AU alone never completes the two-AU course.
    assert not ActivityCompletion.objects.filter(user=user).exists()
    stored = XAPIStatement.objects.filter(user=user, verb=ADL + "completed").count()
    assert stored == [verb for _s, verb, _d in accepted].count("completed")
