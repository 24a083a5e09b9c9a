"""Hostile input at /xapi never makes a 500: malformed JSON, huge bodies, wrong content types,
bad multipart bodies, unstorable text, and statements made up by hypothesis."""

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learning.models import XAPIStatement
from learning.services.lrs import StatementRejected, statement_validate
from tests.hostile import hostile_settings, hostile_text, huge_numbers
from tests.learning.lrs.statements import lrs_statement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body",
    [b"{", b"[1, 2", b"\xff\xfe", b"null", b"[]", b"42", b'"text"', b"[" * 5000 + b"]" * 5000, b"{}"],
)
def test_malformed_bodies_are_400(xapi, body):
    response = xapi.post_statements(body)
    assert response.status_code == 400
    assert "error" in response.json()


def test_wrong_content_type_is_400(xapi):
    response = xapi.post_statements(json.dumps(lrs_statement()), content_type="text/plain")
    assert response.status_code == 400


def test_a_body_over_the_limit_is_413(xapi, settings):
    response = xapi.client.post(
        "/xapi/statements",
        data=b"x",
        content_type="application/json",
        headers={**xapi.headers},
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"no boundary at all", "multipart/mixed"),
        (b"--b\r\nContent-Type: application/json\r\n\r\n{}\r\n", "multipart/mixed; boundary=b"),
        (b"--b\r\n\r\n--b--\r\n", "multipart/mixed; boundary=b"),
        (b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n", "multipart/mixed; boundary=b"),
        (
            b'--b\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n'
            b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n",
            "multipart/mixed; boundary=b",
        ),
        (
            b"--b\r\nContent-Type: application/json\r\n\r\n[]\r\n--b\r\nContent-Transfer-Encoding: binary\r\n"
            b"X-Experience-API-Hash: 00\r\n\r\nx\r\n--b--\r\n",
            "multipart/mixed; boundary=b",
        ),
    ],
)
def test_bad_multipart_bodies_are_400(xapi, body, content_type):
    assert xapi.post_statements(body, content_type=content_type).status_code == 400


@pytest.mark.parametrize(
    "change",
    [
        {"actor": {"mbox": "mailto:a@example.org", "name": "A\x00B"}},
        {"actor": {"mbox": "mailto:a@example.org", "name": "\ud800"}},
        {"result": {"score": {"raw": 1e400}}},
        {"object": {"id": "http://example.org/" + "a" * 5000}},
        {"actor": {"mbox": "mailto:" + "a" * 5000 + "@example.org"}},
    ],
)
def test_unstorable_or_oversized_values_never_500(xapi, change):
    raw = json.dumps(lrs_statement(**change)).replace("Infinity", "1e400")
    response = xapi.post_statements(raw)
    assert response.status_code in {200, 400}


def test_hostile_query_parameters_are_400(xapi):
    for params in (
        {"agent": "{"},
        {"agent": json.dumps({"name": "no ifi"})},
        {"since": "yesterday"},
        {"limit": "-1"},
        {"limit": "9" * 40},
        {"format": "everything"},
        {"ascending": "maybe"},
        {"registration": "not-a-uuid"},
        {"statementId": "x"},
        {"statementId": "\x00"},
        {"colour": "red"},
    ):
        assert xapi.get_statements(**params).status_code == 400, params


def test_hostile_document_parameters_are_400(xapi):
    agent = json.dumps({"mbox": "mailto:a@example.org"})
    for params in (
        {"activityId": "http://example.org/a", "agent": agent, "stateId": "a\x00b"},
        {"activityId": "http://example.org/a", "agent": agent, "stateId": "s" * 3000},
        {"activityId": "http://example.org/a\x00", "agent": agent, "stateId": "s"},
    ):
        assert xapi.request("PUT", "activities/state", params=params, body={"a": 1}).status_code == 400


def test_a_more_link_that_was_not_ours_is_404(xapi):
    response = xapi.client.get("/xapi/statements/more/forged", headers=xapi.headers)
    assert response.status_code == 404


def test_a_wrong_method_is_405(xapi):
    assert xapi.request("DELETE", "statements").status_code == 405


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), huge_numbers, hostile_text),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(hostile_text, children, max_size=4)
    ),
    max_leaves=12,
)


@hostile_settings
@given(
    where=st.sampled_from(
        ["actor", "verb", "object", "result", "context", "timestamp", "attachments", "authority"]
    ),
    value=json_values,
)
def test_any_value_in_any_property_is_stored_or_refused_never_500(xapi, where, value):
    """Whatever a broken or hostile client puts in a statement, the answer is 200 or 400."""
    data = lrs_statement(**{where: value})
    try:
        body = json.dumps(data, allow_nan=True)
    except (UnicodeEncodeError, ValueError):
        return
    response = xapi.post_statements(body.encode("utf-8", "surrogatepass"))
    assert response.status_code in {200, 400}


@hostile_settings
@given(name=hostile_text, score=huge_numbers)
def test_the_validator_only_ever_raises_statement_rejected(name, score):
    data = lrs_statement(
        actor={"mbox": "mailto:a@example.org", "name": name}, result={"score": {"raw": score}}
    )
    with contextlib.suppress(StatementRejected):
        statement_validate(data, version="2.0.0")


def test_nothing_is_stored_by_refused_requests(xapi):
    xapi.post_statements(b"{")
    xapi.post_statements(lrs_statement(verb={"id": "bad"}))
    assert not XAPIStatement.objects.exists()
