"""Reading a shared MI scenario file as untrusted input: bounded, parsed and checked.

Size and nesting are bounded before parsing; duplicate names and non-standard constants
are refused; every field is checked with its path, and the conversation graph is
validated exactly as the editor validates it. Nothing here touches the database: the
exchange module turns a checked document into a draft.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from django.utils.text import slugify

from cms.core.text import text_problem
from modules.scenarios import graph

FORMAT_NAME = "mi-scenario"
FORMAT_VERSION = 1
MAX_IMPORT_BYTES = 512 * 1024
MAX_NESTING = 10
SLUG_MAX_LENGTH = 70  # leaves room for a "-2" suffix within the field's 80


class ScenarioImportError(ValueError):
    """The file cannot become a scenario; `reasons` says why, each in plain words."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


# --- import: reading the file safely ---------------------------------------------------


def _nesting_depth(text: str) -> int:
    """The deepest bracket nesting in JSON text, strings skipped; checked before parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not allowed")


def _pairs_without_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the name {key!r} appears twice in one object")
        result[key] = value
    return result


def parse_document(raw: bytes | str) -> Any:
    """The file as JSON, or ScenarioImportError; bounded in size and nesting before parsing."""
    size = len(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    if size > MAX_IMPORT_BYTES:
        raise ScenarioImportError(
            [
                f"The file is too large ({size // 1024} KB); "
                f"a scenario file is at most {MAX_IMPORT_BYTES // 1024} KB."
            ]
        )
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioImportError(
                ["The file is not UTF-8 text, so it cannot be a scenario (JSON) file."]
            ) from None
    if "\x00" in raw:
        raise ScenarioImportError(["The file contains NUL characters; it is not a scenario (JSON) file."])
    if _nesting_depth(raw) > MAX_NESTING:
        raise ScenarioImportError(
            [f"The file is nested more than {MAX_NESTING} levels deep; a scenario file never is."]
        )
    try:
        return json.loads(raw, parse_constant=_refuse_constant, object_pairs_hook=_pairs_without_duplicates)
    except (ValueError, RecursionError) as error:
        raise ScenarioImportError([f"The file is not valid JSON ({error})."]) from None


# --- import: checking the shape ------------------------------------------------------------


class _Shape:
    """Collects every shape problem with its path, e.g. 'scenario.nodes[3].responses[0].code'."""

    def __init__(self):
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(f"{path}: {message}")

    def object(
        self, value, path: str, *, required: set[str], optional: set[str] = frozenset()
    ) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, "expected an object ({...})")
            return None
        missing = sorted(required - value.keys())
        for name in missing:
            self.add(f"{path}.{name}", "missing")
        for name in sorted(value.keys() - required - optional):
            self.add(f"{path}.{name}", "not part of the format")
        return None if missing else value

    def text(self, value, path: str, *, max_length: int, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.add(path, "expected text")
            return ""
        if len(value) > max_length:
            self.add(path, f"too long ({len(value)} characters; at most {max_length})")
            return ""
        if problem := text_problem(value, label="the text"):
            self.add(path, problem)
            return ""
        if required and not value.strip():
            self.add(path, "must not be empty")
        return value

    def choice(self, value, path: str, *, choices, allow_none: bool = False) -> str:
        if value is None and allow_none:
            return ""
        if not isinstance(value, str) or value not in choices:
            self.add(path, f"expected one of {', '.join(sorted(choices))}")
            return ""
        return value

    def integer(self, value, path: str, *, low: int, high: int, allow_none: bool = False) -> int | None:
        if value is None and allow_none:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(path, f"expected a whole number from {low} to {high}")
            return None
        return value

    def members(self, value, path: str, *, optional: set[str]) -> dict:
        """An object whose members are all optional: {} when it is not one."""
        return self.object(value, path, required=set(), optional=optional) or {}

    def listed(self, value, path: str, *, most: int, what: str = "") -> list:
        """The list at `path`; empty, with a problem, when it is not a list or holds more than `most`."""
        if not isinstance(value, list):
            self.add(path, "expected a list")
            return []
        if len(value) > most:
            self.add(path, f"too many {what}({len(value)}; at most {most})")
            return []
        return value


def _stream_child(block_type: str, value: dict) -> dict:
    """A StreamField (or ListBlock) child as stored, with a fresh id."""
    return {"type": block_type, "id": str(uuid.uuid4()), "value": value}


def _response_raw(shape: _Shape, data, path: str) -> dict:
    data = shape.object(
        data, path, required={"text", "code", "feedback", "next"}, optional={"mi_override", "override_reason"}
    )
    if data is None:
        return {}
    return _stream_child(
        "item",
        {
            "text": shape.text(data["text"], f"{path}.text", max_length=graph.RESPONSE_MAX_LENGTH),
            "code": shape.choice(data["code"], f"{path}.code", choices=graph.BEHAVIOUR_CODES),
            "mi_override": shape.choice(
                data.get("mi_override"),
                f"{path}.mi_override",
                choices={"consistent", "inconsistent"},
                allow_none=True,
            ),
            "override_reason": shape.text(
                data.get("override_reason", ""),
                f"{path}.override_reason",
                max_length=graph.REASON_MAX_LENGTH,
                required=False,
            ),
            "feedback": shape.text(
                data["feedback"], f"{path}.feedback", max_length=graph.FEEDBACK_MAX_LENGTH
            ),
            "next": shape.text(data["next"], f"{path}.next", max_length=graph.KEY_MAX_LENGTH),
        },
    )


def _node_raw(shape: _Shape, data, path: str) -> dict:
    if not isinstance(data, dict):
        shape.add(path, "expected an object ({...})")
        return {}
    kind = data.get("type")
    key_path = f"{path}.key"
    if kind == "end":
        data = shape.object(
            data, path, required={"type", "key", "title", "debrief"}, optional={"parent_text", "outcome"}
        )
        if data is None:
            return {}
        return _stream_child(
            "end",
            {
                "key": shape.text(data["key"], key_path, max_length=graph.KEY_MAX_LENGTH),
                "title": shape.text(data["title"], f"{path}.title", max_length=graph.END_TITLE_MAX_LENGTH),
                "parent_text": shape.text(
                    data.get("parent_text", ""),
                    f"{path}.parent_text",
                    max_length=graph.STATEMENT_MAX_LENGTH,
                    required=False,
                ),
                "outcome": shape.choice(
                    data.get("outcome", "mixed"), f"{path}.outcome", choices=graph.OUTCOMES
                ),
                "debrief": shape.text(
                    data["debrief"], f"{path}.debrief", max_length=graph.DEBRIEF_MAX_LENGTH
                ),
            },
        )
    if kind != "parent":
        shape.add(f"{path}.type", "expected 'parent' or 'end'")
        return {}
    data = shape.object(
        data,
        path,
        required={"type", "key", "text", "talk_type", "responses"},
        optional={"change_talk_kind", "effects"},
    )
    if data is None:
        return {}
    effects = shape.members(data.get("effects", {}), f"{path}.effects", optional={"readiness", "openness"})
    responses = shape.listed(data["responses"], f"{path}.responses", most=graph.MAX_RESPONSES)
    return _stream_child(
        "parent",
        {
            "key": shape.text(data["key"], key_path, max_length=graph.KEY_MAX_LENGTH),
            "text": shape.text(data["text"], f"{path}.text", max_length=graph.STATEMENT_MAX_LENGTH),
            "media": None,
            "talk_type": shape.choice(data["talk_type"], f"{path}.talk_type", choices=graph.TALK_TYPES),
            "change_talk_kind": shape.choice(
                data.get("change_talk_kind"),
                f"{path}.change_talk_kind",
                choices=graph.CHANGE_TALK_KINDS,
                allow_none=True,
            ),
            "readiness": _effect(shape, effects, f"{path}.effects", "readiness"),
            "openness": _effect(shape, effects, f"{path}.effects", "openness"),
            "responses": [
                _response_raw(shape, item, f"{path}.responses[{number}]")
                for number, item in enumerate(responses)
            ],
        },
    )


def _effect(shape: _Shape, effects: dict, path: str, name: str) -> int:
    """How a parent statement moves one of the parent's states (none when the file does not say)."""
    return (
        shape.integer(effects.get(name, 0), f"{path}.{name}", low=graph.DELTA_MIN, high=graph.DELTA_MAX) or 0
    )


