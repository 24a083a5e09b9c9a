"""Hostile input to every place learning stores text: never a 500, a clear refusal or a faithful store.

Each property posts generated text (NUL, lone surrogates, control characters, very
long strings, huge numbers) through the entry point learners use and checks the row
afterwards: it holds exactly what was sent, or it is as it was before the request.
"""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learning.models import H5PPlayerState, KnowledgeCheckAttempt, Reflection, ScenarioChoice, XAPIStatement
from learning.services import MAX_VERB_IRI, StatementInvalid, scenario_attempt_start, statement_parse
from tests.cms.people.factories import UserFactory
from tests.hostile import FORM, as_received, form_body, hostile_settings, hostile_text, huge_numbers
from tests.learning.xapi_statements import statement
from tests.modules.factories import (
    h5p_activity_block,
    h5p_package_ready,
    knowledge_check_block,
    module_with_lessons,
    reflection_block,
    scenario_create,
)

pytestmark = pytest.mark.django_db

STATEMENTS = "/learning/xapi/statements/"
STATE = "/learning/xapi/state/"


@pytest.fixture
def lesson(home_page, settings, tmp_path):
    """A live lesson with a reflection prompt, a knowledge check and an H5P activity."""
    settings.MEDIA_ROOT = tmp_path
    package = h5p_package_ready()
    _module, (lesson,) = module_with_lessons(
        home_page,
        bodies=[
            [
                reflection_block(id="reflect-1"),
                knowledge_check_block(id="check-1"),
                h5p_activity_block(package=package, id="h5p-1"),
            ]
        ],
    )
    return lesson


@pytest.fixture
def learner_client(client):
    client.force_login(UserFactory())
    return client


def _reflection_text(user, lesson) -> str | None:
    return (
        Reflection.objects.filter(user=user, lesson=lesson, block_id="reflect-1")
        .values_list("text", flat=True)
        .first()
    )


@hostile_settings
@given(text=hostile_text)
def test_a_reflection_is_saved_as_written_or_refused_with_the_text_shown_again(learner_client, lesson, text):
    """A reflection in any characters is stored exactly, or refused with a message and kept on screen."""
    user = learner_client.session["_auth_user_id"]
    before = _reflection_text(user, lesson)
    response = learner_client.post(
        f"/learning/lessons/{lesson.pk}/reflections/reflect-1/",
        data=form_body({"text": text}),
        content_type=FORM,
    )
    received = as_received(text).strip()
    assert response.status_code in {302, 400}
    after = _reflection_text(user, lesson)
    if response.status_code == 302:
        assert after == received
    else:
        assert after == before
        page = response.content.decode()
        assert "govuk-error-message" in page
        assert "\x00" not in page


@hostile_settings
@given(options=st.lists(hostile_text, max_size=25))
def test_a_knowledge_check_answer_is_marked_or_refused_never_a_server_error(learner_client, lesson, options):
    """Forged option ids in an answer are refused with a message; nothing is recorded for them."""
    before = KnowledgeCheckAttempt.objects.count()
    response = learner_client.post(
        f"/learning/lessons/{lesson.pk}/checks/check-1/",
        data=form_body({"option": options}),
        content_type=FORM,
    )
    assert response.status_code in {302, 400}
    assert KnowledgeCheckAttempt.objects.count() == before + (1 if response.status_code == 302 else 0)


def _post_statement(client, lesson, data):
    body = json.dumps({"lesson_id": lesson.pk, "block_id": "h5p-1", "statement": data})
    return client.post(STATEMENTS, data=body, content_type="application/json")


def _stored_or_refused(response, data):
    assert response.status_code in {201, 400, 413}, response.content
    stored = XAPIStatement.objects.filter(statement_id=data["id"]).first()
    if response.status_code == 201:
        assert stored.payload == {key: value for key, value in data.items() if key != "actor"}
    else:
        assert response.json()["error"]
        assert stored is None


