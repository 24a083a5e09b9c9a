"""Home and login pages under gunicorn: requests per second, p50 and p95.

Builds the demo on the bench database (PostgreSQL, DATABASE_URL), serves it
with gunicorn as production does (gunicorn.conf.py) and loads each page with
wrk over loopback, 8 connections. Run with `make bench-pages`.

Prints: home_rps, home_p50_ms, home_p95_ms, login_rps, login_p50_ms, login_p95_ms, and
each page's share of a bare Django view's rate under the same settings (home_vs_bare,
login_vs_bare, bare_rps; see bench/bare_app.py), sampled just before and after each page's run
(bench.bare_beside).
"""

import _common as bench

CONNECTIONS = 8


def main() -> None:
    bench.database_prepare()
    bench.seed_demo()
    figures: dict[str, float | int] = {}
    shares: dict[str, bench.Share] = {}
    with bench.bare_beside(connections=CONNECTIONS) as ceiling, bench.gunicorn_serve() as server:
        pages = {"home": "/", "login": "/accounts/login/"}
        for name, path in pages.items():
            url = server.url(path)
            bench.http_expect_ok(url)
            bench.wrk_run(url, connections=CONNECTIONS, threads=2, duration=2)  # warm both workers
            result, shares[name] = ceiling.wrk(url, connections=CONNECTIONS, threads=2)
            figures[f"{name}_rps"] = result.requests_per_second
            figures[f"{name}_p50_ms"] = result.p50_ms
            figures[f"{name}_p95_ms"] = result.p95_ms
    ceiling.figures_add(figures, **shares)
    bench.print_figures(figures)


if __name__ == "__main__":
    main()
