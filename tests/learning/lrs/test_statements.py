"""The Statement resource: storing, reading, querying, voiding, attachments and signatures."""

import base64
import hashlib
import json
import uuid

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from learning.models import XAPIStatement
from learning.selectors import platform_account_home
from tests.cms.people.factories import UserFactory
from tests.learning.lrs.statements import lrs_statement

pytestmark = pytest.mark.django_db


def test_a_posted_statement_is_stored_with_id_stored_authority_and_version(xapi):
    """A Storyline course posts a statement: the LRS answers its id and keeps the credential as authority."""
    data = lrs_statement()
    response = xapi.post_statements(data)
    assert response.status_code == 200
    assert response.json() == [data["id"]]
    assert response["X-Experience-API-Version"] == "2.0.0"
    assert "X-Experience-API-Consistent-Through" in response
    stored = xapi.get_statements(statementId=data["id"]).json()
    assert stored["actor"] == data["actor"]
    assert stored["authority"]["account"]["name"] == xapi.credential.key
    assert stored["version"] == "2.0.0"
    assert stored["stored"].endswith("Z")
    assert XAPIStatement.objects.get(statement_id=data["id"]).credential == xapi.credential


def test_a_batch_without_ids_gets_new_ids_in_order(xapi):
    first, second = lrs_statement(), lrs_statement()
    del first["id"], second["id"]
    ids = xapi.post_statements([first, second]).json()
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(uuid.UUID(value) for value in ids)


def test_timestamps_are_normalised_to_utc(xapi):
    data = lrs_statement(timestamp="2026-07-08T10:15:00.123+01:00")
    xapi.post_statements(data)
    stored = xapi.get_statements(statementId=data["id"]).json()
    assert stored["timestamp"] == "2026-07-08T09:15:00.123000Z"


def test_put_stores_under_statement_id_and_a_repeat_is_harmless(xapi):
    data = lrs_statement()
    statement_id = data.pop("id")
    first = xapi.request("PUT", "statements", params={"statementId": statement_id}, body=data)
    again = xapi.request("PUT", "statements", params={"statementId": statement_id}, body=data)
    assert first.status_code == again.status_code == 204
    assert XAPIStatement.objects.filter(statement_id=statement_id).count() == 1


def test_the_same_id_with_different_content_is_a_conflict(xapi):
    data = lrs_statement()
    xapi.post_statements(data)
    changed = {**data, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}
    assert xapi.post_statements(changed).status_code == 409


def test_a_batch_with_one_bad_statement_stores_nothing(xapi):
    good, bad = lrs_statement(), lrs_statement(verb={"id": "not an iri"})
    assert xapi.post_statements([good, bad]).status_code == 400
    assert not XAPIStatement.objects.filter(statement_id=good["id"]).exists()


def test_a_batch_repeating_an_id_is_refused(xapi):
    data = lrs_statement()
    assert xapi.post_statements([data, data]).status_code == 400


def test_voiding_hides_the_statement_but_voidedStatementId_finds_it(xapi):
    """L&D void a wrongly recorded completion: queries no longer return it."""
    target = lrs_statement()
    voiding = lrs_statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": target["id"]},
    )
    xapi.post_statements(target)
    assert xapi.post_statements(voiding).status_code == 200
    assert xapi.get_statements(statementId=target["id"]).status_code == 404
    assert xapi.get_statements(voidedStatementId=target["id"]).json()["id"] == target["id"]
    ids = [s["id"] for s in xapi.get_statements().json()["statements"]]
    assert target["id"] not in ids and voiding["id"] in ids


def test_a_voiding_statement_cannot_be_voided(xapi):
    target = lrs_statement()
    voiding = lrs_statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": target["id"]},
    )
    xapi.post_statements([target, voiding])
    again = lrs_statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
        object={"objectType": "StatementRef", "id": voiding["id"]},
    )
    assert xapi.post_statements(again).status_code == 400