def scenario_document_check(document: Any) -> tuple[dict[str, Any], list[str]]:
    """Check a parsed document's shape and graph; return the model fields and any problems."""
    shape = _Shape()
    root = shape.object(
        document, "file", required={"format", "version", "scenario"}, optional={"exported_from"}
    )
    if root is None:
        return {}, shape.problems
    if root["format"] != FORMAT_NAME:
        shape.add("file.format", f"expected '{FORMAT_NAME}'")
    if root["version"] != FORMAT_VERSION or isinstance(root["version"], bool):
        shape.add("file.version", f"this platform reads version {FORMAT_VERSION}")
    if shape.problems:
        return {}, shape.problems
    data = shape.object(
        root["scenario"],
        "scenario",
        required={"slug", "title", "summary", "persona", "start", "nodes"},
        optional={"initial_state", "minimum_profile"},
    )
    if data is None:
        return {}, shape.problems
    persona = shape.object(
        data["persona"], "scenario.persona", required={"name", "situation", "family_context", "concerns"}
    ) or {"name": "", "situation": "", "family_context": "", "concerns": ""}
    state = shape.members(
        data.get("initial_state", {}), "scenario.initial_state", optional={"readiness", "openness"}
    )
    minimum = shape.members(
        data.get("minimum_profile", {}),
        "scenario.minimum_profile",
        optional={"mi_consistent_percent", "reflections_per_question"},
    )
    ratio = minimum.get("reflections_per_question")
    if ratio is not None and (
        isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 <= ratio <= 10
    ):
        shape.add(
            "scenario.minimum_profile.reflections_per_question", "expected a number from 0 to 10, or null"
        )
        ratio = None
    slug = shape.text(data["slug"], "scenario.slug", max_length=SLUG_MAX_LENGTH)
    if slug and slugify(slug) != slug:
        shape.add("scenario.slug", "use lower-case letters, digits and hyphens")
    nodes = shape.listed(data["nodes"], "scenario.nodes", most=graph.MAX_NODES, what="nodes ")
    fields = {
        "slug": slug,
        "title": shape.text(data["title"], "scenario.title", max_length=120),
        "summary": shape.text(data["summary"], "scenario.summary", max_length=400),
        "persona_name": shape.text(persona["name"], "scenario.persona.name", max_length=80),
        "persona_situation": shape.text(persona["situation"], "scenario.persona.situation", max_length=600),
        "family_context": shape.text(
            persona["family_context"], "scenario.persona.family_context", max_length=1000
        ),
        "concerns": shape.text(persona["concerns"], "scenario.persona.concerns", max_length=1000),
        "initial_readiness": shape.integer(
            state.get("readiness", 3),
            "scenario.initial_state.readiness",
            low=graph.STATE_MIN,
            high=graph.STATE_MAX,
        ),
        "initial_openness": shape.integer(
            state.get("openness", 4),
            "scenario.initial_state.openness",
            low=graph.STATE_MIN,
            high=graph.STATE_MAX,
        ),
        "min_mi_consistent_percent": shape.integer(
            minimum.get("mi_consistent_percent"),
            "scenario.minimum_profile.mi_consistent_percent",
            low=0,
            high=100,
            allow_none=True,
        ),
        "min_reflection_question_ratio": Decimal(str(round(ratio, 1))) if ratio is not None else None,
        "start_node": shape.text(data["start"], "scenario.start", max_length=graph.KEY_MAX_LENGTH),
        "nodes": [_node_raw(shape, item, f"scenario.nodes[{number}]") for number, item in enumerate(nodes)],
    }
    if shape.problems:
        return fields, shape.problems
    problems = graph.graph_problems(
        graph.graph_from_stream(raw_nodes=fields["nodes"], start=fields["start_node"])
    )
    return fields, [problem.message for problem in problems]
