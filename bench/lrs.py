"""Statement POSTs to the xAPI LRS (/xapi/statements): gunicorn on PostgreSQL, over loopback.

Makes (or rotates) a credential, then 8 clients, one connection each, post distinct statements:

- single statements: lrs_post_p95_ms (and lrs_single_statements_per_s)
- batches of 50: lrs_statements_per_s (statements stored a second)
- lrs_queries_per_statement: SQL queries of one batch-of-50 POST divided by 50, measured in
  process; the run fails unless a batch of 50 costs exactly the queries of a batch of 1
- the run fails unless every answer was 200 and the database holds a new row per statement

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/fsm_bench python bench/lrs.py
BENCH_LRS_REQUESTS (per client, default 60 single posts and 12 batches) keeps runs short.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as bench

CLIENTS = 8
BATCH = 50
SINGLE_REQUESTS = int(os.environ.get("BENCH_LRS_REQUESTS") or 60)
BATCH_REQUESTS = max(1, SINGLE_REQUESTS // 5)
VERB = "http://adlnet.gov/expapi/verbs/experienced"


def _statement(client: int, number: int, index: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:bench-{client}-{number % 40}@example.org"},
        "verb": {"id": VERB, "display": {"en-GB": "experienced"}},
        "object": {"id": f"http://example.org/bench/activities/{index % 25}"},
        "result": {"score": {"raw": index % 10, "min": 0, "max": 10}, "completion": True},
        "context": {
            "registration": str(uuid.uuid4()),
            "contextActivities": {"parent": [{"id": "http://example.org/bench"}]},
        },
        "timestamp": "2026-07-08T09:15:00.000Z",
    }


def _headers(authorization: str) -> dict[str, str]:
    return {
        "Authorization": authorization,
        "X-Experience-API-Version": "2.0.0",
        "Content-Type": "application/json",
    }


def _queries_per_batch(authorization: str, size: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=bench.HOST)
    body = json.dumps([_statement(99, n, n) for n in range(size)])
    headers = {"Authorization": authorization, "X-Experience-API-Version": "2.0.0"}
    client.post("/xapi/statements", body, content_type="application/json", headers=headers)
    body = json.dumps([_statement(99, n, n) for n in range(size)])
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/xapi/statements", body, content_type="application/json", headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"a batch of {size} was answered {response.status_code}: {response.content[:300]!r}")
    return len(captured.captured_queries)


def main() -> None:
    bench.database_prepare()
    from learning.models import XAPIStatement
    from learning.services.lrs import lrs_credential_issue

    credential, secret = lrs_credential_issue(name="bench-lrs", scopes=["statements/write", "all/read"])
    authorization = "Basic " + base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
    headers = _headers(authorization)

    one, fifty = _queries_per_batch(authorization, 1), _queries_per_batch(authorization, BATCH)
    if one != fifty:
        raise SystemExit(f"queries grow with the batch: {one} for 1 statement, {fifty} for {BATCH}")

    before = XAPIStatement.objects.count()
    with bench.gunicorn_serve() as server:
        singles = bench.http_drive(
            server,
            clients=CLIENTS,
            requests_per_client=SINGLE_REQUESTS,
            make_request=lambda c, n: bench.HttpRequest(
                "POST", "/xapi/statements", json.dumps(_statement(c, n, n)).encode(), headers
            ),
        )
        batches = bench.http_drive(
            server,
            clients=CLIENTS,
            requests_per_client=BATCH_REQUESTS,
            make_request=lambda c, n: bench.HttpRequest(
                "POST",
                "/xapi/statements",
                json.dumps([_statement(c, n, i) for i in range(BATCH)]).encode(),
                headers,
            ),
        )
    stored = XAPIStatement.objects.count() - before
    expected = singles.count + batches.count * BATCH
    if set(singles.statuses) != {200} or set(batches.statuses) != {200} or stored != expected:
        raise SystemExit(
            f"not every statement was stored: singles {dict(singles.statuses)}, batches "
            f"{dict(batches.statuses)}, {stored} rows for {expected} statements"
        )
    bench.print_figures(
        {
            "lrs_statements_per_s": batches.count * BATCH / batches.elapsed_s,
            "lrs_single_statements_per_s": singles.per_second,
            "lrs_post_p95_ms": singles.percentile_ms(95),
            "lrs_batch_p95_ms": batches.percentile_ms(95),
            "lrs_queries_per_statement": fifty / BATCH,
            "lrs_queries_per_batch": fifty,
        }
    )


if __name__ == "__main__":
    main()
