"""Playing an MI scenario on server-rendered pages, without JavaScript, step by step."""

import pytest
from django.urls import reverse

from learning.models import ActivityCompletion, LessonProgress, ScenarioAttempt, ScenarioChoice
from learning.selectors import scenario_playable
from modules.models import Scenario
from tests.cms.people.factories import UserFactory
from tests.modules.factories import module_with_lessons, scenario_block, scenario_create, scenario_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return scenario_create(slug="dan")


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _response_id(scenario: Scenario, node: str, index: int) -> str:
    playable = scenario_playable(revision=scenario.live_revision)
    return playable.node(node).responses[index].id


def _start(client, scenario, **data) -> ScenarioAttempt:
    response = client.post(reverse("learning:scenario_start", args=[scenario.slug]), data)
    assert response.status_code == 302, response.content[:500]
    return ScenarioAttempt.objects.latest("pk")


def _respond(client, attempt, *, step, response_id, follow=False):
    return client.post(
        reverse("learning:scenario_respond", args=[attempt.pk]),
        {"step": step, "response": response_id},
        follow=follow,
    )


def test_a_learner_plays_a_scenario_to_the_end_without_javascript(client, learner, scenario):
    """Start, answer twice with plain form posts, and read the profile and transcript at the end."""
    page = client.get(reverse("learning:scenario_detail", args=["dan"]))
    assert page.status_code == 200
    assert "Start the conversation" in page.text
    attempt = _start(client, scenario)

    page = client.get(reverse("learning:scenario_attempt", args=[attempt.pk]))
    assert "Why are you here? Alfie&#x27;s fine." in page.text
    assert 'name="step" value="0"' in page.text
    assert page.text.count('name="response"') == 3

    answer = _respond(client, attempt, step=0, response_id=_response_id(scenario, "open", 0))
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/learning/scenarios/attempts/{attempt.pk}/#latest-reply")
    page = client.get(answer["Location"])
    assert "Dan\u2019s reply" in page.text
    assert "I do want him to be okay." in page.text
    assert "Feedback on your response" in page.text
    assert "coded as <strong>complex reflection</strong>, <strong>MI-consistent</strong>" in page.text
    assert '<meter id="meter-readiness"' in page.text
    assert "Readiness to change: <strong>5 out of 10</strong> (up 2)" in page.text

    answer = _respond(client, attempt, step=1, response_id=_response_id(scenario, "better", 0))
    assert answer["Location"].endswith(f"/learning/scenarios/attempts/{attempt.pk}/profile/#result-heading")
    result = client.get(answer["Location"])
    assert "Dan made a plan" in result.text
    assert "Your MI skills profile, against MITI thresholds" in result.text
    assert "Reflections to questions" in result.text
    assert "2 : 0 (no questions)" in result.text
    assert "Feedback on: You want the best for him." in result.text

    attempt.refresh_from_db()
    assert attempt.status == ScenarioAttempt.Status.COMPLETED
    assert (attempt.responses, attempt.reflections, attempt.complex_reflections, attempt.change_talk) == (
        2,
        2,
        1,
        1,
    )
    choices = list(attempt.choices.order_by("sequence"))
    assert [choice.code for choice in choices] == ["complex_reflection", "simple_reflection"]
    assert all(choice.chosen_at is not None for choice in choices)


def test_replaying_a_step_never_records_twice(client, learner, scenario):
    """The learner resubmits the same form (double click, refresh, Back): one choice is recorded."""
    attempt = _start(client, scenario)
    first = _respond(client, attempt, step=0, response_id=_response_id(scenario, "open", 1))
    again = _respond(client, attempt, step=0, response_id=_response_id(scenario, "open", 1), follow=True)
    assert first.status_code == 302
    assert again.status_code == 200
    assert "You had already answered that step; there is no undo." in again.text
    assert ScenarioChoice.objects.filter(attempt=attempt).count() == 1


def test_going_back_and_choosing_differently_is_not_an_undo(client, learner, scenario):
    """After answering, the old page's form (step 0) with another response changes nothing."""
    attempt = _start(client, scenario)
    _respond(client, attempt, step=0, response_id=_response_id(scenario, "open", 1))
    _respond(client, attempt, step=0, response_id=_response_id(scenario, "open", 0))
    attempt.refresh_from_db()
    assert attempt.current_node == "worse"
    assert list(attempt.choices.values_list("code", flat=True)) == ["confrontation"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"step": "0", "response": "not-a-response"}, "Choose one of the responses offered."),
        ({"step": "0"}, "Choose what you would say next."),
        ({"step": "zero", "response": "x"}, "Something went wrong with that form"),
        ({"response": "x"}, "Something went wrong with that form"),
    ],
)
def test_forged_or_broken_forms_get_a_clear_400(client, learner, scenario, data, message):
    attempt = _start(client, scenario)
    page = client.post(reverse("learning:scenario_respond", args=[attempt.pk]), data)
    assert page.status_code == 400
    assert message in page.text
    assert "There is a problem" in page.text
    assert not ScenarioChoice.objects.exists()


