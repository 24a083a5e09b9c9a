"""The SCORM data model, checked on the server: types, vocabularies and limits per element."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learning.services.scorm_cmi import CmiInvalid, cmi_validate, duration_seconds


def test_a_scorm_12_commit_is_read_into_the_attempts_fields():
    cmi = cmi_validate(
        version="1.2",
        data={
            "cmi.core.lesson_status": "passed",
            "cmi.core.score.raw": "85",
            "cmi.core.score.min": "0",
            "cmi.core.score.max": "100",
            "cmi.core.lesson_location": "page-3",
            "cmi.suspend_data": "x" * 4096,
            "cmi.core.exit": "suspend",
            "cmi.core.session_time": "0001:02:03.5",
            "cmi.interactions.0.id": "q1",
            "cmi.interactions.0.result": "wrong",
            "cmi.core.student_id": "someone-else",  # read-only: ignored, never trusted
        },
    )
    assert (cmi.completion_status, cmi.success_status) == ("passed", "passed")
    assert (cmi.score_raw, cmi.score_max, cmi.location, cmi.exit) == (85, 100, "page-3", "suspend")
    assert cmi.session_seconds == 3723.5
    assert "cmi.core.student_id" not in cmi.values


def test_a_scorm_2004_commit_is_read_into_the_attempts_fields():
    cmi = cmi_validate(
        version="2004-4",
        data={
            "cmi.completion_status": "completed",
            "cmi.success_status": "failed",
            "cmi.score.scaled": "0.45",
            "cmi.location": "part-2",
            "cmi.suspend_data": "y" * 64000,
            "cmi.session_time": "PT1H30M5.25S",
            "cmi.interactions.3.type": "long-fill-in",
            "cmi.objectives.0.id": "urn:fsm:obj-1",
            "adl.nav.request": "{target=families-part2}choice",
        },
    )
    assert (cmi.completion_status, cmi.success_status, cmi.score_scaled) == ("completed", "failed", 0.45)
    assert cmi.session_seconds == 5405.25


@pytest.mark.parametrize(
    ("version", "element", "value", "why"),
    [
        ("1.2", "cmi.suspend_data", "x" * 4097, "4,096 characters in 1.2"),
        ("2004-3", "cmi.suspend_data", "x" * 64001, "64,000 characters in 2004"),
        ("1.2", "cmi.core.lesson_status", "done", "not in the vocabulary"),
        ("1.2", "cmi.core.score.raw", "101", "1.2 scores are 0 to 100"),
        ("1.2", "cmi.core.score.raw", "NaN", "not a number"),
        ("1.2", "cmi.core.session_time", "PT1M", "a 2004 duration in 1.2"),
        ("2004-4", "cmi.session_time", "01:00:00", "a 1.2 timespan in 2004"),
        ("2004-4", "cmi.score.scaled", "1.5", "scaled is -1 to 1"),
        ("2004-4", "cmi.completion_status", "passed", "passed is a success status"),
        ("2004-4", "cmi.core.lesson_status", "completed", "a 1.2 element in 2004"),
        ("1.2", "cmi.completion_status", "completed", "a 2004 element in 1.2"),
        ("2004-4", "cmi.interactions.0.type", "essay", "not an interaction type"),
        ("2004-4", "cmi.interactions.999.id", "q", "too many interactions"),
        ("2004-4", "cmi.location", "x" * 1001, "location is 1,000 characters"),
        ("1.2", "cmi.core.lesson_location", "x" * 256, "location is 255 characters in 1.2"),
        ("2004-4", "adl.nav.request", "jump anywhere", "not a navigation request"),
        ("1.2", "cmi.core.exit", "quit", "not an exit value"),
        ("1.2", "cmi.core.lesson_location", "a\x00b", "a NUL character"),
        ("2004-4", "cmi.hack", "1", "not an element"),
    ],
)
def test_values_the_data_model_does_not_allow_are_refused_naming_the_element(version, element, value, why):
    with pytest.raises(CmiInvalid) as caught:
        cmi_validate(version=version, data={element: value})
    assert element[:20] in str(caught.value), why


@pytest.mark.parametrize(
    "data", [None, [], "cmi", {"cmi.core.lesson_status": ["passed"]}, {"cmi.core.exit": True}]
)
def test_commits_of_the_wrong_shape_are_refused(data):
    with pytest.raises(CmiInvalid):
        cmi_validate(version="1.2", data=data)


def test_timespans_and_durations_are_read_in_seconds():
    assert duration_seconds("00:00:30") == 30
    assert duration_seconds("PT2M") == 120
    assert duration_seconds("P1DT1S") == 86401
    assert duration_seconds("") == 0


STATUS_12 = ["passed", "completed", "failed", "incomplete", "browsed", "not attempted"]


@settings(max_examples=200, deadline=None)
@given(
    element=st.sampled_from(["cmi.core.lesson_status", "cmi.core.exit", "cmi.core.score.raw"]),
    value=st.text(max_size=12),
)
def test_any_text_is_either_accepted_as_allowed_or_refused_never_an_error(element, value):
    """Whatever a SCO sends, the answer is a clean accept or a CmiInvalid."""
    try:
        cmi = cmi_validate(version="1.2", data={element: value})
    except CmiInvalid:
        return
    if element == "cmi.core.lesson_status":
        assert value in STATUS_12
    elif element == "cmi.core.exit":
        assert value in {"time-out", "suspend", "logout", ""}
    else:
        assert value == "" or 0 <= float(value) <= 100
    assert cmi.values[element] == value


@settings(max_examples=200, deadline=None)
@given(score=st.floats(allow_nan=True, allow_infinity=True))
def test_scaled_scores_are_accepted_exactly_between_minus_one_and_one(score):
    text = f"{score:.7f}" if math.isfinite(score) else str(score)
    try:
        cmi = cmi_validate(version="2004-4", data={"cmi.score.scaled": text})
    except CmiInvalid:
        assert not (math.isfinite(score) and -1 <= float(text) <= 1)
        return
    assert -1 <= cmi.score_scaled <= 1


def test_read_only_elements_the_runtime_echoes_are_ignored():
    cmi = cmi_validate(version="2004-4", data={"cmi.learner_name": "Someone else", "cmi.total_time": "PT9H"})
    assert cmi.values == {}


@settings(max_examples=100, deadline=None)
@given(length=st.integers(min_value=0, max_value=70000))
def test_suspend_data_limits_are_4096_in_12_and_64000_in_2004(length):
    for version, limit in (("1.2", 4096), ("2004-4", 64000)):
        data = {"cmi.suspend_data": "s" * length}
        if length <= limit:
            assert cmi_validate(version=version, data=data).suspend_data == data["cmi.suspend_data"]
        else:
            with pytest.raises(CmiInvalid):
                cmi_validate(version=version, data=data)


@settings(max_examples=100, deadline=None)
@given(
    hours=st.integers(0, 9999),
    minutes=st.integers(0, 59),
    seconds=st.integers(0, 59),
)
def test_12_session_times_round_trip_to_seconds(hours, minutes, seconds):
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    cmi = cmi_validate(version="1.2", data={"cmi.core.session_time": text})
    assert cmi.session_seconds == hours * 3600 + minutes * 60 + seconds
