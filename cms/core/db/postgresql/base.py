"""Django's PostgreSQL backend, with its per-request health check answered without a round trip
when the connection was checked moments ago and its socket shows nothing wrong.

Django checks a connection it reuses (CONN_HEALTH_CHECKS) with ``SELECT 1`` before the first
query of each request, so a PostgreSQL restarted since the last request costs a reconnect rather
than a 500. That round trip is one of the four to six a first completion makes, and a lesson
page's only other query. An idle connection to a healthy server has nothing to read: the server
speaks only when asked. A server that ended the connection (a restart, ``pg_terminate_backend``,
``idle_session_timeout``, a pooler's client timeout) has sent its FATAL message and closed the
socket, so the socket is readable or hung up. So the check first polls the socket without
waiting (a system call, no round trip): quiet means healthy, *if* the connection passed a check
less than ``POLL_TRUSTED_SECONDS`` ago and sits idle outside a transaction. Anything on the
socket, a connection psycopg already knows is closed or broken, one in a transaction, or one not
checked for longer, and Django's own ``SELECT 1`` decides, closing the connection if it fails so
the request reconnects.

What a poll cannot see is a connection broken without a word to us, found only by sending on it:
state lost by a NAT or firewall, a virtual IP moved to a new primary (the old address answers
with a reset), a proxy whose server side has gone. Those mostly strike connections left idle,
which the time limit sends to ``SELECT 1``. One broken that way while in steady use (a failover
under load) can fail the first query of the next request on each worker that used it in the last
``POLL_TRUSTED_SECONDS``, where ``SELECT 1`` would have reconnected first: the price of the
saving, during an event that fails the requests in flight anyway.
"""

from __future__ import annotations

import select
import time

import psycopg
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg.pq import TransactionStatus

# A connection checked (by a poll or SELECT 1) at most this long ago may be passed on a quiet poll.
POLL_TRUSTED_SECONDS = 2.0

# Anything to read or a hang-up: POLLHUP, POLLERR and POLLNVAL are reported whether asked for or not.
_SOMETHING_THERE = select.POLLIN | select.POLLPRI


def connection_socket_quiet(connection) -> bool:
    """Whether psycopg's `connection` is open, idle outside a transaction, and nothing waits on its
    socket (no round trip)."""
    if connection.closed or connection.broken:
        return False
    try:
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return False
        poller = select.poll()
        poller.register(connection.fileno(), _SOMETHING_THERE)
        return not poller.poll(0)
    except (OSError, ValueError, psycopg.Error):
        return False


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    # When this connection last passed a health check (time.monotonic()); a new one counts as checked.
    health_checked_at = 0.0

    def connect(self):
        super().connect()
        self.health_checked_at = time.monotonic()

    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done or self.pool:
            super().close_if_health_check_failed()
            return
        now = time.monotonic()
        if now - self.health_checked_at <= POLL_TRUSTED_SECONDS and connection_socket_quiet(self.connection):
            self.health_check_done = True
        else:
            super().close_if_health_check_failed()
        if self.connection is not None:
            self.health_checked_at = now
