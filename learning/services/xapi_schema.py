"""A strict, hand-written validator for the xAPI statements H5P players send.

Only the parts of xAPI 1.0.3 that H5P emits are accepted; anything else is refused
with a message naming the field. The actor in a statement is accepted in shape but
never used: the learner is whoever is signed in.

Nothing is cut to fit: a value longer than the column it is stored in is refused,
every string anywhere in the statement must pass the shared text rule
(``cms.core.text``: no NUL, control characters or lone surrogates, which PostgreSQL's
JSON and text columns cannot hold), every number must be finite and within range,
a score's raw, min, max and scaled must agree, and a duration must be a strict
ISO 8601 duration of at most a year.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from cms.core.text import text_problem

MAX_DEPTH = 12
MAX_NODES = 4000
MAX_STRING = 10_000
MAX_IRI = 2048
# XAPIStatement.verb holds the verb IRI (a test pins this to the model field).
MAX_VERB_IRI = 2048
MAX_SCORE = 1e9
# The largest whole number JavaScript (so H5P) holds exactly; bigger numbers are refused.
MAX_INTEGER = 2**53
# A statement's duration is time spent on one activity: more than a year is an error.
MAX_DURATION_SECONDS = 365 * 86_400
# H5P rounds scaled to four decimals; allow for that when checking it against raw.
SCALED_TOLERANCE = 0.001

STATEMENT_KEYS = frozenset({"id", "actor", "verb", "object", "result", "context", "timestamp", "version"})
VERB_KEYS = frozenset({"id", "display"})
OBJECT_KEYS = frozenset({"id", "objectType", "definition"})
RESULT_KEYS = frozenset({"score", "success", "completion", "duration", "response", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:[^\s]*$")
# ISO 8601 durations as xAPI uses them: PnYnMnDTnHnMnS or PnW, a decimal fraction only on
# the last part given (checked in duration_seconds), at least one part, and a T only before
# a time part.
_NUMBER = r"\d{1,12}(?:\.\d{1,9})?"
DURATION = re.compile(
    rf"^P(?:(?P<weeks>{_NUMBER})W|(?!$)(?:(?P<years>{_NUMBER})Y)?(?:(?P<months>{_NUMBER})M)?"
    rf"(?:(?P<days>{_NUMBER})D)?(?:T(?=\d)(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?"
    rf"(?:(?P<seconds>{_NUMBER})S)?)?)$"
)
DURATION_SECONDS = {
    "years": 31_536_000,
    "months": 2_592_000,
    "weeks": 604_800,
    "days": 86_400,
    "hours": 3_600,
    "minutes": 60,
    "seconds": 1,
}
PARENT_PATH = ("context", "contextActivities", "parent")

VERB_PREFIXES = ("http://adlnet.gov/expapi/verbs/", "https://w3id.org/xapi/adl/verbs/")


class StatementInvalid(ValueError):
    """The statement breaks the schema; the message names the field, for the client."""


@dataclass(frozen=True)
class Score:
    raw: float | None
    min: float | None
    max: float | None
    scaled: float | None


@dataclass(frozen=True)
class Statement:
    id: uuid.UUID
    verb_iri: str
    verb: str
    object_id: str
    top_level: bool
    score: Score | None
    success: bool | None
    completion: bool | None
    duration_seconds: float | None
    payload: dict[str, Any]


def _fail(message: str) -> StatementInvalid:
    return StatementInvalid(message)


def _text(value: str, where: str, max_length: int = MAX_STRING) -> None:
    if problem := text_problem(value, label=where, max_length=max_length):
        raise _fail(problem)


def _bounded(value: Any, where: str, depth: int = 0, budget: list[int] | None = None) -> None:
    """Free-form JSON (definitions, extensions, context) must stay small and shallow."""
    budget = budget if budget is not None else [MAX_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        raise _fail(f"{where} is too large.")
    if depth > MAX_DEPTH:
        raise _fail(f"{where} is nested too deeply.")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise _fail(f"{where} has an invalid key.")
            _text(key, f"A key in {where}", MAX_IRI)
            _bounded(item, where, depth + 1, budget)
    elif isinstance(value, list):
        for item in value:
            _bounded(item, where, depth + 1, budget)
    elif isinstance(value, str):
        _text(value, f"A string in {where}")
    elif isinstance(value, float) and not math.isfinite(value):
        raise _fail(f"{where} has a number that is not finite.")
    elif isinstance(value, float) and abs(value) > MAX_INTEGER:
        # Beyond 2**53 a number loses digits in JavaScript and comes back from PostgreSQL's
        # JSON as a different-looking number: refuse it rather than store it changed.
        raise _fail(f"{where} has a number that is out of range.")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        raise _fail(f"{where} has a number that is out of range.")
    elif value is not None and not isinstance(value, bool | int | float):
        raise _fail(f"{where} has a value of an unknown type.")


def _object(value: Any, where: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(f"{where} must be an object.")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(f"{where} has an unknown field '{unknown[0][:40]}'.")
    return value


def _iri(value: Any, where: str, max_length: int = MAX_IRI) -> str:
    if isinstance(value, str):
        _text(value, where, max_length)
    if not isinstance(value, str) or not value or not IRI.match(value):
        raise _fail(f"{where} must be an IRI (such as http://adlnet.gov/expapi/verbs/answered).")
    return value


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"{where} must be a number.")
    # Compare before converting: float() of a 400-digit integer raises OverflowError.
    if isinstance(value, int) and abs(value) > MAX_SCORE:
        raise _fail(f"{where} is out of range.")
    number = float(value)
    if not math.isfinite(number) or abs(number) > MAX_SCORE:
        raise _fail(f"{where} is out of range.")
    return number


def _score(value: Any) -> Score:
    """raw, min, max and scaled must agree (xAPI's Score, with H5P's habits).

    scaled is in -1..1; min < max; min <= raw <= max (raw at least 0 without a min);
    raw needs a max (we cannot judge a raw score without one); given with raw and max,
    scaled must be what they give. H5P reports content with nothing to score as
    min = max = raw = 0: that is accepted, and carries no scaled score.
    """
    score = _object(value, "result.score", SCORE_KEYS)
    raw = _number(score.get("raw"), "result.score.raw")
    low = _number(score.get("min"), "result.score.min")
    high = _number(score.get("max"), "result.score.max")
    scaled = _number(score.get("scaled"), "result.score.scaled")
    if scaled is not None and not -1 <= scaled <= 1:
        raise _fail("result.score.scaled must be between -1 and 1.")
    if high is not None and high < 0:
        raise _fail("result.score.max must not be negative.")
    nothing_to_score = high == 0 and low in (None, 0) and raw in (None, 0)
    if low is not None and high is not None and low >= high and not nothing_to_score:
        raise _fail("result.score.min must be less than result.score.max.")
    if raw is not None:
        if high is None:
            raise _fail("result.score.max is required with a raw score.")
        lowest = low if low is not None else 0.0
        if not lowest <= raw <= high:
            floor = "result.score.min" if low else "0"
            raise _fail(f"result.score.raw must be between {floor} and result.score.max.")
    if nothing_to_score:
        if scaled not in (None, 0):
            raise _fail("result.score.scaled must be absent when result.score.max is 0.")
        return Score(raw=raw, min=low, max=high, scaled=None)
    if raw is not None and high is not None:
        expected = (raw - (low or 0)) / (high - (low or 0))
        if (
            scaled is not None
            and abs(scaled - expected) > SCALED_TOLERANCE
            and abs(scaled - raw / high) > SCALED_TOLERANCE
        ):
            raise _fail("result.score.scaled does not agree with result.score.raw, min and max.")
        if scaled is None:
            scaled = raw / high
    return Score(raw=raw, min=low, max=high, scaled=scaled)


def duration_seconds(value: str) -> float:
    """Seconds in a strict ISO 8601 duration of at most a year (StatementInvalid otherwise)."""
    match = DURATION.match(value) if isinstance(value, str) and len(value) <= 64 else None
    if not match:
        raise _fail("result.duration must be an ISO 8601 duration such as PT1M30S.")
    given = [(name, number) for name, number in match.groupdict().items() if number is not None]
    if any("." in number for _name, number in given[:-1]):
        raise _fail("result.duration may have a decimal fraction only in its last part (such as PT1M30.5S).")
    seconds = sum(float(number) * DURATION_SECONDS[name] for name, number in given)
    if seconds > MAX_DURATION_SECONDS:
        raise _fail("result.duration is longer than a year.")
    return seconds


def _top_level(statement: dict[str, Any]) -> bool:
    parent: Any = statement
    for key in PARENT_PATH:
        if not isinstance(parent, dict) or key not in parent:
            return True
        parent = parent[key]
    if parent is None:
        return True
    if not isinstance(parent, list):
        raise _fail("context.contextActivities.parent must be a list.")
    return not parent


def statement_parse(value: Any) -> Statement:
    """Validate a statement (already decoded from JSON); raise StatementInvalid if it is not right."""
    statement = _object(value, "The statement", STATEMENT_KEYS)
    raw_id = statement.get("id")
    try:
        statement_id = uuid.UUID(raw_id) if isinstance(raw_id, str) and len(raw_id) == 36 else None
    except ValueError:
        statement_id = None
    if statement_id is None:
        raise _fail("id must be a UUID (the player gives each statement one).")

    if "actor" in statement and not isinstance(statement["actor"], dict):
        raise _fail("actor must be an object.")

    verb = _object(statement.get("verb"), "verb", VERB_KEYS)
    verb_iri = _iri(verb.get("id"), "verb.id", MAX_VERB_IRI)
    if "display" in verb:
        display = verb["display"]
        if not isinstance(display, dict) or len(display) > 20:
            raise _fail("verb.display must be a language map.")
        for key, text in display.items():
            if not isinstance(text, str) or len(key) > 35 or len(text) > 200:
                raise _fail("verb.display must be a language map.")
            _text(key, "A language in verb.display")
            _text(text, "verb.display")

    target = _object(statement.get("object"), "object", OBJECT_KEYS)
    object_id = _iri(target.get("id"), "object.id")
    if target.get("objectType", "Activity") != "Activity":
        raise _fail("object.objectType must be Activity.")
    if "definition" in target:
        if not isinstance(target["definition"], dict):
            raise _fail("object.definition must be an object.")
        _bounded(target["definition"], "object.definition")

    score = success = completion = seconds = None
    if "result" in statement:
        result = _object(statement["result"], "result", RESULT_KEYS)
        if "score" in result:
            score = _score(result["score"])
        for key in ("success", "completion"):
            if key in result and not isinstance(result[key], bool):
                raise _fail(f"result.{key} must be true or false.")
        success, completion = result.get("success"), result.get("completion")
        if "duration" in result:
            seconds = duration_seconds(result["duration"])
        if "response" in result:
            if not isinstance(result["response"], str):
                raise _fail("result.response must be a string of at most 10,000 characters.")
            _text(result["response"], "result.response")
        if "extensions" in result:
            if not isinstance(result["extensions"], dict):
                raise _fail("result.extensions must be an object.")
            _bounded(result["extensions"], "result.extensions")

    if "context" in statement:
        if not isinstance(statement["context"], dict):
            raise _fail("context must be an object.")
        _bounded(statement["context"], "context")
    for key in ("timestamp", "version"):
        if key in statement:
            if not isinstance(statement[key], str):
                raise _fail(f"{key} must be a short string.")
            _text(statement[key], key, 64)

    short_verb = verb_iri.rsplit("/", 1)[-1] if verb_iri.startswith(VERB_PREFIXES) else verb_iri
    payload = {key: item for key, item in statement.items() if key != "actor"}
    return Statement(
        id=statement_id,
        verb_iri=verb_iri,
        verb=short_verb,
        object_id=object_id,
        top_level=_top_level(statement),
        score=score,
        success=success,
        completion=completion,
        duration_seconds=seconds,
        payload=payload,
    )
