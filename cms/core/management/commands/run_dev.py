"""Serve the development processes of a Procfile (web, worker, beat) until Ctrl+C, then stop them cleanly.

Why not honcho: on Ctrl+C it sends SIGTERM to processes that already have the terminal's SIGINT
(a Celery worker logs its pool children as killed) and exits 130, so `make run` ended in an
error. Here each process runs in its own session, out of the terminal's reach; one Ctrl+C is
passed on once, as SIGINT, to each process group (runserver and its reloader child, the worker
and its pool), they shut down as they do on a terminal's Ctrl+C, and the command exits 0. A
process that stops on its own stops the others, and the command exits 1.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import threading
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

# How long processes get to finish their shutdown before they are killed.
STOP_SECONDS = 20


def procfile_entries(text: str) -> list[tuple[str, list[str]]]:
    """(name, argv) for each `name: command` line; blank lines and comments are skipped."""
    entries = []
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, separator, command = line.partition(":")
        if not separator or not name.strip() or not command.strip():
            raise CommandError(f"Line {line_number} of the Procfile is not `name: command`.")
        entries.append((name.strip(), shlex.split(command)))
    return entries


class Command(BaseCommand):
    help = "Run the processes of a Procfile (default Procfile.dev) until Ctrl+C; exit 0 when stopped by it."

    def add_arguments(self, parser):
        parser.add_argument("-f", "--procfile", default="Procfile.dev")

    def handle(self, *args, **options):
        path = Path(options["procfile"])
        if not path.is_file():
            raise CommandError(f"No Procfile at {path}.")
        entries = procfile_entries(path.read_text(encoding="utf-8"))
        if not entries:
            raise CommandError(f"{path} names no process.")
        width = max(len(name) for name, _argv in entries)
        stop_asked = threading.Event()

        def ask_stop(signum, frame):
            stop_asked.set()

        signal.signal(signal.SIGINT, ask_stop)
        signal.signal(signal.SIGTERM, ask_stop)
        processes = []
        for name, argv in entries:
            process = subprocess.Popen(  # noqa: S603 - the project's own Procfile
                argv,
                # Their output comes through a pipe: unbuffered, so each line shows when it is written.
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            label = name.ljust(width)
            threading.Thread(target=self._relay, args=(label, process), daemon=True).start()
            processes.append((name, process))
            self._say(f"{label} | started (pid {process.pid})")
        ended_by_itself = None
        while not stop_asked.is_set() and ended_by_itself is None:
            ended_by_itself = next((name for name, process in processes if process.poll() is not None), None)
            stop_asked.wait(0.5)
        if ended_by_itself is not None and not stop_asked.is_set():
            self._say(f"{ended_by_itself} stopped by itself; stopping the others.")
        self._stop(processes)
        if ended_by_itself is not None and not stop_asked.is_set():
            raise SystemExit(1)
        self._say("Stopped web, worker and beat.")

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def _relay(self, label: str, process: subprocess.Popen) -> None:
        for line in iter(process.stdout.readline, b""):
            self._say(f"{label} | {line.decode('utf-8', 'replace').rstrip()}")

    def _stop(self, processes: list[tuple[str, subprocess.Popen]]) -> None:
        for _name, process in processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGINT)
        deadline = time.monotonic() + STOP_SECONDS
        for name, process in processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._say(f"{name} did not stop in {STOP_SECONDS} seconds; killing it.")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
