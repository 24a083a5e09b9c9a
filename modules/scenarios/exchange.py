"""Sharing MI scenarios as JSON files: export, and a careful import that only ever creates drafts.

The format (documented in docs/scenarios.md) is versioned: ``{"format": "mi-scenario",
"version": 1, "scenario": {...}}``. Files come from other councils, so an import is
treated as untrusted input: bounded in size and nesting before parsing, checked field by
field, and the conversation graph validated exactly as the editor validates it. An
import never touches existing content: it creates a new draft, with a fresh slug when
the file's slug is taken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from wagtail.log_actions import log

from modules.scenarios.models import Scenario
from modules.scenarios.validation import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_IMPORT_BYTES,
    ScenarioImportError,
    parse_document,
    scenario_document_check,
)

__all__ = [
    "MAX_IMPORT_BYTES",
    "ImportResult",
    "ScenarioImportError",
    "scenario_document_check",
    "scenario_export",
    "scenario_export_json",
    "scenario_import",
]


@dataclass(frozen=True)
class ImportResult:
    scenario: Scenario
    slug_changed: bool


# --- export -------------------------------------------------------------------------


def _node_export(item: dict) -> dict[str, Any]:
    value = item.get("value") or {}
    if item.get("type") == "end":
        return {
            "type": "end",
            "key": value.get("key", ""),
            "title": value.get("title", ""),
            "parent_text": value.get("parent_text", ""),
            "outcome": value.get("outcome", "mixed"),
            "debrief": value.get("debrief", ""),
        }
    responses = []
    for child in value.get("responses") or []:
        data = child.get("value", child)
        responses.append(
            {
                "text": data.get("text", ""),
                "code": data.get("code", ""),
                "mi_override": data.get("mi_override") or None,
                "override_reason": data.get("override_reason", ""),
                "feedback": data.get("feedback", ""),
                "next": data.get("next", ""),
            }
        )
    return {
        "type": "parent",
        "key": value.get("key", ""),
        "text": value.get("text", ""),
        "talk_type": value.get("talk_type", "neutral"),
        "change_talk_kind": value.get("change_talk_kind") or None,
        "effects": {"readiness": value.get("readiness", 0), "openness": value.get("openness", 0)},
        "responses": responses,
    }


def scenario_export(*, scenario: Scenario, live: bool = False) -> dict[str, Any]:
    """The scenario as a shareable document: its latest saved version, or the live one.

    Audio and video are not included (documents belong to one site); re-attach them
    after importing.
    """
    if live:
        if not scenario.live:
            raise ValueError(f"'{scenario.slug}' has no published version.")
        source = scenario.live_revision.as_object() if scenario.live_revision else scenario
    else:
        source = scenario.get_latest_revision_as_object()
    ratio = source.min_reflection_question_ratio
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "scenario": {
            "slug": source.slug,
            "title": source.title,
            "summary": source.summary,
            "persona": {
                "name": source.persona_name,
                "situation": source.persona_situation,
                "family_context": source.family_context,
                "concerns": source.concerns,
            },
            "initial_state": {"readiness": source.initial_readiness, "openness": source.initial_openness},
            "minimum_profile": {
                "mi_consistent_percent": source.min_mi_consistent_percent,
                "reflections_per_question": float(ratio) if ratio is not None else None,
            },
            "start": source.start_node,
            "nodes": [_node_export(item) for item in source.nodes.raw_data],
        },
    }


def scenario_export_json(*, scenario: Scenario, live: bool = False) -> str:
    return json.dumps(scenario_export(scenario=scenario, live=live), ensure_ascii=False, indent=2) + "\n"


def _free_slug(slug: str) -> str:
    taken = set(Scenario.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
    if slug not in taken:
        return slug
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"


@transaction.atomic
def scenario_import(*, raw: bytes | str, user=None) -> ImportResult:
    """Create a draft scenario from a shared file, or raise ScenarioImportError with every reason.

    Live content is never overwritten: the import is always a new scenario, saved as a
    draft (publishing goes through the usual L&D workflow); a taken slug gets a suffix.
    """
    fields, problems = scenario_document_check(parse_document(raw))
    if problems:
        raise ScenarioImportError(problems)
    wanted = fields.pop("slug")
    slug = _free_slug(wanted)
    raw_nodes = fields.pop("nodes")
    scenario = Scenario(slug=slug, live=False, **fields)
    scenario.nodes = raw_nodes
    scenario.full_clean()
    scenario.save()
    revision = scenario.save_revision(user=user, log_action=False)
    log(instance=scenario, action="wagtail.create", user=user, revision=revision, content_changed=True)
    return ImportResult(scenario=scenario, slug_changed=slug != wanted)