def test_a_response_from_another_node_is_refused(client, learner, scenario):
    """A forged choice that exists in the scenario but not at the current node is refused."""
    attempt = _start(client, scenario)
    page = _respond(client, attempt, step=0, response_id=_response_id(scenario, "better", 0))
    assert page.status_code == 400
    attempt.refresh_from_db()
    assert attempt.step_count == 0 and attempt.current_node == "open"


def test_posting_to_a_finished_run_goes_to_its_profile(client, learner, scenario):
    attempt = _start(client, scenario)
    _respond(client, attempt, step=0, response_id=_response_id(scenario, "open", 0))
    _respond(client, attempt, step=1, response_id=_response_id(scenario, "better", 0))
    late = _respond(client, attempt, step=1, response_id=_response_id(scenario, "better", 1))
    assert late.status_code == 302 and late["Location"].endswith("/profile/")
    assert client.get(reverse("learning:scenario_attempt", args=[attempt.pk])).status_code == 302
    assert ScenarioChoice.objects.filter(attempt=attempt).count() == 2


def test_restarting_closes_the_run_in_progress(client, learner, scenario):
    """There is no undo, but the learner can start again at any time."""
    first = _start(client, scenario)
    _respond(client, first, step=0, response_id=_response_id(scenario, "open", 1))
    second = _start(client, scenario)
    first.refresh_from_db()
    assert first.status == ScenarioAttempt.Status.RESTARTED
    assert second.step_count == 0 and second.current_node == "open"
    old = client.get(reverse("learning:scenario_attempt", args=[first.pk]), follow=True)
    assert "You started this scenario again" in old.text
    stale = _respond(client, first, step=1, response_id=_response_id(scenario, "worse", 0))
    assert stale.status_code == 302
    assert ScenarioChoice.objects.filter(attempt=first).count() == 1


def test_a_loop_can_be_walked_and_left(client, learner, scenario):
    """better -> worse -> better -> end: the state meters move and stay within 0 to 10."""
    attempt = _start(client, scenario)
    steps = [("open", 1), ("worse", 0), ("better", 1), ("worse", 0), ("better", 0)]
    for step, (node, index) in enumerate(steps):
        _respond(client, attempt, step=step, response_id=_response_id(scenario, node, index))
    attempt.refresh_from_db()
    assert attempt.status == ScenarioAttempt.Status.COMPLETED
    assert attempt.step_count == 5
    assert 0 <= attempt.readiness <= 10 and 0 <= attempt.openness <= 10
    assert attempt.sustain_talk == 2 and attempt.change_talk == 2


def test_editing_the_scenario_never_changes_a_run_in_progress(client, learner, scenario):
    """A run plays the revision it started on; response ids are stable across revisions."""
    attempt = _start(client, scenario)
    draft = scenario.get_latest_revision_as_object()
    draft.nodes[1].value["text"] = "Edited words."
    draft.save_revision().publish()
    republished = Scenario.objects.get(pk=scenario.pk)
    assert scenario_playable(revision=republished.live_revision).node("better").text == "Edited words."
    _respond(client, attempt, step=0, response_id=_response_id(republished, "open", 0))
    assert attempt.choices.get().reply_text == "I do want him to be okay."
    fresh = _start(client, republished)
    _respond(client, fresh, step=0, response_id=_response_id(republished, "open", 0))
    assert fresh.choices.get().reply_text == "Edited words."


def test_an_unpublished_scenario_cannot_be_played(client, learner):
    draft = scenario_create(slug="draft-only", live=False)
    assert client.get(reverse("learning:scenario_detail", args=[draft.slug])).status_code == 404
    assert client.post(reverse("learning:scenario_start", args=[draft.slug])).status_code == 404


