"""SCORM commits under load: gunicorn on PostgreSQL, over loopback.

A SCO sets values in bursts (SetValue only touches the runtime in the browser) and then
commits them: each commit is one POST of the SCO's whole state. This builds (once; reused
on later runs) a module whose lesson plays the demo SCORM 1.2 course, and a second lesson
playing the two-SCO SCORM 2004 course. Then:

- 8 learners, one connection each, post commits as a SCO does (a wrk Lua script: each
  commit carries a location, 2 KB of suspend data, a score and five interactions, with the
  next commit number of the learner's page session): scorm_commits_per_s and
  scorm_commit_p95_ms; the run fails unless every answer was 2xx
- scorm_queries_per_commit: SQL queries of one commit (whole request), measured on the
  one-SCO and the two-SCO course; the run fails if they differ (queries must not grow
  with the package)

Figures depend on the machine: take them with nothing else running.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/fsm_bench python bench/scorm.py
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as bench

CLIENTS = 8
MODULE_SLUG = "bench-scorm-module"


def _course(title: str, source: str):
    from modules.demo.packages import demo_package_ensure
    from modules.scorm.demo import DEMO_ROOT, demo_package_bytes
    from modules.scorm.kind import SCORM_KIND

    data = demo_package_bytes(DEMO_ROOT / source)
    return demo_package_ensure(kind=SCORM_KIND, title=title, data=data, filename=f"{source}.zip")


def _module(packages):
    from cms.pages.demo.seed import home_page_ensure
    from modules.models import LessonPage, ModulePage
    from modules.services import module_index_ensure

    module = ModulePage.objects.filter(slug=MODULE_SLUG).first()
    if module is None:
        # Under the site's home page as the demo makes it, as bench/lessons.py does, so the
        # benchmarks share one bench database in any order.
        index = module_index_ensure(parent=home_page_ensure(), title="Training modules", introduction="")
        module = ModulePage(title="Bench SCORM", slug=MODULE_SLUG, summary="Bench.", estimated_minutes=10)
        index.add_child(instance=module)
        module.save_revision().publish()
        for number, package in enumerate(packages):
            lesson = LessonPage(
                title=f"Bench SCORM {number}",
                slug=f"bench-scorm-{number}",
                body=[
                    {
                        "type": "scorm_activity",
                        "id": f"scorm-{number}",
                        "value": {"package": package.pk, "completion_rule": "completed", "required": True},
                    }
                ],
            )
            module.add_child(instance=lesson)
            lesson.save_revision().publish()
    return list(LessonPage.objects.child_of(module).live().order_by("path"))


def _cmi_12() -> dict[str, str]:
    cmi = {
        "cmi.core.lesson_status": "incomplete",
        "cmi.core.lesson_location": "slide-12",
        "cmi.suspend_data": "v" * 2048,
        "cmi.core.exit": "suspend",
        "cmi.core.session_time": "00:04:10",
        "cmi.core.score.raw": "60",
        "cmi.core.score.min": "0",
        "cmi.core.score.max": "100",
    }
    for n in range(5):
        cmi |= {
            f"cmi.interactions.{n}.id": f"question-{n}",
            f"cmi.interactions.{n}.type": "choice",
            f"cmi.interactions.{n}.student_response": "b",
            f"cmi.interactions.{n}.result": "correct" if n % 2 else "wrong",
        }
    return cmi


def _cmi_2004() -> dict[str, str]:
    return {
        "cmi.completion_status": "incomplete",
        "cmi.location": "slide-12",
        "cmi.suspend_data": "v" * 2048,
        "cmi.session_time": "PT4M10S",
        "cmi.score.scaled": "0.6",
    }


def _commit_script(*, clients: list[tuple[str, str]], body: str) -> str:
    """wrk Lua: each thread is one learner (own session and CSRF token) committing with a
    page session of its own and the next commit number each time."""
    prefix, suffix = body.split('"@SEQ@"')
    return bench.wrk_learners_script(
        clients=clients,
        fields=lambda: {"session": uuid.uuid4().hex},
        prelude=f"local prefix = {json.dumps(prefix)}\nlocal suffix = {json.dumps(suffix)}",
        path="/learning/scorm/commit/",
        body='local body = string.gsub(prefix, "@SESSION@", me.session) .. tostring(sent) .. suffix',
    )


def _queries(client, body: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.post("/learning/scorm/commit/", json.dumps(body), content_type="application/json")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/learning/scorm/commit/",
            json.dumps({**body, "seq": body["seq"] + 1}),
            content_type="application/json",
        )
    if response.status_code != 200:
        raise SystemExit(f"commit answered {response.status_code}: {response.content[:300]!r}")
    return len(captured.captured_queries)


def main() -> None:
    bench.database_prepare()
    from django.test import Client

    from cms.people.models import User

    course_12 = _course("Bench SCORM 1.2", "recording-12")
    course_2004 = _course("Bench SCORM 2004", "working-with-families-2004")
    lesson_12, lesson_2004 = _module([course_12, course_2004])

    def body(lesson, package, sco, cmi, *, session: str, seq) -> dict:
        return {
            "lesson_id": lesson.pk,
            "block_id": lesson.body.raw_data[0]["id"],
            "package_version_id": package.current_version_id,
            "sco": sco,
            "session": session,
            "seq": seq,
            "cmi": cmi,
        }

    learner, _ = User.objects.get_or_create(
        email="bench-scorm-learner@oxfordshire.gov.uk", defaults={"first_name": "Bench", "last_name": "SCORM"}
    )
    client = Client(SERVER_NAME=bench.HOST)
    client.force_login(learner, backend="django.contrib.auth.backends.ModelBackend")
    queries_12 = _queries(
        client, body(lesson_12, course_12, "recording-sco", _cmi_12(), session=uuid.uuid4().hex, seq=1)
    )
    queries_2004 = _queries(
        client, body(lesson_2004, course_2004, "families-part1", _cmi_2004(), session=uuid.uuid4().hex, seq=1)
    )
    if queries_12 != queries_2004:
        raise SystemExit(f"queries per commit grow with the package: {queries_12} and {queries_2004}")

    clients = bench.learner_clients(count=CLIENTS, email_prefix="bench-scorm")
    template = json.dumps(
        body(lesson_12, course_12, "recording-sco", _cmi_12(), session="@SESSION@", seq="@SEQ@")
    )
    script = _commit_script(clients=clients, body=template)

    with bench.gunicorn_serve(workers=None, threads=None) as server:
        commits = bench.wrk_run(
            server.url("/learning/scorm/commit/"), connections=CLIENTS, threads=CLIENTS, script=script
        )
    bench.print_figures(
        {
            "scorm_commits_per_s": commits.requests_per_second,
            "scorm_commit_p95_ms": commits.p95_ms,
            "scorm_queries_per_commit": queries_12,
        }
    )


if __name__ == "__main__":
    main()
