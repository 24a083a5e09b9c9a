"""Lesson pages and xAPI statements under load: gunicorn on PostgreSQL, over loopback.

Builds (once; reused on later runs) a learner with progress in 30 modules, one of
them a 30-lesson module whose lesson carries a knowledge check, a reflection and an
H5P activity (the demo package). Then:

- a second learner has done 29 of the 30-lesson module's lessons; wrk drives the last lesson's
  page for them with 8 requests in flight: lesson_page_rps, lesson_page_p95_ms
- lesson_page_queries: SQL queries of one lesson page request (whole request, warm)
- lesson_page_queries_cold: the same with the shared cache and the process tier just emptied
  (the first view after a cache flush or a restart; a publish renews the page tree's generation,
  which costs less than this); lesson_page_queries_warm: the request after that one
- 8 learners post distinct xAPI statements (wrk, one connection each, a Lua script
  giving every statement a new id): xapi_statements_per_s; the run fails unless every
  answer was 2xx and the database stored a new statement for each
- xapi_queries_per_statement: SQL queries of one statement POST (whole request); these
  statements repeat a completion the learner already has (the common case while playing)
- first completions: 8 new learners, who have opened the lessons' pages (as learners do before
  playing), each post statements (wrk, one connection each, for 3 s) that complete a lesson they
  have not completed, working across 40 modules of 6 single-activity lessons (each learner
  starts in a different module and moves to the next module with every statement, so no one
  progress row takes every write): xapi_first_completions_per_s, xapi_first_p95_ms; the run
  fails unless every answer was 2xx and each stored a new completion. Measured FIRST_RUNS
  times, each with new learners after the page tree's generation is renewed (as a publish does:
  each run finds the lessons as cold as the first), and the median printed, with
  xapi_first_completions_min_per_s and xapi_first_completions_max_per_s: one 3-second run on a
  2-core virtual machine moved by as much as a quarter from one minute to the next
- xapi_first_queries_cold: SQL queries of one first completion with the caches just emptied;
  xapi_first_queries: the same with the caches warm (the learner's next first completion, the
  next lesson of the same module); both count BEGIN and COMMIT
- `<name>_vs_bare` (lesson_page, xapi_statements, xapi_first_completions): each run's rate as a
  share of the bare ceiling served beside the site and sampled for 3 s just before and just
  after that run (bench.bare_beside); the first completions' is the median of their runs'
  shares; bare_rps is the samples' median

Usage: make bench-lessons, or DATABASE_URL=postgres://postgres@127.0.0.1:5432/fsm_bench
REDIS_URL=redis://127.0.0.1:6379/2 python bench/lessons.py (Redis is needed: production's shared cache,
through which the runs' renewed generation reaches the workers)
"""

from __future__ import annotations

import json
import statistics
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as bench

MODULES = 30
LESSONS_IN_BIG_MODULE = 30
LESSONS_IN_OTHER_MODULES = 3
CLIENTS = 8
SLUG_PREFIX = "bench-module-"
LEARNER_EMAIL = "bench-lessons-learner@oxfordshire.gov.uk"
NEARLY_DONE_EMAIL = "bench-lessons-nearly-done@oxfordshire.gov.uk"


def _h5p_package():
    from modules.demo.packages import demo_package_ensure
    from modules.h5p.demo import demo_package_bytes
    from modules.h5p.kind import H5P_KIND

    return demo_package_ensure(
        kind=H5P_KIND, title="Bench statement check", data=demo_package_bytes(), filename="bench.h5p"
    )


def _body(number: int, package_id: int) -> list[dict]:
    return [
        {"type": "rich_text", "id": f"text-{number}", "value": f"<p>Lesson {number}: open questions.</p>"},
        {
            "type": "knowledge_check",
            "id": f"kc-{number}",
            "value": {
                "question": "Which is an open question?",
                "kind": "single",
                "options": [
                    {
                        "type": "item",
                        "id": "o1",
                        "value": {"text": "Did you?", "correct": False, "feedback": "Closed."},
                    },
                    {
                        "type": "item",
                        "id": "o2",
                        "value": {"text": "What would help?", "correct": True, "feedback": "Open."},
                    },
                ],
                "pass_mark": 100,
                "required": True,
            },
        },
        {"type": "reflection", "id": f"rf-{number}", "value": {"prompt": "What stood out?", "guidance": ""}},
        {
            "type": "h5p_activity",
            "id": f"h5p-{number}",
            "value": {
                "package": package_id,
                "heading": "Try it",
                "completion_rule": "default",
                "required": False,
            },
        },
    ]


