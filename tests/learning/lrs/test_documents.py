"""State, activity profile and agent profile documents: ETags, merging and the concurrency rules."""

import json

import pytest

pytestmark = pytest.mark.django_db

AGENT = json.dumps({"mbox": "mailto:ada@example.org"})
ACTIVITY = "http://example.org/activities/safeguarding-1"
STATE = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}


def test_state_put_get_and_etag(xapi):
    """A course saves where the learner is, and reads it back with its ETag."""
    put = xapi.request("PUT", "activities/state", params=STATE, body={"page": 3})
    assert put.status_code == 204
    got = xapi.request("GET", "activities/state", params=STATE)
    assert got.status_code == 200 and got.json() == {"page": 3}
    assert got["ETag"].startswith('"') and len(got["ETag"]) == 42
    assert "Last-Modified" in got


def test_post_merges_json_objects_and_refuses_anything_else(xapi):
    xapi.request("POST", "activities/state", params=STATE, body={"page": 3, "score": 1})
    xapi.request("POST", "activities/state", params=STATE, body={"page": 4})
    assert xapi.request("GET", "activities/state", params=STATE).json() == {"page": 4, "score": 1}
    refused = xapi.request("POST", "activities/state", params=STATE, body="plain", content_type="text/plain")
    assert refused.status_code == 400


def test_if_match_must_name_the_current_etag(xapi):
    params = {"activityId": ACTIVITY, "profileId": "settings"}
    xapi.request("PUT", "activities/profile", params=params, body={"a": 1}, headers={"If-None-Match": "*"})
    etag = xapi.request("GET", "activities/profile", params=params)["ETag"]
    wrong = xapi.request(
        "PUT", "activities/profile", params=params, body={"a": 2}, headers={"If-Match": '"x"'}
    )
    assert wrong.status_code == 412
    right = xapi.request(
        "PUT", "activities/profile", params=params, body={"a": 2}, headers={"If-Match": etag}
    )
    assert right.status_code == 204
    again = xapi.request(
        "PUT", "activities/profile", params=params, body={"a": 3}, headers={"If-None-Match": "*"}
    )
    assert again.status_code == 412


def test_a_put_over_an_existing_document_without_a_precondition_is_a_conflict(xapi):
    params = {"agent": AGENT, "profileId": "prefs"}
    xapi.request("PUT", "agents/profile", params=params, body={"a": 1}, headers={"If-None-Match": "*"})
    conflict = xapi.request("PUT", "agents/profile", params=params, body={"a": 2})
    assert conflict.status_code == 409
    assert xapi.request("GET", "agents/profile", params=params).json() == {"a": 1}


def test_xapi_1_0_3_profile_put_needs_a_precondition_even_when_new(make_xapi):
    old = make_xapi(version="1.0.3")
    params = {"activityId": ACTIVITY, "profileId": "new"}
    assert old.request("PUT", "activities/profile", params=params, body={"a": 1}).status_code == 400


def test_state_list_and_delete_all(xapi):
    for state_id in ("one", "two"):
        xapi.request("PUT", "activities/state", params={**STATE, "stateId": state_id}, body={"x": state_id})
    listing = xapi.request("GET", "activities/state", params={"activityId": ACTIVITY, "agent": AGENT})
    assert listing.json() == ["one", "two"]
    assert (
        xapi.request(
            "DELETE", "activities/state", params={"activityId": ACTIVITY, "agent": AGENT}
        ).status_code
        == 204
    )
    assert xapi.request("GET", "activities/state", params={**STATE, "stateId": "one"}).status_code == 404


def test_documents_need_their_parameters(xapi):
    assert xapi.request("GET", "activities/state", params={"agent": AGENT}).status_code == 400
    assert (
        xapi.request("GET", "activities/state", params={"activityId": ACTIVITY, "agent": "{"}).status_code
        == 400
    )
    assert (
        xapi.request("PUT", "activities/profile", params={"activityId": ACTIVITY}, body={}).status_code == 400
    )
    unknown = {**STATE, "colour": "red"}
    assert xapi.request("GET", "activities/state", params=unknown).status_code == 400


def test_activities_resource_merges_definitions_from_statements(xapi):
    from tests.learning.lrs.statements import lrs_statement

    xapi.post_statements(
        lrs_statement(object={"id": ACTIVITY, "definition": {"name": {"en-GB": "Safeguarding"}}})
    )
    got = xapi.request("GET", "activities", params={"activityId": ACTIVITY}).json()
    assert got == {
        "objectType": "Activity",
        "id": ACTIVITY,
        "definition": {"name": {"en-GB": "Safeguarding"}},
    }


def test_agents_resource_answers_a_person(xapi):
    got = xapi.request("GET", "agents", params={"agent": AGENT}).json()
    assert got == {"objectType": "Person", "mbox": ["mailto:ada@example.org"]}
