"""Sharing MI scenarios between councils as JSON files: export, and import of untrusted files."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from modules.demo.seed import SCENARIO_FILES
from modules.models import Scenario
from modules.scenarios.exchange import (
    MAX_IMPORT_BYTES,
    ScenarioImportError,
    scenario_export,
    scenario_import,
)
from modules.scenarios.validation import MAX_NESTING, scenario_document_check
from tests.modules.factories import scenario_create, scenario_document

pytestmark = pytest.mark.django_db


def _import(raw) -> list[str]:
    with pytest.raises(ScenarioImportError) as caught:
        scenario_import(raw=raw)
    return caught.value.reasons


def test_export_then_import_round_trips_as_a_new_draft():
    """A council exports a scenario; another imports it and gets the same conversation, as a draft."""
    original = scenario_create(slug="shared")
    exported = scenario_export(scenario=original)
    assert exported["format"] == "mi-scenario" and exported["version"] == 1
    result = scenario_import(raw=json.dumps(exported))
    copy = result.scenario
    assert copy.pk != original.pk
    assert copy.slug == "shared-2" and result.slug_changed
    assert copy.live is False and copy.latest_revision is not None
    assert scenario_export(scenario=copy)["scenario"] == {**exported["scenario"], "slug": "shared-2"}


def test_import_never_overwrites_live_content():
    """Importing a file whose slug is live leaves the live scenario exactly as it was."""
    live = scenario_create(slug="live-one")
    before = scenario_export(scenario=live)
    changed = scenario_document(slug="live-one", title="A different title")
    scenario_import(raw=json.dumps(changed))
    live.refresh_from_db()
    assert live.title == "Dan: a practice visit"
    assert scenario_export(scenario=live) == before
    assert Scenario.objects.filter(slug__startswith="live-one").count() == 2


def test_export_of_the_live_version_differs_from_a_newer_draft():
    scenario = scenario_create(slug="versions")
    draft = scenario.get_latest_revision_as_object()
    draft.title = "Draft title"
    draft.save_revision()
    assert scenario_export(scenario=scenario)["scenario"]["title"] == "Draft title"
    assert scenario_export(scenario=scenario, live=True)["scenario"]["title"] == "Dan: a practice visit"


def test_a_file_that_is_not_json_is_refused():
    reasons = _import(b"this is not json")
    assert reasons[0].startswith("The file is not valid JSON")


def test_a_file_that_is_not_utf8_is_refused():
    assert _import(b"\xff\xfe\x00{") == [
        "The file is not UTF-8 text, so it cannot be a scenario (JSON) file."
    ]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([1, 2, 3], "file: expected an object ({...})"),
        ({"format": "mi-scenario", "version": 1}, "file.scenario: missing"),
        ({"format": "other", "version": 1, "scenario": {}}, "file.format: expected 'mi-scenario'"),
        (
            {"format": "mi-scenario", "version": 2, "scenario": {}},
            "file.version: this platform reads version 1",
        ),
        ({"format": "mi-scenario", "version": 1, "scenario": "x"}, "scenario: expected an object ({...})"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused_with_the_path(document, expected):
    assert expected in _import(json.dumps(document))


def test_wrong_types_deep_inside_are_reported_with_their_path():
    document = scenario_document()
    document["scenario"]["nodes"][1]["responses"][0]["code"] = "telling_off"
    document["scenario"]["nodes"][2]["effects"]["openness"] = 99
    document["scenario"]["persona"]["name"] = ["not", "text"]
    document["scenario"]["surprise"] = True
    reasons = _import(json.dumps(document))
    assert any(
        reason.startswith("scenario.nodes[1].responses[0].code: expected one of") for reason in reasons
    )
    assert "scenario.nodes[2].effects.openness: expected a whole number from -3 to 3" in reasons
    assert "scenario.persona.name: expected text" in reasons
    assert "scenario.surprise: not part of the format" in reasons


def test_a_broken_graph_is_refused_with_the_node_named():
    document = scenario_document()
    document["scenario"]["nodes"][0]["responses"][2]["next"] = "nowhere"
    assert "Node 'open', response 3 points to 'nowhere', which is not a node." in _import(
        json.dumps(document)
    )


def test_an_oversized_file_is_refused_before_parsing():
    raw = b" " * (MAX_IMPORT_BYTES + 1)
    assert _import(raw)[0].startswith("The file is too large")


def test_a_deeply_nested_file_is_refused_before_parsing():
    """A file of 100,000 nested brackets would exhaust the parser; it never reaches it."""
    raw = "[" * 100_000 + "]" * 100_000
    assert _import(raw) == [
        f"The file is nested more than {MAX_NESTING} levels deep; a scenario file never is."
    ]


def test_huge_strings_are_refused_with_their_path():
    document = scenario_document()
    document["scenario"]["nodes"][0]["text"] = "x" * 200_000
    reasons = _import(json.dumps(document))
    assert reasons == ["scenario.nodes[0].text: too long (200000 characters; at most 1200)"]


def test_too_many_nodes_are_refused():
    document = scenario_document()
    document["scenario"]["nodes"] = [document["scenario"]["nodes"][0]] * 61
    assert "scenario.nodes: too many nodes (61; at most 60)" in _import(json.dumps(document))


def test_json_tricks_are_refused():
    """NaN and duplicate names are not JSON a scenario export ever contains."""
    assert "NaN is not allowed" in _import('{"format": NaN}')[0]
    assert "appears twice" in _import('{"format": "mi-scenario", "format": "x"}')[0]


def test_brackets_inside_strings_do_not_count_as_nesting():
    document = scenario_document()
    document["scenario"]["summary"] = "[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{"
    assert scenario_import(raw=json.dumps(document)).scenario.summary.startswith("[[[[")


def test_the_export_command_writes_json_to_standard_output():
    scenario_create(slug="to-export")
    out = StringIO()
    call_command("scenario_export", "to-export", stdout=out)
    assert json.loads(out.getvalue())["scenario"]["slug"] == "to-export"


def test_the_export_command_fails_for_an_unknown_slug():
    with pytest.raises(CommandError, match="No MI scenario has the slug 'missing'"):
        call_command("scenario_export", "missing")


def test_the_import_command_creates_a_draft(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario_document(slug="from-file")))
    out = StringIO()
    call_command("scenario_import", str(path), stdout=out)
    scenario = Scenario.objects.get(slug="from-file")
    assert scenario.live is False
    assert "Created draft MI scenario" in out.getvalue()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not json", "not valid JSON"),
        (b'{"format": "mi-scenario"}', "file.scenario: missing"),
        (b"[" * 5000, "nested more than"),
    ],
)
def test_the_import_command_exits_non_zero_with_reasons(tmp_path, content, reason):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("scenario_import", str(path))
    assert reason in str(caught.value)
    assert not Scenario.objects.exists()


def test_the_import_command_refuses_an_oversized_file_without_reading_it(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"{" + b" " * MAX_IMPORT_BYTES + b"}")
    with pytest.raises(CommandError, match="too large"):
        call_command("scenario_import", str(path))


def test_the_import_command_exits_non_zero_as_a_process(tmp_path):
    """Run as a real process: a refused file gives a non-zero exit status and the reasons on stderr."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    path = tmp_path / "bad.json"
    path.write_text("{not json")
    completed = subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "scenario_import", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        # A clean environment: a fresh SQLite file, whatever database the suite uses.
        env={
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "PATH": os.environ["PATH"],
            "VAR_DIR": str(tmp_path),
        },
        check=False,
    )
    assert completed.returncode != 0
    assert "not valid JSON" in completed.stderr


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda path: path.stem)
def test_each_demo_scenario_file_is_a_valid_exchange_document(path):
    """The demo scenarios ship as the exchange files councils share, so each must pass the
    importer's own checks unchanged (they are also the documentation's worked examples)."""
    fields, problems = scenario_document_check(json.loads(path.read_text(encoding="utf-8")))
    assert problems == []
    assert fields["slug"] == path.stem
