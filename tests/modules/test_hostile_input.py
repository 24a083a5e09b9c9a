"""Hostile input to content intake: shared MI scenario files and H5P package metadata.

L&D import scenario files other councils share and upload H5P packages from anywhere;
whatever text those files hold, the import either stores it exactly or refuses it
with a reason, never a server error or a half-stored row.
"""

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.h5p.validation import package_validate
from modules.models import Scenario
from modules.packages.archive import PackageRefused
from modules.scenarios.exchange import ScenarioImportError, scenario_import
from tests.hostile import hostile_settings, hostile_text
from tests.modules.factories import scenario_document
from tests.modules.h5p.corpus import LIB, h5p_json, library_json, package

SCENARIO_PLACES = [
    ("title", lambda scenario, text: scenario.update(title=text)),
    ("summary", lambda scenario, text: scenario.update(summary=text)),
    ("persona_name", lambda scenario, text: scenario["persona"].update(name=text)),
    ("concerns", lambda scenario, text: scenario["persona"].update(concerns=text)),
    ("node text", lambda scenario, text: scenario["nodes"][0].update(text=text)),
    ("response text", lambda scenario, text: scenario["nodes"][0]["responses"][0].update(text=text)),
    ("feedback", lambda scenario, text: scenario["nodes"][0]["responses"][0].update(feedback=text)),
    ("debrief", lambda scenario, text: scenario["nodes"][3].update(debrief=text)),
]


def _stored_text(scenario: Scenario, place: str) -> str:
    fields = {
        "title": scenario.title,
        "summary": scenario.summary,
        "persona_name": scenario.persona_name,
        "concerns": scenario.concerns,
    }
    if place in fields:
        return fields[place]
    return json.dumps(list(scenario.nodes.raw_data))


@pytest.mark.django_db
@settings(hostile_settings, max_examples=30)
@given(place=st.sampled_from(range(len(SCENARIO_PLACES))), text=hostile_text)
def test_a_shared_scenario_file_with_any_text_is_imported_exactly_or_refused(place, text):
    """A scenario file from another council holding odd text becomes an exact draft or a list of reasons."""
    name, change = SCENARIO_PLACES[place]
    document = scenario_document(slug="hostile")
    change(document["scenario"], text)
    before = Scenario.objects.count()
    try:
        result = scenario_import(raw=json.dumps(document))
    except ScenarioImportError as refused:
        assert refused.reasons
        assert all(reason for reason in refused.reasons)
        assert Scenario.objects.count() == before
        return
    stored = Scenario.objects.get(pk=result.scenario.pk)
    if name in {"title", "summary", "persona_name", "concerns"}:
        assert _stored_text(stored, name) == text
    else:
        assert json.dumps(text)[1:-1] in _stored_text(stored, name)


@hostile_settings
@given(
    field=st.sampled_from(["title", "language", "mainLibrary", "author", "license", "source"]),
    text=hostile_text,
)
def test_h5p_json_with_any_text_in_a_field_is_accepted_as_written_or_refused(field, text):
    """An H5P package whose h5p.json holds odd text is refused with a reason, or its title kept exactly."""
    data = package({"h5p.json": json.dumps(h5p_json(**{field: text})).encode()})
    try:
        manifest = package_validate(io.BytesIO(data))
    except PackageRefused as refused:
        assert refused.reason.endswith(".")
        assert "h5p.json" in refused.reason or refused.code == "main-library-not-listed"
        return
    if field == "title":
        assert manifest.title == text.strip()
    if field == "language":
        assert manifest.language == text


@hostile_settings
@given(
    field=st.sampled_from(["title", "machineName", "author", "description", "patchVersion", "runnable"]),
    value=st.one_of(hostile_text, st.integers(min_value=-(10**400), max_value=10**400), st.floats()),
)
def test_library_json_with_any_value_in_a_field_is_accepted_or_refused_naming_the_file(field, value):
    """A library.json field holding any text or number is accepted or refused naming the library's file."""
    data = package({f"{LIB}/library.json": json.dumps(library_json(**{field: value})).encode()})
    try:
        package_validate(io.BytesIO(data))
    except PackageRefused as refused:
        assert LIB in refused.reason


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/h5p/1/content/content.json", "/scorm/1/abc/1/index.html"])
def test_signed_out_package_files_get_the_branded_refusal(client, path):
    """An activity's file opened signed out gets the site's 403 page with a way to sign in."""
    response = client.get(path)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Sign in to see this activity." in page
    assert "/accounts/login/?next=" in page
