"""One statement store: H5P's statements and the LRS's share a table; batches cost a fixed
number of queries; the credentials command; the admin's credential screens by role."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.models import LrsCredential, XAPIStatement
from learning.selectors import credential_secret_matches
from tests.cms.people.factories import UserFactory
from tests.learning.lrs.statements import lrs_statement
from tests.learning.xapi_statements import statement
from tests.modules.factories import h5p_activity_block, h5p_package_ready, module_with_lessons, text_block

pytestmark = pytest.mark.django_db


def test_h5p_statements_are_in_the_lrs_too(client, home_page, settings, tmp_path, xapi):
    """A learner answers an H5P question: the council's data team reads it from /xapi."""
    settings.MEDIA_ROOT = tmp_path
    package = h5p_package_ready()
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[text_block(), h5p_activity_block(package=package, id="h5p-1")]]
    )
    learner = UserFactory()
    client.force_login(learner)
    sent = statement()
    response = client.post(
        "/learning/xapi/statements/",
        data=json.dumps({"lesson_id": lesson.pk, "block_id": "h5p-1", "statement": sent}),
        content_type="application/json",
    )
    assert response.status_code == 201
    row = XAPIStatement.objects.get(statement_id=sent["id"])
    assert row.source == XAPIStatement.Source.H5P and row.user == learner
    listed = xapi.get_statements(activity=sent["object"]["id"]).json()["statements"]
    assert [s["id"] for s in listed] == [sent["id"]]
    assert listed[0]["actor"]["account"]["name"] == str(learner.pk)
    agent = json.dumps(listed[0]["actor"])
    assert len(xapi.get_statements(agent=agent).json()["statements"]) == 1


def _post_batch(xapi, size):
    batch = [lrs_statement(actor={"mbox": f"mailto:p{i}@example.org"}) for i in range(size)]
    with CaptureQueriesContext(connection) as queries:
        assert xapi.post_statements(batch).status_code == 200
    return len(queries)


def test_queries_per_batch_do_not_grow_with_its_size(xapi):
    """Statement POSTs stay fast: a batch of 50 costs what a batch of 1 does."""
    _post_batch(xapi, 1)
    assert _post_batch(xapi, 50) == _post_batch(xapi, 1)


def test_the_command_prints_key_and_secret_last_and_rotates(capsys):
    call_command("lrs_credentials", "Storyline courses")
    key, secret = capsys.readouterr().out.strip().splitlines()[-1].split(" ")
    credential = LrsCredential.objects.get(name="Storyline courses")
    assert credential.key == key and credential_secret_matches(credential=credential, secret=secret)
    call_command("lrs_credentials", "Storyline courses", "--scope", "all/read")
    key2, secret2 = capsys.readouterr().out.strip().splitlines()[-1].split(" ")
    credential.refresh_from_db()
    assert key2 == key and secret2 != secret
    assert credential_secret_matches(credential=credential, secret=secret2)
    assert not credential_secret_matches(credential=credential, secret=secret)
    assert credential.scopes == ["all/read"]


@pytest.mark.parametrize(
    "args",
    [
        ["", "--scope", "all/read"],
        ["x", "--scope", "everything"],
        ["x", "--authority", "{"],
        ["x", "--authority", '{"name": "no ifi"}'],
    ],
)
def test_the_command_refuses_bad_input_clearly(args):
    with pytest.raises(CommandError):
        call_command("lrs_credentials", *args)
    assert not LrsCredential.objects.exists()


@pytest.mark.postgres
def test_the_statement_store_keeps_no_index_that_no_query_reads():
    """Every statement INSERT updates each index of the store: the prefix twins of the LRS's
    compared-whole columns and the person's own index (the (user, lesson, block_id) index starts
    with it) are not kept (migration learning/0003), while the indexes the LRS's filters use are."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [XAPIStatement._meta.db_table]
        )
        indexes = dict(cursor.fetchall())
    definitions = list(indexes.values())
    assert not [definition for definition in definitions if "varchar_pattern_ops" in definition]
    assert not [definition for definition in definitions if definition.endswith("(user_id)")]
    for column in ("actor_key", "object_agent_key", "activity_id", "registration", "stored_at"):
        assert [definition for definition in definitions if definition.endswith(f"({column})")], column
    assert [definition for definition in definitions if "(user_id, lesson_id, block_id)" in definition]
