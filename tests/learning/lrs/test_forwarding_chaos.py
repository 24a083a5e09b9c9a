"""Forwarding to a real second LRS (Ralph 5.1.0, `make ralph`) that goes down part-way through sending.

10,000 statements are recorded through the LRS service in batches of 50; Ralph is stopped while
the sender is draining, which leaves rows pending with their errors; Ralph starts again on the
same files and the sender drains the rest. Every statement must arrive exactly once.
"""

import json
import os
import signal
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from learning.models import LrsForwardingTarget, LrsOutbox
from learning.services.lrs import lrs_forward_send, lrs_statements_store
from tests.conftest import wait_for
from tests.learning.lrs.statements import lrs_statement

pytestmark = [pytest.mark.ralph, pytest.mark.postgres]

RALPH_VENV = Path(settings.BASE_DIR) / ".venv-ralph"
RALPH = RALPH_VENV / "bin" / "ralph"
# Ralph's own app and file-system backend, appending (Ralph 5.1.0's fs backend writes a file once:
# see the script's docstring).
SERVE = Path(settings.BASE_DIR) / "tools" / "ralph" / "serve.py"
STATEMENTS = 10_000
STORE_BATCH = 50
STOP_AFTER = 3_000  # statements Ralph has written when it is stopped
AUTHORITY = {"objectType": "Agent", "mbox": "mailto:chaos@example.org"}
Status = LrsOutbox.Status


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Ralph:
    """Ralph's LRS on the file-system backend, with an auth file for one forwarding account."""

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.data.mkdir()
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        digest = subprocess.run(  # noqa: S603 (our own venv's python, fixed arguments)
            [
                str(RALPH_VENV / "bin" / "python"),
                "-c",
                "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())",
                "chaos-secret",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        self.auth = root / "auth.json"
        self.auth.write_text(
            json.dumps(
                [
                    {
                        "username": "platform",
                        "hash": digest,
                        "scopes": ["all"],
                        "agent": {"mbox": "mailto:platform@example.org"},
                    }
                ]
            )
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.root),
            "RALPH_APP_DIR": str(self.root / "app"),
            "RALPH_AUTH_FILE": str(self.auth),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data),
        }
        log = (self.root / "ralph.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (our own venv's executable, fixed arguments)
            [str(RALPH_VENV / "bin" / "python"), str(SERVE), "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: _listening(self.port), timeout=60, interval=0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def stored_lines(self) -> list[str]:
        lines: list[str] = []
        for path in self.data.glob("*.jsonl"):
            lines.extend(line for line in path.read_text().splitlines() if line.strip())
        return lines


@pytest.fixture
def ralph(tmp_path):
    if not RALPH.exists():
        if os.environ.get("RALPH_REQUIRED") == "1":
            pytest.fail("Ralph is not installed: run `make ralph` (make test does).")
        pytest.skip("Ralph is not installed here: run `make ralph` (make test and CI do).")
    server = Ralph(tmp_path)
    server.start()
    yield server
    server.stop()


def test_every_statement_reaches_ralph_exactly_once_across_an_outage(transactional_db, ralph):
    if connection.vendor != "postgresql":
        pytest.skip("The sender locks rows with SKIP LOCKED, which needs PostgreSQL.")
    target = LrsForwardingTarget.objects.create(
        name="Ralph",
        endpoint=ralph.url,
        version="1.0.3",
        username="platform",
        password="chaos-secret",
        batch_size=500,
    )
    ids: list[str] = []
    for start in range(0, STATEMENTS, STORE_BATCH):
        batch = [
            lrs_statement(actor={"objectType": "Agent", "mbox": f"mailto:learner{n % 300}@example.org"})
            for n in range(start, start + STORE_BATCH)
        ]
        ids += lrs_statements_store(statements=batch, credential=None, authority=AUTHORITY, version="1.0.3")
    assert LrsOutbox.objects.filter(target=target, status=Status.PENDING).count() == STATEMENTS

    # Drain in a worker thread; stop Ralph once it holds STOP_AFTER statements.
    def drain_until_it_fails():
        try:
            while lrs_forward_send(target_id=target.pk).retried == 0:
                if not LrsOutbox.objects.filter(target=target, status=Status.PENDING).exists():
                    return
        finally:
            connection.close()

    worker = threading.Thread(target=drain_until_it_fails)
    worker.start()
    wait_for(lambda: len(ralph.stored_lines()) >= STOP_AFTER, timeout=120, interval=0.05)
    ralph.stop()
    worker.join(timeout=60)
    assert not worker.is_alive()

    pending = LrsOutbox.objects.filter(target=target, status=Status.PENDING)
    assert pending.count() > 0
    assert pending.filter(attempts__gt=0).exclude(last_error="").exists()
    target.refresh_from_db()
    assert target.failing_since is not None and target.last_error

    ralph.start()
    later = timezone.now() + timezone.timedelta(hours=2)  # past every backoff
    for _ in range(100):
        if lrs_forward_send(target_id=target.pk, now=later).batches == 0:
            break

    assert not LrsOutbox.objects.filter(target=target, status=Status.PENDING).exists()
    assert LrsOutbox.objects.filter(target=target, status=Status.DELIVERED).count() == STATEMENTS
    received = [json.loads(line)["id"] for line in ralph.stored_lines()]
    assert len(received) == STATEMENTS
    assert set(received) == set(ids)
    target.refresh_from_db()
    assert target.failing_since is None
