"""The recruitment landing page and the home page for anonymous visitors, under gunicorn.

Builds the demo (the recruitment page at /join-us/ with its vacancies) on the bench
database (PostgreSQL, DATABASE_URL), serves it with gunicorn as production does
(gunicorn.conf.py) and loads each page
from loopback with wrk, 16 connections, no cookies: anonymous visitors, answered
from the public page cache (Redis when REDIS_URL is set, as in production). Run with `make bench-public`.

Also fetches the landing page's HTML, CSS and JavaScript once as a browser would
(Accept-Encoding: gzip, br) and reports the bytes transferred.

Prints: landing_rps, landing_p95_ms, home_rps, home_p95_ms, landing_weight_kb,
landing_cache (1 when the landing page was served from the cache).
"""

import os
import re
import urllib.request
from html.parser import HTMLParser

import _common as bench

CONNECTIONS = 16
PAGES = {"landing": "/join-us/", "home": "/"}


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
    with bench.gunicorn_serve() as server:
        bench.http_expect_ok(server.url(PAGES["landing"]), contains='"@type": "JobPosting"')
        bench.http_expect_ok(server.url(PAGES["home"]))
        _status, headers, _body = _fetch(server.url(PAGES["landing"]))
        figures["landing_cache"] = int(headers.get("X-Public-Cache") == "hit")
        figures["landing_weight_kb"] = page_weight(server, PAGES["landing"]) / 1024
        results = {}
        for name, path in PAGES.items():
            url = server.url(path)
            bench.wrk_run(url, connections=CONNECTIONS, threads=2, duration=2)  # warm both workers
            results[name] = bench.wrk_run(url, connections=CONNECTIONS, threads=2)
        for name, result in results.items():
            figures[f"{name}_rps"] = result.requests_per_second
            figures[f"{name}_p95_ms"] = result.p95_ms
    ceiling = bench.bare_ceiling(connections=CONNECTIONS, threads=2)
    bench.vs_bare(figures, ceiling, landing=figures["landing_rps"], home=figures["home_rps"])
    bench.print_figures(
        {
            key: figures[key]
            for key in (
                "landing_rps",
                "landing_p95_ms",
                "landing_vs_bare",
                "home_rps",
                "home_p95_ms",
                "home_vs_bare",
                "bare_rps",
                "landing_weight_kb",
                "landing_cache",
            )
        }
    )


if __name__ == "__main__":
    main()