TEXT_PLACES = [
    lambda data, text: data["result"].update(response=text),
    lambda data, text: data["verb"].update(display={"en-GB": text}),
    lambda data, text: data["object"]["definition"].update(name={"en-GB": text}),
    lambda data, text: data["object"]["definition"]["extensions"].update({"http://x/" + text[:20]: text}),
    lambda data, text: data["context"].update(extensions={"http://example.org/note": text}),
    lambda data, text: data["result"].update(duration=text),
    lambda data, text: data.update(timestamp=text),
    lambda data, text: data["verb"].update(id="http://adlnet.gov/expapi/verbs/" + text),
    lambda data, text: data["object"].update(id="http://example.org/" + text),
]


@hostile_settings
@given(place=st.sampled_from(range(len(TEXT_PLACES))), text=hostile_text)
def test_hostile_text_anywhere_in_a_statement_is_stored_faithfully_or_refused(
    learner_client, lesson, place, text
):
    """An H5P player (or a script) sending odd text in a statement gets a stored statement or a clear 400."""
    data = statement()
    TEXT_PLACES[place](data, text)
    _stored_or_refused(_post_statement(learner_client, lesson, data), data)


SCORE_PLACES = ["raw", "min", "max", "scaled"]


@hostile_settings
@given(field=st.sampled_from(SCORE_PLACES), number=huge_numbers)
def test_any_number_in_a_score_is_stored_faithfully_or_refused_with_a_400(
    learner_client, lesson, field, number
):
    """A 400-digit score (once an OverflowError) or any other number: stored as sent, or a clear 400."""
    data = statement()
    data["result"]["score"][field] = number
    _stored_or_refused(_post_statement(learner_client, lesson, data), data)


@hostile_settings
@given(number=huge_numbers)
def test_any_number_in_an_extension_is_stored_faithfully_or_refused_with_a_400(
    learner_client, lesson, number
):
    """Huge numbers deep inside a statement's extensions never reach the database unchecked."""
    data = statement()
    data["result"]["extensions"] = {"http://h5p.org/x-api/alternatives": [{"n": number}]}
    _stored_or_refused(_post_statement(learner_client, lesson, data), data)


@hostile_settings
@given(state=hostile_text)
def test_saved_player_state_is_stored_as_sent_or_refused_and_left_as_it_was(learner_client, lesson, state):
    """H5P's resume state holding any text is saved exactly, or refused with the previous state kept."""
    user = learner_client.session["_auth_user_id"]
    before = H5PPlayerState.objects.filter(user=user, lesson=lesson).values_list("data", flat=True).first()
    body = json.dumps({"lesson_id": lesson.pk, "block_id": "h5p-1", "state": state})
    response = learner_client.post(STATE, data=body, content_type="application/json")
    assert response.status_code in {200, 400, 413}
    after = H5PPlayerState.objects.filter(user=user, lesson=lesson).values_list("data", flat=True).first()
    if response.status_code == 200:
        assert after == state
    else:
        assert response.json()["error"]
        assert after == before


@hostile_settings
@given(query=hostile_text)
def test_searching_for_anything_shows_a_page(learner_client, lesson, query):
    """The training search with any text in the box answers with a page, never a server error."""
    response = learner_client.get("/learning/search/", {"q": query.encode("utf-8", "surrogatepass")})
    assert response.status_code == 200


@pytest.fixture
def scenario_run(home_page):
    """A learner part-way into a published MI practice scenario."""
    scenario = scenario_create()
    user = UserFactory()
    return user, scenario_attempt_start(user=user, scenario=scenario)


@hostile_settings
@given(response_id=hostile_text, step=st.one_of(hostile_text, st.just("0")))
def test_a_scenario_response_that_is_not_offered_is_refused_and_nothing_recorded(
    client, scenario_run, response_id, step
):
    """Choosing a response id or step that the scenario never offered is refused; no choice is stored."""
    user, attempt = scenario_run
    client.force_login(user)
    before = ScenarioChoice.objects.filter(attempt=attempt).count()
    response = client.post(
        f"/learning/scenarios/attempts/{attempt.pk}/respond/",
        data=form_body({"step": step, "response": response_id}),
        content_type=FORM,
    )
    assert response.status_code in {302, 400}
    assert ScenarioChoice.objects.filter(attempt=attempt).count() == before


