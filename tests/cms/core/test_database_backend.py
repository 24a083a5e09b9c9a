"""Our PostgreSQL backend (cms/core/db/postgresql): Django's per-request health check, answered by
polling the connection's socket when nothing is wrong, and by Django's SELECT 1 when something is."""

import copy
import tempfile
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import RequestFactory

from cms.core.db.postgresql.base import POLL_TRUSTED_SECONDS, DatabaseWrapper, connection_socket_quiet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def second_connection():
    """A connection of our backend to the test database, of its own: outside the test's transaction,
    in autocommit, with health checks on, as a web worker's is between requests."""
    default = connections["default"]
    settings_dict = {**copy.deepcopy(default.settings_dict), "CONN_HEALTH_CHECKS": True, "CONN_MAX_AGE": 60}
    wrapper = type(default)(settings_dict, alias="default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate(pid: int, *, watched) -> None:
    """End the backend `pid` from another session, as a restart would, and wait until the goodbye
    reaches `watched`'s socket (PostgreSQL sends it as the backend exits)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while connection_socket_quiet(watched.connection) and time.monotonic() < deadline:
        time.sleep(0.01)


def _next_request(wrapper) -> None:
    """What Django does to a kept connection between requests (close_old_connections)."""
    wrapper.close_if_unusable_or_obsolete()


def _sent_by(wrapper, sql: str) -> bytes:
    """The protocol messages the client sent while running `sql` as the request's first query,
    as libpq's trace records them."""
    with tempfile.TemporaryFile() as trace:
        wrapper.connection.pgconn.trace(trace.fileno())
        try:
            with wrapper.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()
        finally:
            wrapper.connection.pgconn.untrace()
        trace.seek(0)
        return b"\n".join(line for line in trace.read().splitlines() if b"\tF\t" in line)


def test_the_settings_choose_our_backend_on_postgresql():
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.vendor == "postgresql"


def test_a_healthy_kept_connection_is_reused_without_a_select_1(second_connection):
    """A connection kept from the last request, to a server that has said nothing since, answers
    the next request's first query with no health-check round trip before it."""
    pid = _backend_pid(second_connection)
    _next_request(second_connection)
    assert second_connection.health_check_done is False
    sent = _sent_by(second_connection, "SELECT 42")
    assert b'"SELECT 42"' in sent
    assert b'"SELECT 1"' not in sent
    assert _backend_pid(second_connection) == pid


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(second_connection):
    """The server ended the connection between requests (a restart, pg_terminate_backend): the
    socket is no longer quiet, Django's SELECT 1 fails, the connection is closed and the request's
    query runs on a new one, with no error."""
    pid = _backend_pid(second_connection)
    _terminate(pid, watched=second_connection)
    assert not connection_socket_quiet(second_connection.connection)
    _next_request(second_connection)
    assert _backend_pid(second_connection) != pid


def test_a_connection_psycopg_knows_is_closed_is_never_called_quiet(second_connection):
    second_connection.connection.close()
    assert connection_socket_quiet(second_connection.connection) is False
    _next_request(second_connection)
    assert isinstance(_backend_pid(second_connection), int)


def test_a_connection_not_checked_lately_gets_djangos_select_1(second_connection):
    """A connection idle for longer than the poll is trusted (where a NAT, a firewall or a moved
    address may have broken it without a word) is checked by Django's SELECT 1, as before."""
    second_connection.health_checked_at -= POLL_TRUSTED_SECONDS + 1
    _next_request(second_connection)
    sent = _sent_by(second_connection, "SELECT 42")
    assert b'"SELECT 1"' in sent
    # Checked now: the next request within the limit is answered by the poll.
    _next_request(second_connection)
    assert b'"SELECT 1"' not in _sent_by(second_connection, "SELECT 42")


def test_a_connection_inside_a_transaction_is_never_called_quiet(second_connection):
    second_connection.connection.execute("BEGIN")
    try:
        assert connection_socket_quiet(second_connection.connection) is False
    finally:
        second_connection.connection.execute("ROLLBACK")
    assert connection_socket_quiet(second_connection.connection) is True


@pytest.mark.django_db(transaction=True)
def test_a_request_after_the_server_ended_the_workers_connection_answers_200(monkeypatch):
    """The whole request, through Django's WSGI handler as gunicorn calls it: PostgreSQL ended the
    worker's connection since its last request; the next request still gets its answer."""
    application = WSGIHandler()

    def get(path: str) -> tuple[str, bytes]:
        environ = RequestFactory().get(path).environ
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = status

        body = application(environ, start_response)
        try:
            return answer["status"], b"".join(body)
        finally:
            body.close()

    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    status, _ = get("/healthz")
    assert status.startswith("200")
    pid = _backend_pid(connection)
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()
    deadline = time.monotonic() + 10
    while connection_socket_quiet(connection.connection) and time.monotonic() < deadline:
        time.sleep(0.01)
    status, body = get("/healthz")
    assert status.startswith("200"), body
    assert b'"database": "ok"' in body
    assert _backend_pid(connection) != pid
