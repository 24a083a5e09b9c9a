"""The SCORM run-time data model, checked on the server for every commit.

A commit is a flat mapping of CMI element names to the string values the SCO set
(``cmi.core.lesson_status`` -> ``"completed"``). Each writable element is checked for
its type, vocabulary and length as SCORM 1.2 (``CMIString4096``, ``CMIDecimal``,
``CMITimespan`` ...) or SCORM 2004 (``characterstring`` SPM 64000, ``real(10,7)``,
``timeinterval`` ...) defines it; read-only elements the runtime echoes back are
ignored; anything else is refused, naming the element. Pure Python (no database).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["Cmi", "CmiInvalid", "cmi_validate", "duration_seconds"]

MAX_ELEMENTS = 2000
MAX_INDEX = 249


class CmiInvalid(ValueError):
    """A commit that breaks the SCORM data model; the message names the element."""


@dataclass(frozen=True)
class Cmi:
    """The validated values of a commit, and the fields the attempt row keeps."""

    values: dict[str, str]
    completion_status: str
    success_status: str
    score_raw: float | None
    score_min: float | None
    score_max: float | None
    score_scaled: float | None
    location: str
    suspend_data: str
    exit: str
    session_seconds: float


Check = Callable[[str], bool]

DECIMAL = re.compile(r"\A-?\d{1,10}(\.\d{1,7})?\Z")
TIMESPAN_12 = re.compile(r"\A(\d{2,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?\Z")
TIME_12 = re.compile(r"\A([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?\Z")
DURATION = re.compile(
    r"\AP(?!\Z)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?\Z"
)
TIMESTAMP = re.compile(
    r"\A\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{1,2})?)?)?(Z|[+-]\d{2}(:\d{2})?)?)?)?)?\Z"
)
IDENTIFIER_12 = re.compile(r"\A[^\s]{1,255}\Z")
NAV_REQUEST = re.compile(
    r"\A(continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_|\{target=[^}\s]{1,4000}\}(choice|jump))\Z"
)


def _decimal(value: str) -> bool:
    return bool(DECIMAL.match(value)) and math.isfinite(float(value))


def _decimal_or_blank(value: str) -> bool:
    return value == "" or _decimal(value)


def _between(low: float, high: float, *, blank: bool = False) -> Check:
    def check(value: str) -> bool:
        if blank and value == "":
            return True
        return _decimal(value) and low <= float(value) <= high

    return check


def _vocabulary(*words: str) -> Check:
    allowed = frozenset(words)
    return lambda value: value in allowed


def _text(limit: int) -> Check:
    return lambda value: len(value) <= limit


def _identifier(limit: int) -> Check:
    return lambda value: 0 < len(value) <= limit and not any(char.isspace() for char in value)


def _result(*words: str) -> Check:
    return lambda value: value in words or _decimal(value)


def _matches(pattern: re.Pattern[str]) -> Check:
    return lambda value: bool(pattern.match(value))


INTERACTION_TYPES_12 = (
    "true-false",
    "choice",
    "fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
)
STATUS_12 = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")
N = r"\.(\d{1,3})"

RULES_12: list[tuple[re.Pattern[str], Check]] = [
    (re.compile(r"cmi\.core\.lesson_location"), _text(255)),
    (re.compile(r"cmi\.core\.lesson_status"), _vocabulary(*STATUS_12)),
    (re.compile(r"cmi\.core\.score\.(raw|min|max)"), _between(0, 100, blank=True)),
    (re.compile(r"cmi\.core\.exit"), _vocabulary("time-out", "suspend", "logout", "")),
    (re.compile(r"cmi\.core\.session_time"), _matches(TIMESPAN_12)),
    (re.compile(r"cmi\.suspend_data"), _text(4096)),
    (re.compile(r"cmi\.comments"), _text(4096)),
    (re.compile(r"cmi\.student_preference\.audio"), _between(-1, 100)),
    (re.compile(r"cmi\.student_preference\.language"), _text(255)),
    (re.compile(r"cmi\.student_preference\.speed"), _between(-100, 100)),
    (re.compile(r"cmi\.student_preference\.text"), _vocabulary("-1", "0", "1")),
    (re.compile(rf"cmi\.objectives{N}\.id"), _matches(IDENTIFIER_12)),
    (re.compile(rf"cmi\.objectives{N}\.score\.(raw|min|max)"), _between(0, 100, blank=True)),
    (re.compile(rf"cmi\.objectives{N}\.status"), _vocabulary(*STATUS_12)),
    (re.compile(rf"cmi\.interactions{N}\.id"), _matches(IDENTIFIER_12)),
    (re.compile(rf"cmi\.interactions{N}\.objectives{N}\.id"), _matches(IDENTIFIER_12)),
    (re.compile(rf"cmi\.interactions{N}\.time"), _matches(TIME_12)),
    (re.compile(rf"cmi\.interactions{N}\.type"), _vocabulary(*INTERACTION_TYPES_12)),
    (re.compile(rf"cmi\.interactions{N}\.correct_responses{N}\.pattern"), _text(255)),
    (re.compile(rf"cmi\.interactions{N}\.weighting"), _decimal_or_blank),
    (re.compile(rf"cmi\.interactions{N}\.student_response"), _text(255)),
    (re.compile(rf"cmi\.interactions{N}\.result"), _result("correct", "wrong", "unanticipated", "neutral")),
    (re.compile(rf"cmi\.interactions{N}\.latency"), _matches(TIMESPAN_12)),
]
READ_ONLY_12 = re.compile(
    r"cmi\.(core\.(student_id|student_name|credit|entry|total_time|lesson_mode|_children)|launch_data|comments_from_lms|"
    r"student_data\..*|_version|_children|.*\._children|.*\._count|interactions\.\d+\.objectives\._count|"
    r"objectives\._count|interactions\._count)"
)

INTERACTION_TYPES_2004 = (*INTERACTION_TYPES_12, "long-fill-in", "other")
RULES_2004: list[tuple[re.Pattern[str], Check]] = [
    (re.compile(r"cmi\.location"), _text(1000)),
    (
        re.compile(r"cmi\.completion_status"),
        _vocabulary("completed", "incomplete", "not attempted", "unknown"),
    ),
    (re.compile(r"cmi\.success_status"), _vocabulary("passed", "failed", "unknown")),
    (re.compile(r"cmi\.score\.scaled"), _between(-1, 1, blank=True)),
    (re.compile(r"cmi\.score\.(raw|min|max)"), _decimal_or_blank),
    (re.compile(r"cmi\.progress_measure"), _between(0, 1, blank=True)),
    (re.compile(r"cmi\.exit"), _vocabulary("time-out", "suspend", "logout", "normal", "")),
    (re.compile(r"cmi\.session_time"), _matches(DURATION)),
    (re.compile(r"cmi\.suspend_data"), _text(64000)),
    (re.compile(r"cmi\.learner_preference\.audio_level"), lambda v: _decimal(v) and float(v) >= 0),
    (re.compile(r"cmi\.learner_preference\.language"), _text(250)),
    (re.compile(r"cmi\.learner_preference\.delivery_speed"), lambda v: _decimal(v) and float(v) >= 0),
    (re.compile(r"cmi\.learner_preference\.audio_captioning"), _vocabulary("-1", "0", "1")),
    (re.compile(rf"cmi\.comments_from_learner{N}\.comment"), _text(4000)),
    (re.compile(rf"cmi\.comments_from_learner{N}\.location"), _text(250)),
    (re.compile(rf"cmi\.comments_from_learner{N}\.timestamp"), _matches(TIMESTAMP)),
    (re.compile(rf"cmi\.objectives{N}\.id"), _identifier(4000)),
    (re.compile(rf"cmi\.objectives{N}\.score\.scaled"), _between(-1, 1, blank=True)),
    (re.compile(rf"cmi\.objectives{N}\.score\.(raw|min|max)"), _decimal_or_blank),
    (re.compile(rf"cmi\.objectives{N}\.success_status"), _vocabulary("passed", "failed", "unknown")),
    (
        re.compile(rf"cmi\.objectives{N}\.completion_status"),
        _vocabulary("completed", "incomplete", "not attempted", "unknown"),
    ),
    (re.compile(rf"cmi\.objectives{N}\.progress_measure"), _between(0, 1, blank=True)),
    (re.compile(rf"cmi\.objectives{N}\.description"), _text(250)),
    (re.compile(rf"cmi\.interactions{N}\.id"), _identifier(4000)),
    (re.compile(rf"cmi\.interactions{N}\.type"), _vocabulary(*INTERACTION_TYPES_2004)),
    (re.compile(rf"cmi\.interactions{N}\.objectives{N}\.id"), _identifier(4000)),
    (re.compile(rf"cmi\.interactions{N}\.timestamp"), _matches(TIMESTAMP)),
    (re.compile(rf"cmi\.interactions{N}\.correct_responses{N}\.pattern"), _text(4000)),
    (re.compile(rf"cmi\.interactions{N}\.weighting"), _decimal_or_blank),
    (re.compile(rf"cmi\.interactions{N}\.learner_response"), _text(4000)),
    (
        re.compile(rf"cmi\.interactions{N}\.result"),
        _result("correct", "incorrect", "unanticipated", "neutral"),
    ),
    (re.compile(rf"cmi\.interactions{N}\.latency"), _matches(DURATION)),
    (re.compile(rf"cmi\.interactions{N}\.description"), _text(250)),
    (re.compile(r"adl\.nav\.request"), _matches(NAV_REQUEST)),
]
READ_ONLY_2004 = re.compile(
    r"(cmi\.(learner_id|learner_name|credit|entry|mode|total_time|launch_data|max_time_allowed|"
    r"time_limit_action|completion_threshold|scaled_passing_score|_version|comments_from_lms\..*|"
    r".*\._children|.*\._count)|adl\.nav\.request_valid\..*)"
)


def duration_seconds(value: str) -> float:
    """Seconds in a SCORM 1.2 timespan (HHHH:MM:SS.SS) or a 2004 ISO 8601 duration; 0 if blank."""
    if match := TIMESPAN_12.match(value):
        hours, minutes, seconds, fraction = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + float(fraction or 0)
    if match := DURATION.match(value):
        years, months, days, hours, minutes, seconds = (float(part or 0) for part in match.groups())
        return ((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + seconds
    return 0.0


def _index_check(element: str) -> None:
    for index in re.findall(r"\.(\d+)\.", element):
        if int(index) > MAX_INDEX:
            raise CmiInvalid(f"{element[:80]}: at most {MAX_INDEX + 1} entries are kept.")


def _float(values: Mapping[str, str], key: str) -> float | None:
    value = values.get(key, "")
    return float(value) if value != "" else None


def cmi_validate(*, version: str, data: object) -> Cmi:
    """Check a commit's elements against the data model of `version` ("1.2" or "2004-*")."""
    if not isinstance(data, dict):
        raise CmiInvalid("cmi must be an object of element names and values.")
    if len(data) > MAX_ELEMENTS:
        raise CmiInvalid(f"A commit may set at most {MAX_ELEMENTS} elements.")
    is_12 = version == "1.2"
    rules, read_only = (RULES_12, READ_ONLY_12) if is_12 else (RULES_2004, READ_ONLY_2004)
    values: dict[str, str] = {}
    for element, value in data.items():
        if not isinstance(element, str) or len(element) > 255:
            raise CmiInvalid("Element names must be strings of at most 255 characters.")
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise CmiInvalid(f"{element[:80]}: the value must be a string.")
        text = str(value)
        if "\x00" in text or any(0xD800 <= ord(char) <= 0xDFFF for char in text):
            raise CmiInvalid(f"{element[:80]}: the value holds characters that cannot be stored.")
        rule = next((check for pattern, check in rules if pattern.fullmatch(element)), None)
        if rule is None:
            if read_only.fullmatch(element):
                continue
            raise CmiInvalid(
                f"{element[:80]} is not an element of the SCORM {'1.2' if is_12 else '2004'} data model."
            )
        _index_check(element)
        if not rule(text):
            raise CmiInvalid(f"{element[:80]}: {text[:40]!r} is not a valid value.")
        values[element] = text
    if is_12:
        status = values.get("cmi.core.lesson_status", "")
        completion = status
        success = status if status in {"passed", "failed"} else ""
        prefix, location_key, exit_key, time_key = (
            "cmi.core.score.",
            "cmi.core.lesson_location",
            "cmi.core.exit",
            "cmi.core.session_time",
        )
    else:
        completion = values.get("cmi.completion_status", "")
        success = values.get("cmi.success_status", "")
        prefix, location_key, exit_key, time_key = (
            "cmi.score.",
            "cmi.location",
            "cmi.exit",
            "cmi.session_time",
        )
    return Cmi(
        values=values,
        completion_status=completion,
        success_status=success,
        score_raw=_float(values, prefix + "raw"),
        score_min=_float(values, prefix + "min"),
        score_max=_float(values, prefix + "max"),
        score_scaled=None if is_12 else _float(values, "cmi.score.scaled"),
        location=values.get(location_key, ""),
        suspend_data=values.get("cmi.suspend_data", ""),
        exit=values.get(exit_key, ""),
        session_seconds=duration_seconds(values.get(time_key, "")),
    )