def test_a_verb_iri_longer_than_its_column_is_refused_not_cut():
    """A verb IRI that would not fit XAPIStatement.verb is refused, so nothing is stored cut short."""
    assert XAPIStatement._meta.get_field("verb").max_length == MAX_VERB_IRI
    data = statement()
    data["verb"]["id"] = "http://example.org/verbs/" + "v" * MAX_VERB_IRI
    with pytest.raises(StatementInvalid, match="the most that can be stored is"):
        statement_parse(data)


@pytest.mark.parametrize(
    "score,message",
    [
        ({"raw": 3, "min": 5, "max": 10}, "result.score.raw must be between result.score.min"),
        ({"raw": 1, "min": 2, "max": 2}, "result.score.min must be less than result.score.max"),
        ({"raw": 2, "min": 0, "max": 4, "scaled": 0.9}, "result.score.scaled does not agree"),
        ({"raw": 10**400, "max": 5}, "result.score.raw is out of range"),
        ({"scaled": -1.5}, "result.score.scaled must be between -1 and 1"),
    ],
)
def test_a_score_whose_parts_disagree_is_refused(score, message):
    """raw, min, max and scaled must tell one story (xAPI's Score rules), or the statement is refused."""
    data = statement()
    data["result"]["score"] = score
    with pytest.raises(StatementInvalid, match=message):
        statement_parse(data)


@pytest.mark.parametrize(
    "score,scaled",
    [
        ({"raw": 4, "min": 0, "max": 5, "scaled": 0.8}, 0.8),
        ({"raw": 2, "min": 0, "max": 3, "scaled": 0.6667}, 0.6667),
        ({"raw": 0, "min": 0, "max": 0}, None),
        ({"raw": -2, "min": -4, "max": 4, "scaled": 0.25}, 0.25),
    ],
)
def test_scores_that_agree_are_accepted(score, scaled):
    """H5P's rounded scaled scores, its 0-of-0 for content with nothing to score, and negative ranges pass."""
    data = statement()
    data["result"]["score"] = score
    assert statement_parse(data).score.scaled == scaled


@pytest.mark.parametrize(
    "duration,seconds",
    [("PT12.5S", 12.5), ("P1DT2H", 93_600), ("P2W", 1_209_600), ("PT0S", 0), ("P365D", 31_536_000)],
)
def test_strict_iso_durations_up_to_a_year_are_read(duration, seconds):
    """Time spent, as H5P and other xAPI clients write it, is read in seconds."""
    data = statement()
    data["result"]["duration"] = duration
    assert statement_parse(data).duration_seconds == seconds


@pytest.mark.parametrize(
    "duration,message",
    [
        ("P366D", "longer than a year"),
        ("P99999999999Y", "longer than a year"),
        ("PT1.5M30S", "decimal fraction only in its last part"),
        ("P1W2D", "ISO 8601"),
        ("P", "ISO 8601"),
        ("PT", "ISO 8601"),
        ("P1DT", "ISO 8601"),
        ("PT1e400S", "ISO 8601"),
        ("-PT1S", "ISO 8601"),
    ],
)
def test_durations_that_are_not_strict_iso_or_over_a_year_are_refused(duration, message):
    """A duration that is malformed or longer than a year is refused rather than stored as nonsense."""
    data = statement()
    data["result"]["duration"] = duration
    with pytest.raises(StatementInvalid, match=message):
        statement_parse(data)


def test_a_nul_in_a_statement_is_refused_naming_the_field():
    """PostgreSQL's JSON cannot hold \\u0000, so a statement carrying one is refused, not a 500."""
    data = statement()
    data["object"]["definition"]["name"] = {"en-GB": "Check\x00"}
    with pytest.raises(StatementInvalid, match=r"object\.definition contains a NUL"):
        statement_parse(data)
