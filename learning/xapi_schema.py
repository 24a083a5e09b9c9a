"""A strict, hand-written validator for the xAPI statements H5P players send.

Only the parts of xAPI 1.0.3 that H5P emits are accepted; anything else is refused
with a message naming the field. The actor in a statement is accepted in shape but
never used: the learner is whoever is signed in.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 12
MAX_NODES = 4000
MAX_STRING = 10_000
MAX_IRI = 2048

STATEMENT_KEYS = frozenset({"id", "actor", "verb", "object", "result", "context", "timestamp", "version"})
VERB_KEYS = frozenset({"id", "display"})
OBJECT_KEYS = frozenset({"id", "objectType", "definition"})
RESULT_KEYS = frozenset({"score", "success", "completion", "duration", "response", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:[^\s]*$")
DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?(?:(?P<weeks>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
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


def text_clean(value: str) -> bool:
    """No NUL characters or lone surrogates (databases refuse them in text and JSON)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
            if not isinstance(key, str) or len(key) > MAX_IRI or not text_clean(key):
                raise _fail(f"{where} has an invalid key.")
            _bounded(item, where, depth + 1, budget)
    elif isinstance(value, list):
        for item in value:
            _bounded(item, where, depth + 1, budget)
    elif isinstance(value, str):
        if len(value) > MAX_STRING or not text_clean(value):
            raise _fail(f"{where} has a string that is too long or holds invalid characters.")
    elif isinstance(value, float) and not math.isfinite(value):
        raise _fail(f"{where} has a number that is not finite.")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
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


def _iri(value: Any, where: str) -> str:
    if (
        not isinstance(value, str)
        or not value
        or len(value) > MAX_IRI
        or not text_clean(value)
        or not IRI.match(value)
    ):
        raise _fail(f"{where} must be an IRI (such as http://adlnet.gov/expapi/verbs/answered).")
    return value


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"{where} must be a number.")
    number = float(value)
    if not math.isfinite(number) or abs(number) > 1e9:
        raise _fail(f"{where} is out of range.")
    return number


def _score(value: Any) -> Score:
    score = _object(value, "result.score", SCORE_KEYS)
    raw = _number(score.get("raw"), "result.score.raw")
    low = _number(score.get("min"), "result.score.min")
    high = _number(score.get("max"), "result.score.max")
    scaled = _number(score.get("scaled"), "result.score.scaled")
    if raw is not None:
        if high is None:
            raise _fail("result.score.max is required with a raw score.")
        if not 0 <= raw <= high:
            raise _fail("result.score.raw must be between 0 and result.score.max.")
        if low is not None and low > raw:
            raise _fail("result.score.min must not be more than result.score.raw.")
    if high is not None and high < 0:
        raise _fail("result.score.max must not be negative.")
    if low is not None and high is not None and low > high:
        raise _fail("result.score.min must not be more than result.score.max.")
    if scaled is not None and not -1 <= scaled <= 1:
        raise _fail("result.score.scaled must be between -1 and 1.")
    if scaled is None and raw is not None and high:
        scaled = raw / high
    return Score(raw=raw, min=low, max=high, scaled=scaled)


def duration_seconds(value: str) -> float:
    match = DURATION.match(value)
    if not match:
        raise _fail("result.duration must be an ISO 8601 duration such as PT1M30S.")
    parts = {key: float(number) if number else 0.0 for key, number in match.groupdict().items()}
    return (
        parts["years"] * 31_536_000
        + parts["months"] * 2_592_000
        + parts["weeks"] * 604_800
        + parts["days"] * 86_400
        + parts["hours"] * 3_600
        + parts["minutes"] * 60
        + parts["seconds"]
    )


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
    verb_iri = _iri(verb.get("id"), "verb.id")
    if "display" in verb:
        display = verb["display"]
        if not isinstance(display, dict) or len(display) > 20:
            raise _fail("verb.display must be a language map.")
        for key, text in display.items():
            if (
                not isinstance(text, str)
                or len(key) > 35
                or len(text) > 200
                or not (text_clean(key) and text_clean(text))
            ):
                raise _fail("verb.display must be a language map.")

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
            if not isinstance(result["duration"], str) or len(result["duration"]) > 64:
                raise _fail("result.duration must be an ISO 8601 duration such as PT1M30S.")
            seconds = duration_seconds(result["duration"])
        response = result.get("response")
        if "response" in result and (
            not isinstance(response, str) or len(response) > MAX_STRING or not text_clean(response)
        ):
            raise _fail("result.response must be a string of at most 10,000 characters.")
        if "extensions" in result:
            if not isinstance(result["extensions"], dict):
                raise _fail("result.extensions must be an object.")
            _bounded(result["extensions"], "result.extensions")

    if "context" in statement:
        if not isinstance(statement["context"], dict):
            raise _fail("context must be an object.")
        _bounded(statement["context"], "context")
    for key in ("timestamp", "version"):
        if key in statement and (
            not isinstance(statement[key], str) or len(statement[key]) > 64 or not text_clean(statement[key])
        ):
            raise _fail(f"{key} must be a short string.")

    short_verb = verb_iri.rsplit("/", 1)[-1] if verb_iri.startswith(VERB_PREFIXES) else verb_iri
    payload = {key: item for key, item in statement.items() if key != "actor"}
    return Statement(
        id=statement_id,
        verb_iri=verb_iri,
        verb=short_verb[:40],
        object_id=object_id,
        top_level=_top_level(statement),
        score=score,
        success=success,
        completion=completion,
        duration_seconds=seconds,
        payload=payload,
    )
