"""gunicorn.conf.py: what each web worker does once the application is loaded (its
post_worker_init hook), checked in a process of its own that loads the application as a worker
does: Celery's publishing prepared without a broker, and Python's garbage collector."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import gc, json, runpy, sys
import cms.wsgi  # the application, loaded as each worker loads it before the hook
from cms.celery import app
if sys.argv[1] != "-":
    app.conf.broker_url = sys.argv[1]
conf = runpy.run_path("gunicorn.conf.py")

def state():
    return {"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count(),
            "finalized": app.finalized, "producers": app.amqp._producer_pool is not None,
            "transport": "kombu.transport.redis" in sys.modules}

before = state()
objects = [[] for _ in range(1000)]  # something loaded, to be frozen
conf["post_worker_init"](None)
print(json.dumps({"before": before, **state(), "young": conf["GC_YOUNG_THRESHOLD"],
                  "worker_class": conf["worker_class"]}))
"""


def _python(script: str, *args: str, environ: dict | None = None) -> subprocess.CompletedProcess:
    """`script` run by this interpreter in the repository, as gunicorn runs its config there."""
    result = subprocess.run(  # noqa: S603 (this interpreter and a fixed script)
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def _worker_started(broker_url: str = "-") -> tuple[dict, str]:
    # The broker is a port nothing listens on: preparing to publish must not connect.
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = _python(SCRIPT, broker_url, environ=environ)
    return json.loads(result.stdout), result.stderr


@pytest.fixture(scope="module")
def started() -> dict:
    return _worker_started()[0]


def test_each_worker_prepares_celerys_publishing_without_connecting_to_the_broker(started):
    assert started["before"] == {
        **started["before"],
        "finalized": False,
        "producers": False,
        "transport": False,
    }
    assert started["finalized"] is True
    assert started["producers"] is True
    assert started["transport"] is True


def test_a_worker_whose_publishing_cannot_be_prepared_still_starts_and_says_why():
    answer, logged = _worker_started("no-such-transport://broker")
    assert answer["producers"] is False
    assert "Celery's publishing could not be prepared" in logged
    assert "No such transport" in logged
    # The rest of the hook still ran.
    assert answer["frozen"] >= answer["before"]["frozen"] + 1000


def test_each_worker_freezes_what_loading_made_and_collects_the_young_generation_less_often(started):
    answer = started
    assert answer["frozen"] >= answer["before"]["frozen"] + 1000
    default_young, middle, old = answer["before"]["threshold"]
    assert answer["threshold"] == [answer["young"], middle, old]
    assert answer["young"] > default_young
    assert answer["worker_class"] == "sync"


def test_a_worker_serving_something_else_leaves_celery_alone():
    """The benches' bare view (bench/bare_app.py) is served with this file too: nothing of ours."""
    script = 'import json, runpy, sys; runpy.run_path("gunicorn.conf.py")["post_worker_init"](None); ' + (
        'print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] == "cms")))'
    )
    assert json.loads(_python(script).stdout) == []


@pytest.mark.parametrize(
    ("concurrency", "expected"), [("", (os.cpu_count() or 1) + 1), ("5", 5)], ids=["default", "set"]
)
def test_one_worker_a_core_and_one_more_unless_web_concurrency_says(concurrency, expected):
    """A write waits for its commit and its round trips: one worker more than the cores fills
    those waits (the module's docstring); WEB_CONCURRENCY overrides the count."""
    script = 'import runpy; print(runpy.run_path("gunicorn.conf.py")["workers"])'
    environ = {key: value for key, value in os.environ.items() if key != "WEB_CONCURRENCY"}
    if concurrency:
        environ["WEB_CONCURRENCY"] = concurrency
    result = subprocess.run(  # noqa: S603 (this interpreter and a fixed script)
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True, check=True
    )
    assert int(result.stdout) == expected