def _modules(package_id: int):
    from cms.pages.demo.seed import home_page_ensure
    from modules.services import module_index_ensure

    # The site's home page, as the demo seed makes it: a later `seed_demo` on this database
    # (bench/pages.py, bench/public_pages.py) then finds its home and leaves these modules be.
    home = home_page_ensure()
    index = module_index_ensure(parent=home, title="Training modules", introduction="")
    return [
        _module_ensure(
            index,
            slug=f"{SLUG_PREFIX}{number}",
            title=f"Bench module {number}",
            lessons=LESSONS_IN_BIG_MODULE if number == 0 else LESSONS_IN_OTHER_MODULES,
            lesson=lambda lesson_number: (f"Lesson {lesson_number}", _body(lesson_number, package_id)),
        )
        for number in range(MODULES)
    ]


def _module_ensure(index, *, slug: str, title: str, lessons: int, lesson: Callable[[int], tuple[str, list]]):
    """The module under `index` with this slug, made and published with `lessons` lessons (each
    `lesson(number)` gives a title and body) when it is not there yet."""
    from modules.models import LessonPage, ModulePage

    module = ModulePage.objects.child_of(index).filter(slug=slug).first()
    if module is None:
        module = ModulePage(title=title, slug=slug, summary="For the benchmark.")
        index.add_child(instance=module)
        module.save_revision().publish()
        for lesson_number in range(lessons):
            lesson_title, body = lesson(lesson_number)
            page = LessonPage(title=lesson_title, body=body)
            module.add_child(instance=page)
            page.save_revision().publish()
    return module


def _learner_with_progress(modules):
    """A learner with varied progress in every module: some complete, most part-way."""
    from cms.people.models import User
    from learning.models import ModuleProgress
    from learning.services import activity_complete, lesson_visit
    from modules.models import LessonPage

    learner, created = User.objects.get_or_create(
        email=LEARNER_EMAIL, defaults={"first_name": "Bench", "last_name": "Learner"}
    )
    if not created and ModuleProgress.objects.filter(user=learner).count() >= len(modules):
        return learner
    for number, module in enumerate(modules):
        lessons = list(LessonPage.objects.child_of(module).live().order_by("path"))
        done = len(lessons) if number % 5 == 0 and number else number % len(lessons)
        for lesson in lessons[:done]:
            activity_complete(user=learner, lesson=lesson, block_id=f"kc-{lessons.index(lesson)}")
        lesson_visit(
            user=learner,
            lesson=lessons[min(done, len(lessons) - 1)],
            module_id=module.pk,
            module_progress=None,
            prerequisites_met=True,
        )
    return learner


FIRST_MODULES = 40
FIRST_LESSONS = 6
# Long enough for thousands of completions, short enough that no learner runs out of lessons
# (FIRST_MODULES x FIRST_LESSONS each: 240, so up to 640 a second for 8 learners over 3 s).
FIRST_SECONDS = 3
# Cold runs of first completions, each with new learners: the figures are their median.
FIRST_RUNS = 3
FIRST_SLUG_PREFIX = "bench-first-"
FIRST_BLOCK_ID = "h5p-first"


def _first_completion_lessons(package_id: int) -> list[list]:
    """Modules (made once) whose lessons each hold one required H5P activity: a completing
    statement completes the lesson."""
    from cms.pages.demo.seed import home_page_ensure
    from modules.models import LessonPage
    from modules.services import module_index_ensure

    index = module_index_ensure(parent=home_page_ensure(), title="Training modules", introduction="")
    body = [
        {
            "type": "h5p_activity",
            "id": FIRST_BLOCK_ID,
            "value": {
                "package": package_id,
                "heading": "Try it",
                "completion_rule": "default",
                "required": True,
            },
        }
    ]
    modules = []
    for number in range(FIRST_MODULES):
        module = _module_ensure(
            index,
            slug=f"{FIRST_SLUG_PREFIX}{number}",
            title=f"First completions {number}",
            lessons=FIRST_LESSONS,
            lesson=lambda lesson_number: (f"Activity {lesson_number}", body),
        )
        modules.append(list(LessonPage.objects.child_of(module).live().order_by("path")))
    return modules


