"""Django's PostgreSQL backend, with its per-request health check answered without a round trip
when the connection's socket shows nothing wrong.

Django checks a connection it reuses (CONN_HEALTH_CHECKS) with ``SELECT 1`` before the first
query of each request, so a PostgreSQL restarted since the last request costs a reconnect rather
than a 500. That round trip is one of the four to six a first completion makes, and a lesson
page's only other query. An idle connection to a healthy server has nothing to read: the server
speaks only when asked. A server that ended the connection (a restart, ``pg_terminate_backend``,
an idle timeout) has sent its FATAL message and closed the socket, so the socket is readable or
hung up. So the check first polls the socket without waiting (a system call, no round trip): quiet
means healthy; anything there, or a connection psycopg already knows is closed or broken, and
Django's own ``SELECT 1`` decides, closing the connection if it fails so the request reconnects.
What a poll cannot see (a peer gone without a word: a host lost or a firewall dropping the
connection) the ``SELECT 1`` would only have seen after TCP's own timeout; CONN_MAX_AGE (60 s by
default) bounds how long a connection can sit idle across requests.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper

# Anything to read or a hang-up: POLLHUP, POLLERR and POLLNVAL are reported whether asked for or not.
_SOMETHING_THERE = select.POLLIN | select.POLLPRI


def connection_socket_quiet(connection) -> bool:
    """Whether psycopg's `connection` is open and nothing waits on its socket (no round trip)."""
    if connection.closed or connection.broken:
        return False
    try:
        poller = select.poll()
        poller.register(connection.fileno(), _SOMETHING_THERE)
        return not poller.poll(0)
    except (OSError, ValueError, psycopg.Error):
        return False


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and connection_socket_quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
