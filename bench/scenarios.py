"""MI scenario steps under load: gunicorn on PostgreSQL, learners answering over HTTP.

A step is what a learner's "Say this" does: a form POST that records the choice (and
answers 302), then the GET of the play page it redirects to. Each POST answers a
distinct run at its current step, so every request records a real choice. Prints:

- scenario_step_p95_ms / scenario_step_p50_ms / scenario_steps_per_s: the recording POST
- scenario_page_p95_ms: the play page GET (wrk)
- scenario_step_queries / scenario_page_queries: SQL queries of one POST / one GET
- scenario_steps_vs_bare / scenario_page_vs_bare: each rate as a share of the bare ceiling
  sampled just before and just after it (bench.bare_beside), with bare_rps

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/fsm_bench python bench/scenarios.py
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as bench

LEARNERS = 8
STEPS_PER_LEARNER = 100
SLUG = "craig-evenings"


def _scenario():
    from modules.demo.seed import DEMO_DIR
    from modules.models import Scenario
    from modules.scenarios.exchange import scenario_import

    scenario = Scenario.objects.filter(slug=SLUG, live=True).first()
    if scenario is None:
        Scenario.objects.filter(slug=SLUG).delete()
        result = scenario_import(raw=(DEMO_DIR / "scenarios" / f"{SLUG}.json").read_text(encoding="utf-8"))
        result.scenario.latest_revision.publish()
        scenario = Scenario.objects.get(pk=result.scenario.pk)
    return scenario


def _continuing_response(playable, node_key: str, rng: random.Random):
    """A response at this node that does not end the conversation (so the run stays playable)."""
    node = playable.node(node_key)
    options = [response for response in node.responses if not playable.node(response.next).is_end]
    return rng.choice(options or list(node.responses))


def _runs(user, scenario, count: int, rng: random.Random) -> list[tuple[int, int, str]]:
    """`count` runs in progress at varied depths: (attempt id, step to post, response id to post)."""
    from learning.selectors import scenario_playable
    from learning.services import scenario_attempt_respond, scenario_attempt_start

    playable = scenario_playable(revision=scenario.live_revision)
    runs = []
    while len(runs) < count:
        attempt = scenario_attempt_start(user=user, scenario=scenario)
        for _ in range(rng.randint(0, 5)):
            response = _continuing_response(playable, attempt.current_node, rng)
            if playable.node(response.next).is_end:
                break
            scenario_attempt_respond(attempt=attempt, step=attempt.step_count, response_id=response.id)
            attempt.refresh_from_db()
        response = _continuing_response(playable, attempt.current_node, rng)
        runs.append((attempt.pk, attempt.step_count, response.id))
    # Starting again closes a learner's run in progress; the benchmark answers all of
    # these runs later, so reopen them.
    type(attempt).objects.filter(pk__in=[run[0] for run in runs]).update(status="in_progress")
    return runs


def _query_counts(user, scenario) -> tuple[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(7)
    [(attempt_id, step, response_id)] = _runs(user, scenario, 1, rng)
    client = Client(SERVER_NAME=bench.HOST)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page = f"/learning/scenarios/attempts/{attempt_id}/"
    client.get(page)  # warm-up: site root, content types
    with CaptureQueriesContext(connection) as post_queries:
        response = client.post(f"{page}respond/", {"step": step, "response": response_id})
    if response.status_code != 302:
        raise SystemExit(f"the step answered {response.status_code}, not 302")
    with CaptureQueriesContext(connection) as get_queries:
        response = client.get(page)
    if response.status_code != 200:
        raise SystemExit(f"the play page answered {response.status_code}, not 200")
    return len(post_queries.captured_queries), len(get_queries.captured_queries)


def main() -> None:
    bench.database_prepare()
    from django.contrib.auth import get_user_model

    from learning.models import ScenarioAttempt, ScenarioChoice

    scenario = _scenario()
    users = []
    for number in range(LEARNERS):
        user, _ = get_user_model().objects.get_or_create(
            email=f"bench-scenario-{number}@oxfordshire.gov.uk",
            defaults={"first_name": "Bench", "last_name": str(number)},
        )
        users.append(user)
    ScenarioAttempt.objects.filter(user__in=users).delete()

    bench.collect_static()  # the play page renders {% static %} from the manifest
    step_queries, page_queries = _query_counts(users[0], scenario)

    rng = random.Random(2024)
    runs = {user.pk: _runs(user, scenario, STEPS_PER_LEARNER, rng) for user in users}
    choices_before = ScenarioChoice.objects.filter(attempt__user__in=users).count()
    csrf_cookie, csrf_token = bench.csrf_pair()
    cookies = {user.pk: f"{bench.session_cookie(user=user)}; {csrf_cookie}" for user in users}

    def make_request(client_index: int, request_index: int) -> bench.HttpRequest:
        user = users[client_index]
        attempt_id, step, response_id = runs[user.pk][request_index]
        body = f"step={step}&response={response_id}".encode()
        return bench.HttpRequest(
            method="POST",
            path=f"/learning/scenarios/attempts/{attempt_id}/respond/",
            body=body,
            headers={
                "Cookie": cookies[user.pk],
                "X-CSRFToken": csrf_token,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{bench.HOST}/",
            },
        )

    figures: dict[str, float | int] = {}
    with bench.bare_beside(connections=8) as ceiling, bench.gunicorn_serve() as server:
        page_attempt = runs[users[0].pk][-1][0]
        page_url = server.url(f"/learning/scenarios/attempts/{page_attempt}/")
        bench.http_expect_ok(page_url, cookie=cookies[users[0].pk], contains="What do you say next?")
        bench.wrk_run(page_url, connections=8, cookie=cookies[users[0].pk], duration=2)  # warm both workers
        result, steps_share = ceiling.around(
            lambda: bench.http_drive(
                server, clients=LEARNERS, requests_per_client=STEPS_PER_LEARNER - 1, make_request=make_request
            ),
            rate=lambda driven: driven.per_second,
        )
        # The last run of learner 0 is kept unanswered for the page load test.
        page, page_share = ceiling.wrk(page_url, connections=8, cookie=cookies[users[0].pk])
        ceiling.figures_add(figures, scenario_page=page_share, scenario_steps=steps_share)

    if set(result.statuses) != {302}:
        raise SystemExit(f"steps answered {dict(result.statuses)}; every step should answer 302")
    recorded = ScenarioChoice.objects.filter(attempt__user__in=users).count() - choices_before
    bench.print_figures(
        {
            "scenario_steps": result.count,
            "scenario_steps_per_s": result.per_second,
            "scenario_step_p50_ms": result.percentile_ms(50),
            "scenario_step_p95_ms": result.percentile_ms(95),
            "scenario_step_queries": step_queries,
            "scenario_page_rps": page.requests_per_second,
            "scenario_page_p95_ms": page.p95_ms,
            "scenario_page_queries": page_queries,
            "scenario_choices_recorded": recorded,
            **figures,
        }
    )


if __name__ == "__main__":
    main()
