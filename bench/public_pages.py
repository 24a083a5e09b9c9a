"""The recruitment landing page and the home page for anonymous visitors, under gunicorn.

Builds the demo (the recruitment page at /join-us/ with its vacancies) on the bench
database (PostgreSQL, DATABASE_URL), serves it with gunicorn as production does
(gunicorn.conf.py) and loads each page
from loopback with wrk, 16 connections, no cookies: anonymous visitors, answered
from the public page cache (Redis when REDIS_URL is set, as in production). Run with `make bench-public`.

Each page is measured twice in the same run:
- *cached*: the plain address, answered from the whole-response cache (cms/pages/public_cache.py);
- *rendered*: the same address with a campaign query string (`?utm_source=bench`). The public
  cache never answers or stores a request with a query string (its rule for every visitor, as
  for a link from a newsletter), so each of these requests is rendered by Wagtail through the
  whole middleware stack, with everything else as production has it (the page tree cache and
  the page fragments kept under the public cache's generation). No bench-only switch: this is
  the path a real campaign link, or the first visitor after a publish, takes.

Also fetches the landing page's HTML, CSS and JavaScript once as a browser would
(Accept-Encoding: gzip, br) and reports the bytes transferred, and counts the SQL queries of a
rendered request in this process (`*_rendered_queries`: with the caches warm, as under load;
`*_rendered_queries_cold`: just after the caches were emptied, as after a Redis flush).

Prints: landing_rps, landing_p95_ms, landing_vs_bare, home_rps, home_p95_ms, home_vs_bare,
landing_rendered_rps, landing_rendered_p95_ms, landing_rendered_vs_bare, landing_rendered_queries,
landing_rendered_queries_cold, and home_rendered_* likewise, bare_rps, landing_weight_kb,
landing_cache (1 when the landing page was served from the cache).
"""

import os
import re
import urllib.request
from html.parser import HTMLParser

import _common as bench

CONNECTIONS = 16
PAGES = {"landing": "/join-us/", "home": "/"}
# A query string makes the public cache step aside (cms/pages/middleware.py): the page is rendered.
RENDERED_QUERY = "?utm_source=bench"


class _Assets(HTMLParser):
    """Stylesheets and scripts a page asks for, in order."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "stylesheet" and values.get("href"):
            self.urls.append(values["href"])
        elif tag == "script" and values.get("src"):
            self.urls.append(values["src"])


def _fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        return response.status, dict(response.headers.items()), body


def page_weight(server, path: str) -> int:
    """Bytes on the wire for the document and its CSS and JS (JS modules it imports included)."""
    _status, _headers, document = _fetch(server.url(path))
    parser = _Assets()
    parser.feed(document.decode("utf-8", "replace"))
    total = len(document)
    pending = list(parser.urls)
    seen: set[str] = set()
    while pending:
        asset = pending.pop(0)
        if asset in seen or not asset.startswith("/"):
            continue
        seen.add(asset)
        _status, _headers, body = _fetch(server.url(asset))
        total += len(body)
        if asset.endswith(".js"):
            # Follow static ES module imports (site.js imports GOV.UK Frontend).
            plain = _fetch_plain(server.url(asset))
            base = asset.rsplit("/", 1)[0]
            for relative in re.findall(r'import\s*\{[^}]*\}\s*from\s*"([^"]+)"', plain):
                pending.append(os.path.normpath(f"{base}/{relative}"))
    return total


def _fetch_plain(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8", "replace")


def main() -> None:
    bench.database_prepare()
    bench.seed_demo()
    figures: dict[str, float | int] = {}
    for name, path in PAGES.items():
        status, queries = bench.query_count(path + RENDERED_QUERY)
        _status, cold, _warm = bench.query_count_cold(path + RENDERED_QUERY)
        if status != 200:
            raise SystemExit(f"{path}{RENDERED_QUERY} answered {status}")
        figures[f"{name}_rendered_queries"] = queries
        figures[f"{name}_rendered_queries_cold"] = cold
    shares: dict[str, bench.Share] = {}
    with bench.bare_beside(connections=CONNECTIONS) as ceiling, bench.gunicorn_serve() as server:
        bench.http_expect_ok(server.url(PAGES["landing"]), contains='"@type": "JobPosting"')
        bench.http_expect_ok(server.url(PAGES["home"]))
        _status, headers, _body = _fetch(server.url(PAGES["landing"]))
        figures["landing_cache"] = int(headers.get("X-Public-Cache") == "hit")
        _status, headers, _body = _fetch(server.url(PAGES["landing"] + RENDERED_QUERY))
        if "X-Public-Cache" in headers:
            raise SystemExit("the rendered landing page was answered by the public cache")
        figures["landing_weight_kb"] = page_weight(server, PAGES["landing"]) / 1024
        results = {}
        for name, path in PAGES.items():
            for kind, address in ((name, path), (f"{name}_rendered", path + RENDERED_QUERY)):
                url = server.url(address)
                bench.wrk_run(url, connections=CONNECTIONS, threads=2, duration=2)  # warm both workers
                results[kind], shares[kind] = ceiling.wrk(url, connections=CONNECTIONS, threads=2)
        for name, result in results.items():
            figures[f"{name}_rps"] = result.requests_per_second
            figures[f"{name}_p95_ms"] = result.p95_ms
    ceiling.figures_add(figures, **shares)
    order = [
        f"{name}{suffix}" for name in ("landing", "home") for suffix in ("_rps", "_p95_ms", "_vs_bare")
    ] + [
        f"{name}_rendered{suffix}"
        for name in ("landing", "home")
        for suffix in ("_rps", "_p95_ms", "_vs_bare", "_queries", "_queries_cold")
    ]
    bench.print_figures(
        {key: figures[key] for key in (*order, "bare_rps", "landing_weight_kb", "landing_cache")}
    )


if __name__ == "__main__":
    main()
