"""gunicorn.conf.py: what each web worker does to Python's garbage collector once the application
is loaded (its post_worker_init hook), checked in a process of its own."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import gc, json, runpy
conf = runpy.run_path("gunicorn.conf.py")
before = {"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()}
objects = [[] for _ in range(1000)]  # something loaded, to be frozen
conf["post_worker_init"](None)
after = {"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()}
print(json.dumps({"before": before, **after, "young": conf["GC_YOUNG_THRESHOLD"],
                  "worker_class": conf["worker_class"]}))
"""


def test_each_worker_freezes_what_loading_made_and_collects_the_young_generation_less_often():
    result = subprocess.run(  # noqa: S603 (this interpreter and a fixed script)
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    answer = json.loads(result.stdout)
    assert answer["frozen"] >= answer["before"]["frozen"] + 1000
    default_young, middle, old = answer["before"]["threshold"]
    assert answer["threshold"] == [answer["young"], middle, old]
    assert answer["young"] > default_young
    assert answer["worker_class"] == "sync"