def _first_completion_body(*, lesson, version_id: int) -> bytes:
    return json.dumps(
        {
            "lesson_id": lesson.pk,
            "block_id": FIRST_BLOCK_ID,
            "package_version_id": version_id,
            "statement": _statement(f"http://127.0.0.1{lesson.url}#{FIRST_BLOCK_ID}"),
        }
    ).encode()


def _first_completion_queries(*, lessons: list, version_id: int) -> tuple[int, int]:
    """(queries cold, queries warm) of a new learner's first completions of two lessons."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cms.people.models import User

    learner = User.objects.create(email=f"bench-first-{uuid.uuid4().hex[:12]}@oxfordshire.gov.uk")
    client = Client(SERVER_NAME=bench.HOST)
    client.force_login(learner, backend="django.contrib.auth.backends.ModelBackend")
    # A learner plays an activity on the lesson's page: they have opened it first.
    for lesson in lessons[:2]:
        client.get(lesson.url)
    counts = []
    for number, lesson in enumerate(lessons[:2]):
        if number == 0:
            bench.caches_empty()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                "/learning/xapi/statements/",
                _first_completion_body(lesson=lesson, version_id=version_id),
                content_type="application/json",
            )
        if response.status_code >= 300 or not response.json().get("newly_completed"):
            answer = response.content[:300]
            raise SystemExit(f"a first completion answered {response.status_code}: {answer!r}")
        counts.append(len(captured.captured_queries))
    return counts[0], counts[1]


def _first_completions_script(*, clients: list[tuple[str, str]], order: list, version_id: int) -> str:
    """wrk Lua: each wrk thread is one learner (its own session and CSRF token) posting, with each
    request, a statement (a new id) that completes the next lesson of `order`, starting
    `FIRST_LESSONS` lessons further on than the learner before (so each starts in another module)."""
    template = json.dumps(
        {
            "lesson_id": "@LESSON@",
            "block_id": FIRST_BLOCK_ID,
            "package_version_id": version_id,
            "statement": {**_statement(f"http://127.0.0.1@URL@#{FIRST_BLOCK_ID}"), "id": "@ID@"},
        }
    )
    before_lesson, rest = template.split('"@LESSON@"')
    before_id, rest = rest.split('"@ID@"')
    before_url, after_url = rest.split("@URL@")
    lessons = ", ".join(f"{{id={lesson.pk}, url={json.dumps(lesson.url)}}}" for lesson in order)
    pieces = ", ".join(json.dumps(piece) for piece in (before_lesson, before_id, before_url, after_url))
    prelude = f"local lessons = {{ {lessons} }}\nlocal pieces = {{ {pieces} }}\nlocal step = {FIRST_LESSONS}"
    return bench.wrk_learners_script(
        clients=clients,
        fields=lambda: {"run": uuid.uuid4().hex[:8]},
        prelude=prelude,
        path="/learning/xapi/statements/",
        body=(
            "local lesson = lessons[((sent - 1 + (learner - 1) * step) % #lessons) + 1]\n"
            '  local id = string.format("%s-%04x-4%03x-8%03x-%012x", '
            "me.run, learner, sent % 4096, learner, sent)\n"
            "  local body = pieces[1] .. lesson.id .. pieces[2] .. '\"' .. id .. '\"' .. pieces[3] "
            ".. lesson.url .. pieces[4]"
        ),
    )


def _first_completions(
    server, ceiling: bench.BareBeside, *, modules: list[list], version_id: int
) -> tuple[bench.WrkResult, bench.Share]:
    """8 new learners (wrk, one connection each), each completing lessons they have not
    completed, one module after another, for FIRST_SECONDS; with its share of the ceiling."""
    from cms.people.models import User
    from learning.models import ActivityCompletion
    from learning.services import lesson_visit
    from modules.selectors import module_parent_id

    lesson_module_ids = {
        lesson.pk: module_parent_id(lesson=lesson) for lessons in modules for lesson in lessons
    }
    run = uuid.uuid4().hex[:8]
    learners = [
        User.objects.create(email=f"bench-first-{run}-{index}@oxfordshire.gov.uk") for index in range(CLIENTS)
    ]
    # Each has opened the lessons' pages before playing their activities, as learners do.
    for learner in learners:
        for lessons in modules:
            for lesson in lessons:
                lesson_visit(
                    user=learner,
                    lesson=lesson,
                    module_id=lesson_module_ids[lesson.pk],
                    module_progress=None,
                    prerequisites_met=True,
                )
    # Autovacuum would have tidied up after those visits before they play (bench.database_vacuum).
    bench.database_vacuum()
    clients = []
    for learner in learners:
        csrf_cookie, csrf_token = bench.csrf_pair()
        clients.append((f"{bench.session_cookie(user=learner)}; {csrf_cookie}", csrf_token))
    # Lesson n of every module before lesson n + 1 of any: each statement moves to another module.
    order = [modules[m][n] for n in range(FIRST_LESSONS) for m in range(FIRST_MODULES)]
    script = _first_completions_script(clients=clients, order=order, version_id=version_id)
    result, share = ceiling.wrk(
        server.url("/learning/xapi/statements/"),
        connections=CLIENTS,
        threads=CLIENTS,
        duration=FIRST_SECONDS,
        script=script,
    )
    # Every answer was 2xx (wrk_run refuses others); each must also have stored a new completion
    # (a learner who ran out of lessons would repeat one, and this would catch it).
    stored = ActivityCompletion.objects.filter(user__in=learners).count()
    if stored < result.requests:
        raise SystemExit(f"{result.requests} first completions answered but only {stored} stored")
    return result, share


def _learner_nearly_done(module):
    """A learner who has done every lesson of the 30-lesson module but the last."""
    from cms.people.models import User
    from learning.services import activity_complete
    from modules.models import LessonPage

    learner, _ = User.objects.get_or_create(
        email=NEARLY_DONE_EMAIL, defaults={"first_name": "Nearly", "last_name": "Done"}
    )
    lessons = list(LessonPage.objects.child_of(module).live().order_by("path"))
    for number, lesson in enumerate(lessons[:-1]):
        activity_complete(user=learner, lesson=lesson, block_id=f"kc-{number}")
    return learner, lessons[-1]


def _statement(block_url: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"name": "Someone", "mbox": "mailto:someone@example.com", "objectType": "Agent"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "id": block_url,
            "objectType": "Activity",
            "definition": {"name": {"en-US": "Check"}, "interactionType": "other"},
        },
        "result": {
            "score": {"raw": 4, "max": 5, "min": 0, "scaled": 0.8},
            "completion": True,
            "duration": "PT9S",
        },
    }


def _statements_script(*, clients: list[tuple[str, str]], body: str) -> str:
    """wrk Lua: each wrk thread is one learner (its own session and CSRF token) posting
    `body` with a new statement id each time; ids start with a random prefix per run, so
    a later run never repeats an earlier one's."""
    prefix, suffix = body.split('"@ID@"')
    return bench.wrk_learners_script(
        clients=clients,
        fields=lambda: {"run": uuid.uuid4().hex[:8]},
        prelude=f"local prefix = {json.dumps(prefix + '"')}\nlocal suffix = {json.dumps('"' + suffix)}",
        path="/learning/xapi/statements/",
        body=(
            'local id = string.format("%s-%04x-4%03x-8%03x-%012x", '
            "me.run, learner, sent % 4096, learner, sent)\n"
            "  local body = prefix .. id .. suffix"
        ),
    )


