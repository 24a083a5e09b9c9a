"""Who may do what at /xapi: each scope's grants and refusals, wrong credentials, and the session."""

import base64
import json

import pytest
from django.test import Client

from learning.models import XAPIStatement
from tests.cms.people.factories import UserFactory
from tests.learning.lrs.conftest import XapiClient
from tests.learning.lrs.statements import lrs_statement

pytestmark = pytest.mark.django_db

STATE = {
    "activityId": "http://example.org/a",
    "agent": json.dumps({"mbox": "mailto:a@example.org"}),
    "stateId": "s",
}


def test_no_credentials_is_401_with_a_basic_challenge():
    response = XapiClient(None, None).get_statements()
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert response["Content-Type"] == "application/json"


def test_a_wrong_secret_or_malformed_header_is_401(xapi):
    assert XapiClient(xapi.credential.key, "wrong").get_statements().status_code == 401
    bad = Client().get(
        "/xapi/statements", headers={"Authorization": "Basic !!!", "X-Experience-API-Version": "2.0.0"}
    )
    assert bad.status_code == 401


def test_a_withdrawn_credential_is_refused(xapi):
    xapi.credential.is_active = False
    xapi.credential.save()
    assert xapi.get_statements().status_code == 401


def test_write_scope_writes_but_does_not_read(make_xapi):
    writer = make_xapi("statements/write")
    data = lrs_statement()
    assert writer.post_statements(data).status_code == 200
    assert writer.get_statements().status_code == 403
    assert writer.get_statements(statementId=data["id"]).status_code == 403
    assert writer.request("GET", "activities/state", params=STATE).status_code == 403


def test_read_mine_sees_only_its_own_statements(make_xapi):
    mine = make_xapi("statements/write", "statements/read/mine", name="mine")
    other = make_xapi("statements/write", name="other")
    own, theirs = lrs_statement(), lrs_statement()
    mine.post_statements(own)
    other.post_statements(theirs)
    assert [s["id"] for s in mine.get_statements().json()["statements"]] == [own["id"]]
    assert mine.get_statements(statementId=theirs["id"]).status_code == 404
    assert mine.post_statements(lrs_statement()).status_code == 200


def test_all_read_reads_everything_but_cannot_write(make_xapi):
    reader = make_xapi("all/read", name="reader")
    make_xapi("statements/write", name="writer").post_statements(lrs_statement())
    assert len(reader.get_statements().json()["statements"]) == 1
    assert reader.post_statements(lrs_statement()).status_code == 403
    assert reader.request("PUT", "activities/state", params=STATE, body={"a": 1}).status_code == 403
    assert reader.request("GET", "activities/state", params=STATE).status_code == 404


def test_state_scope_reads_and_writes_documents_only(make_xapi):
    state = make_xapi("state", name="state")
    assert state.request("PUT", "activities/state", params=STATE, body={"a": 1}).status_code == 204
    assert state.request("GET", "activities/state", params=STATE).status_code == 200
    assert state.post_statements(lrs_statement()).status_code == 403
    assert state.get_statements().status_code == 403


def test_a_fixed_authority_is_recorded(make_xapi):
    authority = {"objectType": "Agent", "mbox": "mailto:ld@oxfordshire.gov.uk"}
    client = make_xapi("statements/write", "all/read", authority=authority)
    data = lrs_statement(authority={"objectType": "Agent", "mbox": "mailto:forged@example.org"})
    client.post_statements(data)
    assert client.get_statements(statementId=data["id"]).json()["authority"] == authority


def _session_client(user, *, csrf: bool):
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_the_session_path_keeps_csrf(client):
    """The platform's own players post on the session: without the CSRF token they are refused."""
    person = UserFactory()
    session = _session_client(person, csrf=True)
    data = lrs_statement(actor={"mbox": f"mailto:{person.email}"})
    response = session.post(
        "/xapi/statements",
        data=json.dumps(data),
        content_type="application/json",
        headers={"X-Experience-API-Version": "2.0.0"},
    )
    assert response.status_code == 403
    assert not XAPIStatement.objects.exists()


def test_basic_auth_clients_are_csrf_exempt(xapi):
    xapi.client = Client(enforce_csrf_checks=True)
    assert xapi.post_statements(lrs_statement()).status_code == 200


def test_a_signed_in_person_writes_and_reads_only_as_themselves():
    person = UserFactory()
    session = _session_client(person, csrf=False)
    headers = {"X-Experience-API-Version": "2.0.0"}
    mine = lrs_statement(actor={"mbox": f"mailto:{person.email}"})
    someone = lrs_statement(actor={"mbox": "mailto:someone@example.org"})
    ok = session.post(
        "/xapi/statements", data=json.dumps(mine), content_type="application/json", headers=headers
    )
    assert ok.status_code == 200
    refused = session.post(
        "/xapi/statements", data=json.dumps(someone), content_type="application/json", headers=headers
    )
    assert refused.status_code == 403
    listed = session.get("/xapi/statements", headers=headers).json()["statements"]
    assert [s["id"] for s in listed] == [mine["id"]]


def test_basic_credentials_win_over_a_session(xapi):
    """A request carrying basic credentials is judged by them, never by a browser session beside them."""
    person = UserFactory()
    xapi.client.force_login(person)
    token = base64.b64encode(f"{xapi.credential.key}:wrong".encode()).decode()
    response = xapi.client.get(
        "/xapi/statements", headers={**xapi.headers, "Authorization": f"Basic {token}"}
    )
    assert response.status_code == 401
