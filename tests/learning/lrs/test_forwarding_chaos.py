"""Forwarding to a real second LRS (Ralph 5.1.0, `make ralph`) that goes down part-way through sending.

10,000 statements are recorded through the LRS service in batches of 50. Each stored batch offers
the send task to the broker after its commit, and a real Celery worker process (its own
interpreter, database connection and Redis connection, as in production) takes it and sends to
Ralph. Ralph is stopped while the worker drains, which leaves rows pending with their errors;
Ralph starts again on the same files, and the test offers the task every few seconds as beat
would every minute, until the worker has drained the rest. Every statement must arrive exactly once.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from cms.core.queue import task_publish_after_commit
from learning.models import LrsForwardingTarget, LrsOutbox
from learning.services.lrs import lrs_statements_store
from tests.conftest import wait_for
from tests.learning.lrs.statements import lrs_statement

pytestmark = [
    pytest.mark.ralph,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"), reason="the worker process shares the broker (REDIS_URL), as in CI"
    ),
]

RALPH_VENV = Path(settings.BASE_DIR) / ".venv-ralph"
RALPH = RALPH_VENV / "bin" / "ralph"
# Ralph's own app and file-system backend, appending (Ralph 5.1.0's fs backend writes a file once:
# see the script's docstring).
SERVE = Path(settings.BASE_DIR) / "tools" / "ralph" / "serve.py"
STATEMENTS = 10_000
STORE_BATCH = 50
STOP_AFTER = 3_000  # statements Ralph has written when it is stopped
SEND_TASK = "learning.tasks.lrs_forward_task"
CELERY = Path(sys.executable).parent / "celery"
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


class WorkerProcess:
    """`celery -A cms worker` in its own process, on this test's queue and database."""

    def __init__(self, root: Path):
        self.log = root / "worker.log"
        self.queue = settings.CELERY_TASK_DEFAULT_QUEUE
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        from cms.celery import app

        # Tasks queued by earlier tests (after their commits) must not run against this one.
        with app.connection_for_write() as broker:
            broker.default_channel.queue_purge(self.queue)
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
        }
        command = [str(CELERY), "-A", "cms", "worker", "--pool", "solo", "-Q", self.queue]
        command += ["--without-gossip", "--without-mingle", "--loglevel", "INFO"]
        self.process = subprocess.Popen(  # noqa: S603 (our own venv's celery, fixed arguments)
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: b" ready." in self.log.read_bytes(), timeout=60, interval=0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Celery's warm shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def tasks_done(self) -> int:
        return self.log.read_bytes().count(b"succeeded in")


@pytest.fixture
def worker(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("The sender locks rows with SKIP LOCKED, which needs PostgreSQL.")
    process = WorkerProcess(tmp_path)
    process.start()
    yield process
    process.stop()


def _offer_send_task() -> None:
    """What a stored batch and beat do: offer the send task to the workers after a commit."""
    with transaction.atomic():
        task_publish_after_commit(SEND_TASK)


def test_every_statement_reaches_ralph_exactly_once_across_an_outage(ralph, worker):
    target = LrsForwardingTarget.objects.create(
        name="Ralph",
        endpoint=ralph.url,
        version="1.0.3",
        username="platform",
        password="chaos-secret",
        batch_size=500,
    )

    # Stop Ralph once it holds STOP_AFTER statements, while batches are still being stored and sent.
    def stop_ralph_part_way():
        wait_for(lambda: len(ralph.stored_lines()) >= STOP_AFTER, timeout=300, interval=0.05)
        ralph.stop()

    outage = threading.Thread(target=stop_ralph_part_way)
    outage.start()
    ids: list[str] = []
    for start in range(0, STATEMENTS, STORE_BATCH):
        batch = [
            lrs_statement(actor={"objectType": "Agent", "mbox": f"mailto:learner{n % 300}@example.org"})
            for n in range(start, start + STORE_BATCH)
        ]
        ids += lrs_statements_store(statements=batch, credential=None, authority=AUTHORITY, version="1.0.3")
    outage.join(timeout=300)
    assert not outage.is_alive()
    # The worker process took the tasks the stored batches offered. Ralph was stopped while one
    # was sending, and a task of thousands of statements can take seconds more to finish: wait
    # for the worker's log to show one done rather than reading it once.
    wait_for(lambda: worker.tasks_done() > 0, timeout=120, interval=0.2)

    # The worker's sends now fail: rows stay pending with their errors, and the target is failing.
    _offer_send_task()
    pending = LrsOutbox.objects.filter(target=target, status=Status.PENDING)
    wait_for(lambda: pending.filter(attempts__gt=0).exclude(last_error="").exists(), timeout=60)
    wait_for(lambda: LrsForwardingTarget.objects.get(pk=target.pk).failing_since is not None, timeout=60)
    assert pending.count() > 0
    target.refresh_from_db()
    assert target.last_error

    ralph.start()

    def drained() -> bool:
        if not pending.exists():
            return True
        _offer_send_task()  # beat's stand-in: rows wait out their backoff (30 s, doubling)
        return False

    wait_for(drained, timeout=240, interval=5)

    assert LrsOutbox.objects.filter(target=target, status=Status.DELIVERED).count() == STATEMENTS
    received = [json.loads(line)["id"] for line in ralph.stored_lines()]
    assert len(received) == STATEMENTS
    assert set(received) == set(ids)
    wait_for(lambda: LrsForwardingTarget.objects.get(pk=target.pk).failing_since is None, timeout=30)
