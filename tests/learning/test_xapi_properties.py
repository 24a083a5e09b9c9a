"""Property-based: whatever a client posts to the xAPI endpoints, the answer is never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.services import StatementInvalid, statement_parse
from tests.cms.people.factories import UserFactory
from tests.learning.xapi_statements import statement
from tests.modules.factories import h5p_activity_block, h5p_package_ready, module_with_lessons

pytestmark = pytest.mark.django_db

URL = "/learning/xapi/statements/"
STATE_URL = "/learning/xapi/state/"

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["\x00", "\ud800", "http://adlnet.gov/expapi/verbs/answered", "PT1S", "P", "ab" * 3000]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
STATEMENT_PATHS = [
    ("id",),
    ("actor",),
    ("verb",),
    ("verb", "id"),
    ("verb", "display"),
    ("object",),
    ("object", "id"),
    ("object", "objectType"),
    ("object", "definition"),
    ("result",),
    ("result", "score"),
    ("result", "score", "raw"),
    ("result", "score", "max"),
    ("result", "score", "min"),
    ("result", "score", "scaled"),
    ("result", "duration"),
    ("result", "success"),
    ("result", "response"),
    ("context",),
    ("context", "contextActivities"),
    ("context", "contextActivities", "parent"),
    ("timestamp",),
]


def _mutated_statement(draw_path, value) -> dict:
    data = statement()
    node = data
    for key in draw_path[:-1]:
        child = node.get(key) if isinstance(node, dict) else None
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[draw_path[-1]] = value
    return data


@pytest.fixture
def activity(home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    package = h5p_package_ready()
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[h5p_activity_block(package=package, id="h5p-1")]]
    )
    return lesson


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(STATEMENT_PATHS), value=json_values)
def test_mutated_statements_never_cause_a_server_error(client, activity, path, value):
    """Each field of a real H5P statement replaced by arbitrary JSON: 2xx or a clear 4xx."""
    client.force_login(UserFactory())
    body = {"lesson_id": activity.pk, "block_id": "h5p-1", "statement": _mutated_statement(path, value)}
    try:
        encoded = json.dumps(body)
    except (ValueError, UnicodeEncodeError):
        return
    response = client.post(URL, data=encoded, content_type="application/json")
    assert response.status_code in {200, 201, 400, 404, 409, 413}
    if response.status_code >= 400:
        assert response.json()["error"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values | st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")))
def test_arbitrary_bodies_never_cause_a_server_error(client, activity, body):
    """Whole bodies of arbitrary JSON (or junk) posted to both endpoints: never a 500."""
    client.force_login(UserFactory())
    try:
        encoded = body if isinstance(body, str) else json.dumps(body)
    except (ValueError, UnicodeEncodeError):
        return
    for url in (URL, STATE_URL):
        response = client.post(
            url, data=encoded.encode("utf-8", "surrogatepass"), content_type="application/json"
        )
        assert 400 <= response.status_code < 500


@settings(max_examples=300, deadline=None)
@given(value=json_values)
def test_the_schema_refuses_or_accepts_but_never_crashes(value):
    try:
        statement_parse(value)
    except StatementInvalid as error:
        assert str(error)