def test_voided_verb_needs_a_statement_ref(xapi):
    data = lrs_statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"})
    assert xapi.post_statements(data).status_code == 400


def test_queries_filter_by_agent_verb_and_activity_and_page_with_more(xapi):
    for index in range(5):
        xapi.post_statements(lrs_statement(object={"id": f"http://example.org/a/{index % 2}"}))
    xapi.post_statements(lrs_statement(actor={"mbox": "mailto:other@example.org"}))
    agent = json.dumps({"mbox": "mailto:ada@example.org"})
    page = xapi.get_statements(agent=agent, limit=2).json()
    assert len(page["statements"]) == 2 and page["more"].startswith("/xapi/statements/more/")
    seen = [s["id"] for s in page["statements"]]
    while page["more"]:
        response = xapi.client.get(page["more"], headers=xapi.headers)
        assert response.status_code == 200
        page = response.json()
        seen += [s["id"] for s in page["statements"]]
    assert len(seen) == len(set(seen)) == 5
    assert len(xapi.get_statements(activity="http://example.org/a/0").json()["statements"]) == 3
    assert xapi.get_statements(verb="http://adlnet.gov/expapi/verbs/failed").json()["statements"] == []


def test_related_activities_include_context_activities(xapi):
    parent = "http://example.org/courses/module-1"
    data = lrs_statement(context={"contextActivities": {"parent": {"id": parent}}})
    xapi.post_statements(data)
    assert xapi.get_statements(activity=parent).json()["statements"] == []
    found = xapi.get_statements(activity=parent, related_activities="true").json()["statements"]
    assert [s["id"] for s in found] == [data["id"]]
    assert isinstance(found[0]["context"]["contextActivities"]["parent"], list)


def test_ids_format_keeps_only_identifiers(xapi):
    data = lrs_statement()
    xapi.post_statements(data)
    stored = xapi.get_statements(statementId=data["id"], format="ids").json()
    assert stored["actor"] == {"objectType": "Agent", "mbox": "mailto:ada@example.org"}
    assert stored["verb"] == {"id": data["verb"]["id"]}


def test_canonical_format_picks_the_accepted_language(xapi):
    data = lrs_statement(verb={"id": "http://example.org/v", "display": {"en-GB": "did", "fr": "a fait"}})
    xapi.post_statements(data)
    response = xapi.client.get(
        f"/xapi/statements?statementId={data['id']}&format=canonical",
        headers={**xapi.headers, "Accept-Language": "fr"},
    )
    assert response.json()["verb"]["display"] == {"fr": "a fait"}


def _multipart(parts, boundary="b0undary"):
    chunks = []
    for headers, body in parts:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        chunks.append(f"--{boundary}\r\n{head}\r\n".encode() + body + b"\r\n")
    return b"".join(chunks) + f"--{boundary}--\r\n".encode(), f"multipart/mixed; boundary={boundary}"


def _post_with_attachment(xapi, data, content: bytes, *, usage: str, display: dict, content_type: str):
    """Post the statement with one attachment of `content` as xAPI's multipart/mixed."""
    sha2 = hashlib.sha256(content).hexdigest()
    described = {
        "usageType": usage,
        "display": display,
        "contentType": content_type,
        "length": len(content),
        "sha2": sha2,
    }
    body, multipart_type = _multipart(
        [
            ({"Content-Type": "application/json"}, json.dumps({**data, "attachments": [described]}).encode()),
            (
                {
                    "Content-Type": content_type,
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": sha2,
                },
                content,
            ),
        ]
    )
    return xapi.post_statements(body, content_type=multipart_type)


def test_attachments_are_stored_and_returned_as_multipart(xapi):
    data = lrs_statement()
    content = b"certificate bytes"
    posted = _post_with_attachment(
        xapi,
        data,
        content,
        usage="http://example.org/certificate",
        display={"en-GB": "Certificate"},
        content_type="application/pdf",
    )
    assert posted.status_code == 200
    response = xapi.get_statements(statementId=data["id"], attachments="true")
    assert response["Content-Type"].startswith("multipart/mixed")
    assert content in response.content


