"""The first minutes with the demo: a short `make seed`, and Ctrl+C on `make run` ending cleanly."""

import io
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.core.management.commands.run_dev import procfile_entries


@pytest.mark.django_db
def test_seed_prints_a_short_summary_ending_with_every_demo_login(caplog):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) < 40, lines
    assert not any(line.startswith(("seeded:", "Task id")) for line in lines)
    assert not [
        record for record in caplog.records if record.name.startswith(("django_tasks", "django.tasks"))
    ]
    logins_at = lines.index(next(line for line in lines if line.startswith("Demo logins")))
    logins = lines[logins_at + 1 :]
    assert any("director@oxfordshire.gov.uk" in line and "Director" in line for line in logins)
    assert all("@" in line for line in logins)


def test_a_procfile_is_read_as_name_and_command_and_a_malformed_line_is_refused():
    assert procfile_entries("# comment\n\nweb: python -m http.server 8000\n") == [
        ("web", ["python", "-m", "http.server", "8000"])
    ]
    with pytest.raises(CommandError, match="Line 1"):
        procfile_entries("no colon here\n")


def _run_dev(tmp_path, procfile: str) -> subprocess.Popen:
    path = tmp_path / "Procfile"
    path.write_text(procfile, encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "run_dev", "-f", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


SLEEPER_SOURCE = """import time
try:
    time.sleep(60)
except KeyboardInterrupt:
    print("stopping")
"""


def _sleeper(tmp_path) -> str:
    path = tmp_path / "sleeper.py"
    path.write_text(SLEEPER_SOURCE, encoding="utf-8")
    return f"{sys.executable} {path}"


def _wait_for_line(process: subprocess.Popen, text: str, timeout: float = 60) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"{text!r} not seen in {seen}")


def test_ctrl_c_stops_every_process_and_exits_0(tmp_path):
    """Ctrl+C reaches the whole foreground group: the runner passes one SIGINT to each process."""
    sleeper = _sleeper(tmp_path)
    process = _run_dev(tmp_path, f"one: {sleeper}\ntwo: {sleeper}\n")
    _wait_for_line(process, "two | started")
    time.sleep(1)
    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert output.count("stopping") == 2
    assert "Stopped web, worker and beat." in output


def test_a_process_that_dies_stops_the_others_and_the_exit_is_1(tmp_path):
    process = _run_dev(tmp_path, f"quick: {sys.executable} -c \"print('bye')\"\nslow: {_sleeper(tmp_path)}\n")
    output, _ = process.communicate(timeout=90)
    assert process.returncode == 1, output
    assert "quick stopped by itself" in output