def main() -> None:
    bench.database_prepare()
    from cms.core.page_cache import shared_cache_answering

    if not shared_cache_answering():
        raise SystemExit("bench-lessons needs Redis (REDIS_URL), as production has: see `make bench-lessons`")
    from learning.models import XAPIStatement
    from modules.models import LessonPage

    package = _h5p_package()
    modules = _modules(package.pk)
    learner = _learner_with_progress(modules)
    lesson = LessonPage.objects.child_of(modules[0]).live().order_by("path")[LESSONS_IN_BIG_MODULE // 2]
    lesson_path = lesson.url
    version_id = package.current_version_id
    block_id = f"h5p-{LESSONS_IN_BIG_MODULE // 2}"

    status, lesson_queries = bench.query_count(lesson_path, user=learner)
    if status != 200:
        raise SystemExit(f"lesson page answered {status}")
    nearly_done, last_lesson = _learner_nearly_done(modules[0])
    last_path = last_lesson.url
    status, last_queries_cold, last_queries_warm = bench.query_count_cold(last_path, user=nearly_done)
    if status != 200:
        raise SystemExit(f"the last lesson's page answered {status}")

    def statement_body() -> bytes:
        return json.dumps(
            {
                "lesson_id": lesson.pk,
                "block_id": block_id,
                "package_version_id": version_id,
                "statement": _statement(f"http://127.0.0.1{lesson_path}#{block_id}"),
            }
        ).encode()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=bench.HOST)
    client.force_login(learner, backend="django.contrib.auth.backends.ModelBackend")
    client.post("/learning/xapi/statements/", statement_body(), content_type="application/json")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/learning/xapi/statements/", statement_body(), content_type="application/json"
        )
    if response.status_code >= 300:
        raise SystemExit(f"xAPI statement answered {response.status_code}: {response.content[:300]!r}")
    statement_queries = len(captured.captured_queries)

    clients = bench.learner_clients(count=CLIENTS, email_prefix="bench-xapi")
    script = _statements_script(
        clients=clients,
        body=json.dumps(
            {
                "lesson_id": lesson.pk,
                "block_id": block_id,
                "package_version_id": version_id,
                "statement": {**_statement(f"http://127.0.0.1{lesson_path}#{block_id}"), "id": "@ID@"},
            }
        ),
    )

    from cms.core.page_cache import tree_forget

    first_modules = _first_completion_lessons(package.pk)
    first_queries_cold, first_queries_warm = _first_completion_queries(
        lessons=[first_modules[0][0], first_modules[0][1]], version_id=version_id
    )

    cookie = bench.session_cookie(user=nearly_done)
    bench.database_vacuum()
    # Served as production serves it: gunicorn.conf.py decides workers and threads.
    # Each figure is a share of the bare ceiling sampled just before and after it (bench.bare_beside).
    with (
        bench.bare_beside(connections=8) as ceiling,
        bench.gunicorn_serve(workers=None, threads=None) as server,
    ):
        bench.http_expect_ok(server.url(last_path), cookie=cookie, contains="Knowledge check")
        bench.wrk_run(server.url(last_path), connections=8, cookie=cookie, duration=2)  # warm both workers
        page, page_share = ceiling.wrk(server.url(last_path), connections=8, cookie=cookie)
        stored_before = XAPIStatement.objects.count()
        statements, statements_share = ceiling.wrk(
            server.url("/learning/xapi/statements/"), connections=CLIENTS, threads=CLIENTS, script=script
        )
        stored = XAPIStatement.objects.count() - stored_before
        firsts = []
        for _run in range(FIRST_RUNS):
            # Each run finds the lessons as a publish leaves them: every answer about the page
            # tree (lessons, outlines, packages) renewed, in Redis and in each worker.
            tree_forget()
            firsts.append(_first_completions(server, ceiling, modules=first_modules, version_id=version_id))
    first_rates = sorted(run.requests_per_second for run, _share in firsts)
    first_rate = statistics.median(first_rates)
    # Every answer was 2xx (wrk_run refuses others); each one must also be a new statement
    # stored, not a repeat answered from the duplicate path.
    if stored < statements.requests:
        raise SystemExit(f"{statements.requests} statements answered but only {stored} stored")
    figures: dict[str, float | int] = {
        "lesson_page_rps": page.requests_per_second,
        "lesson_page_p95_ms": page.p95_ms,
        "lesson_page_queries": lesson_queries,
        "lesson_page_queries_cold": last_queries_cold,
        "lesson_page_queries_warm": last_queries_warm,
        "xapi_statements_per_s": statements.requests_per_second,
        "xapi_queries_per_statement": statement_queries,
        "xapi_first_completions_per_s": first_rate,
        "xapi_first_completions_min_per_s": first_rates[0],
        "xapi_first_completions_max_per_s": first_rates[-1],
        "xapi_first_p95_ms": statistics.median(run.p95_ms for run, _share in firsts),
        "xapi_first_queries_cold": first_queries_cold,
        "xapi_first_queries": first_queries_warm,
    }
    ceiling.figures_add(
        figures,
        lesson_page=page_share,
        xapi_statements=statements_share,
        xapi_first_completions=bench.Share(statistics.median(share for _run, share in firsts)),
    )
    bench.print_figures(figures)


if __name__ == "__main__":
    main()