def test_finishing_inside_a_lesson_completes_the_lesson_activity(client, learner, scenario, home_page):
    """Launched from a lesson's scenario block, reaching an end completes that block (and the lesson)."""
    block = scenario_block(scenario)
    _module, [lesson] = module_with_lessons(home_page, bodies=[[block]])
    detail = client.get(
        reverse("learning:scenario_detail", args=[scenario.slug]), {"lesson": lesson.pk, "block": block["id"]}
    )
    assert f'name="lesson" value="{lesson.pk}"' in detail.text
    attempt = _start(client, scenario, lesson=lesson.pk, block=block["id"])
    assert (attempt.lesson_id, attempt.block_id) == (lesson.pk, block["id"])
    _respond(client, attempt, step=0, response_id=_response_id(scenario, "open", 0))
    assert not ActivityCompletion.objects.exists()
    _respond(client, attempt, step=1, response_id=_response_id(scenario, "better", 0))
    completion = ActivityCompletion.objects.get()
    assert (completion.user, completion.lesson_id, completion.block_id) == (learner, lesson.pk, block["id"])
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is not None
    attempt.refresh_from_db()
    assert attempt.counted_for_lesson
    assert (
        "This counts towards your lesson."
        in client.get(reverse("learning:scenario_result", args=[attempt.pk])).text
    )


@pytest.mark.parametrize("case", ["unknown block", "other scenario", "not a number", "missing block"])
def test_lesson_launch_parameters_are_checked_on_the_server(client, learner, scenario, home_page, case):
    other = scenario_create(slug="other")
    block = scenario_block(other if case == "other scenario" else scenario)
    _module, [lesson] = module_with_lessons(home_page, bodies=[[block]])
    data = {
        "unknown block": {"lesson": lesson.pk, "block": "not-a-block"},
        "other scenario": {"lesson": lesson.pk, "block": block["id"]},
        "not a number": {"lesson": "1 OR 1=1", "block": block["id"]},
        "missing block": {"lesson": lesson.pk},
    }[case]
    assert client.get(reverse("learning:scenario_detail", args=[scenario.slug]), data).status_code == 404
    assert client.post(reverse("learning:scenario_start", args=[scenario.slug]), data).status_code == 404
    assert not ScenarioAttempt.objects.exists()


def test_a_run_below_the_minimum_profile_finishes_but_does_not_complete(client, learner, home_page):
    """The editor asks for 100% MI-consistent responses; a confrontation means the lesson is not complete."""
    document = scenario_document(slug="strict")
    document["scenario"]["minimum_profile"]["mi_consistent_percent"] = 100
    strict = scenario_create(document=document)
    block = scenario_block(strict)
    _module, [lesson] = module_with_lessons(home_page, bodies=[[block]])
    attempt = _start(client, strict, lesson=lesson.pk, block=block["id"])
    for step, (node, index) in enumerate([("open", 1), ("worse", 0), ("better", 0)]):
        _respond(client, attempt, step=step, response_id=_response_id(strict, node, index))
    attempt.refresh_from_db()
    assert attempt.status == ScenarioAttempt.Status.BELOW_MINIMUM
    assert not ActivityCompletion.objects.exists()
    page = client.get(reverse("learning:scenario_result", args=[attempt.pk]))
    assert "67% of your responses were MI-consistent; this scenario asks for at least 100%." in page.text


def test_a_scenario_step_makes_few_queries(client, learner, scenario, django_assert_max_num_queries):
    """Pinned: recording a step, and showing the next one, each take at most 10 queries."""
    attempt = _start(client, scenario)
    client.get(reverse("learning:scenario_attempt", args=[attempt.pk]))
    with django_assert_max_num_queries(10):
        answer = _respond(client, attempt, step=0, response_id=_response_id(scenario, "open", 1))
    assert answer.status_code == 302
    with django_assert_max_num_queries(10):
        page = client.get(reverse("learning:scenario_attempt", args=[attempt.pk]))
    assert page.status_code == 200


def test_the_learner_sees_their_profile_over_attempts(client, learner, scenario):
    """A chart (SVG with no style attributes) and a table of every finished attempt."""
    for path in ([("open", 1), ("worse", 1)], [("open", 0), ("better", 0)]):
        attempt = _start(client, scenario)
        for step, (node, index) in enumerate(path):
            _respond(client, attempt, step=step, response_id=_response_id(scenario, node, index))
    page = client.get(reverse("learning:scenario_progress", args=[scenario.slug]))
    assert page.status_code == 200
    assert "<svg" in page.text and 'role="img"' in page.text
    assert "style=" not in page.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Your results by attempt" in page.text
    assert page.text.count('scope="row"') == 2
    assert "0% " not in page.text or "n/a" in page.text
