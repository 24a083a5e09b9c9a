"""gunicorn.conf.py: what each web worker does once the application is loaded (its
post_worker_init hook), checked in a process of its own that loads the application as a worker
does: Celery's publishing prepared without a broker, and Python's garbage collector."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import gc, json, runpy, sys
import cms.wsgi  # the application, loaded as each worker loads it before the hook
from cms.celery import app
conf = runpy.run_path("gunicorn.conf.py")
before = {"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count(),
          "finalized": app.finalized, "producers": app.amqp._producer_pool is not None,
          "transport": "kombu.transport.redis" in sys.modules}
objects = [[] for _ in range(1000)]  # something loaded, to be frozen
conf["post_worker_init"](None)
after = {"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count(),
         "finalized": app.finalized, "producers": app.amqp._producer_pool is not None,
         "transport": "kombu.transport.redis" in sys.modules}
print(json.dumps({"before": before, **after, "young": conf["GC_YOUNG_THRESHOLD"],
                  "worker_class": conf["worker_class"]}))
"""


def _worker_started() -> dict:
    # The broker is a port nothing listens on: preparing to publish must not connect.
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = subprocess.run(  # noqa: S603 (this interpreter and a fixed script)
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_each_worker_prepares_celerys_publishing_without_connecting_to_the_broker():
    answer = _worker_started()
    assert answer["before"] == {**answer["before"], "finalized": False, "producers": False}
    assert answer["finalized"] is True
    assert answer["producers"] is True
    assert answer["transport"] is True


def test_each_worker_freezes_what_loading_made_and_collects_the_young_generation_less_often():
    answer = _worker_started()
    assert answer["frozen"] >= answer["before"]["frozen"] + 1000
    default_young, middle, old = answer["before"]["threshold"]
    assert answer["threshold"] == [answer["young"], middle, old]
    assert answer["young"] > default_young
    assert answer["worker_class"] == "sync"