def test_an_attachment_without_its_part_is_refused(xapi):
    data = lrs_statement(
        attachments=[
            {
                "usageType": "http://e.org/u",
                "display": {"en": "x"},
                "contentType": "text/plain",
                "length": 1,
                "sha2": "0" * 64,
            }
        ]
    )
    assert xapi.post_statements(data).status_code == 400


def _signed(data, algorithm="RS256", tamper=False):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate_der = _self_signed(key)
    header = {"alg": algorithm, "x5c": [base64.b64encode(certificate_der).decode()]}
    payload = dict(data)
    if tamper:
        payload["verb"] = {"id": "http://example.org/other"}

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64(signature)}".encode()


def _self_signed(key):
    import datetime

    from cryptography import x509
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "course vendor")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.DER)


def _post_signed(xapi, data, jws):
    return _post_with_attachment(
        xapi,
        data,
        jws,
        usage="http://adlnet.gov/expapi/attachments/signature",
        display={"en": "Signature"},
        content_type="application/octet-stream",
    )


def test_a_signed_statement_is_verified_and_kept(xapi):
    data = lrs_statement()
    assert _post_signed(xapi, data, _signed(data)).status_code == 200
    stored = xapi.get_statements(statementId=data["id"], attachments="true")
    assert b"usageType" in stored.content and stored.status_code == 200


def test_a_signature_over_another_statement_is_refused(xapi):
    data = lrs_statement()
    assert _post_signed(xapi, data, _signed(data, tamper=True)).status_code == 400


def test_a_signature_with_hs256_is_refused(xapi):
    data = lrs_statement()
    jws = _signed(data)
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256"}).encode()).rstrip(b"=")
    assert _post_signed(xapi, data, header + jws[jws.index(b".") :]).status_code == 400


def test_statements_about_a_platform_person_are_linked_to_them(xapi):
    """A vendor course reports by email: the record is the learner's, for readiness and exports."""
    person = UserFactory(email="sam.okafor@oxfordshire.gov.uk")
    data = lrs_statement(actor={"mbox": "mailto:Sam.Okafor@oxfordshire.gov.uk"})
    account = lrs_statement(actor={"account": {"homePage": platform_account_home(), "name": str(person.pk)}})
    stranger = lrs_statement(actor={"mbox": "mailto:nobody@example.org"})
    xapi.post_statements([data, account, stranger])
    assert XAPIStatement.objects.get(statement_id=data["id"]).user == person
    assert XAPIStatement.objects.get(statement_id=account["id"]).user == person
    assert XAPIStatement.objects.get(statement_id=stranger["id"]).user is None


def test_the_version_header_is_required_and_checked(make_xapi):
    missing = make_xapi(version="")
    response = missing.get_statements()
    assert response.status_code == 400 and response["X-Experience-API-Version"] == "0.95"
    wrong = make_xapi(version="3.0.0", name="three")
    assert wrong.get_statements().status_code == 400
    older = make_xapi(version="1.0.1", name="older")
    assert older.get_statements()["X-Experience-API-Version"] == "1.0.3"


def test_about_needs_no_credentials(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.json()["version"] == ["1.0.3", "2.0.0"]


def test_context_agents_are_2_0_only(make_xapi):
    context = {
        "contextAgents": [
            {
                "objectType": "contextAgent",
                "agent": {"mbox": "mailto:t@example.org"},
                "relevantTypes": ["http://example.org/trainer"],
            }
        ]
    }
    assert make_xapi().post_statements(lrs_statement(context=context)).status_code == 200
    old = make_xapi(version="1.0.3", name="old")
    assert old.post_statements(lrs_statement(context=context)).status_code == 400
