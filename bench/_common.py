"""The toolkit every benchmark script shares.

A benchmark builds its data on a PostgreSQL database of its own, serves the
site with gunicorn under production settings, loads it over loopback and prints
`name value` lines. Typical shape::

    from bench import _common as bench

    bench.database_prepare()            # create the bench database if missing, migrate
    ...build data with the ORM...       # Django is configured in this process
    cookie = bench.session_cookie(user=learner)
    with bench.gunicorn_serve() as server:
        bench.http_expect_ok(server.url("/learning/"), cookie=cookie)
        result = bench.wrk_run(server.url("/learning/"), connections=8, cookie=cookie)
    bench.print_figures({"my_learning_rps": result.requests_per_second})

Everything listens and connects on 127.0.0.1 only; every load run is bounded in
time (wrk's duration, the HTTP driver's request count and deadline) and every
wait has a timeout.

Environment:
- `DATABASE_URL`: the bench database (PostgreSQL on this machine; created if missing).
  Defaults to postgres://postgres@127.0.0.1:5432/fsm_bench.
- `REDIS_URL`: optional; when set, gunicorn and this process use it for cache and
  broker as production does. Without it the cache is per-process memory.
- `BENCH_DURATION`: seconds of load per wrk run (default 10), for quick trial runs; the
  bare ceiling's samples beside each run (`bare_beside`) stay 3 s.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fsm_bench"
LOOPBACK_DB_HOSTS = {"", "127.0.0.1", "localhost", "::1"}
VAR_DIR = ROOT / "var" / "bench"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_STATIC_ROOT: Path | None = None
_django_ready = False
_static_collected = False


# --- configuration ---------------------------------------------------------------


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def bench_environment() -> dict[str, str]:
    """Production-like settings for this process and the gunicorn it starts.

    Production settings with a secret generated once per run (sessions signed
    here are valid in gunicorn), loopback as the only host, no HTTPS redirect
    (there is no TLS proxy on loopback) and static files collected into a
    temporary STATIC_ROOT served by whitenoise.
    """
    global _STATIC_ROOT
    if _STATIC_ROOT is None:
        _STATIC_ROOT = Path(tempfile.mkdtemp(prefix="fsm-bench-static-"))
        atexit.register(shutil.rmtree, _STATIC_ROOT, True)
    environ = {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(_STATIC_ROOT),
        "MEDIA_ROOT": str(VAR_DIR / "media"),
        "VAR_DIR": str(VAR_DIR),
        "DATABASE_URL": database_url(),
        "LOG_LEVEL": "WARNING",
    }
    # The same secret for every later call in this process (and for gunicorn).
    os.environ["BENCH_SECRET_KEY"] = environ["SECRET_KEY"]
    return environ


def django_setup() -> None:
    """Configure Django in this process with the bench settings (idempotent)."""
    global _django_ready
    if _django_ready:
        return
    os.environ.update(bench_environment())
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    _django_ready = True


def database_prepare(*, fresh: bool = False) -> str:
    """Create the PostgreSQL bench database if missing (or anew), migrate, return its name.

    `fresh=True` drops it first, for benchmarks that need an empty database.
    Refuses anything but PostgreSQL on this machine: it may drop the database.
    """
    import psycopg
    from psycopg import sql

    url = urlsplit(database_url())
    if url.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"benchmarks need PostgreSQL; DATABASE_URL is {url.scheme}://")
    if (url.hostname or "") not in LOOPBACK_DB_HOSTS:
        raise SystemExit(f"benchmarks only use a database on this machine, not {url.hostname}")
    name = url.path.lstrip("/")
    if not name:
        raise SystemExit("DATABASE_URL names no database")
    admin_url = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # Rows cached by an earlier run (a person, a page's route, readiness figures) would
    # be read against this database's rows with the same ids: start with an empty cache.
    from django.core.cache import cache

    cache.clear()
    return name


def database_vacuum() -> None:
    """VACUUM ANALYZE the bench database: what autovacuum does on a live database after many
    writes (fresh planner statistics, dead row versions made reusable, the visibility map).

    Call it once the data a measurement reads is built. This machine's PostgreSQL runs with
    autovacuum off (a CI setting), so without it every run's updates stay behind as dead rows:
    after a dozen runs the progress table held eleven dead versions for each live row, and a
    first completion cost a third more CPU in PostgreSQL and in Python than on a fresh database.
    """
    django_setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def seed_demo() -> None:
    """Run the whole demo seeding (idempotent) on the bench database."""
    django_setup()
    from django.core.management import call_command

    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", allow_production=True, stdout=devnull)


def collect_static() -> None:
    """Collect static files (built front end included) into the temporary STATIC_ROOT, once."""
    global _static_collected
    if _static_collected:
        return
    django_setup()
    if not (ROOT / "static" / "build" / "css" / "site.css").exists():
        raise SystemExit("the front end is not built: run `make install` (npm run build)")
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    _static_collected = True


# --- signed-in sessions --------------------------------------------------------------


def session_cookie(*, user) -> str:
    """A `Cookie` header value signing `user` in (no HTTP: Django's test Client logs in)."""
    django_setup()
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def learner_clients(*, count: int, email_prefix: str) -> list[tuple[str, str]]:
    """(Cookie header, X-CSRFToken) for `count` learners made once (`<email_prefix>-<n>@...`),
    each signed in with its own session, for wrk scripts that post as they do."""
    django_setup()
    from django.contrib.auth import get_user_model

    clients = []
    for index in range(count):
        user, _ = get_user_model().objects.get_or_create(
            email=f"{email_prefix}-{index}@oxfordshire.gov.uk",
            defaults={"first_name": "Bench", "last_name": str(index)},
        )
        csrf_cookie, csrf_token = csrf_pair()
        clients.append((f"{session_cookie(user=user)}; {csrf_cookie}", csrf_token))
    return clients


def csrf_pair() -> tuple[str, str]:
    """(Cookie header part, X-CSRFToken value) that pass Django's CSRF check over plain HTTP."""
    django_setup()
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    secret = _get_new_csrf_string()
    return f"{settings.CSRF_COOKIE_NAME}={secret}", secret


def query_count(path: str, *, user=None, method: str = "get", data=None, **extra) -> tuple[int, int]:
    """(status, number of SQL queries) for one request handled in this process.

    The request is made twice and the second counted, so one-off warm-up
    queries (site root, content types) do not inflate the figure.
    """
    collect_static()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=HOST)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    send = getattr(client, method)
    send(path, data, **extra)
    with CaptureQueriesContext(connection) as captured:
        response = send(path, data, **extra)
    return response.status_code, len(captured.captured_queries)


def caches_empty() -> None:
    """Empty the shared cache and this process's tier of it, as a Redis flush or a restart would."""
    django_setup()
    from django.core.cache import cache

    from cms.core import page_cache
    from cms.pages import public_cache

    cache.clear()
    page_cache._local_tier.clear()
    public_cache.local_clear()


def query_count_cold(path: str, *, user=None) -> tuple[int, int, int]:
    """(status, SQL queries with the caches just emptied, SQL queries of the request after it)
    for one GET handled in this process: the page as the first visitor after a publish or a
    cache flush finds it, and as the next one does."""
    collect_static()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=HOST)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.get(path)
    caches_empty()
    with CaptureQueriesContext(connection) as cold:
        response = client.get(path)
    with CaptureQueriesContext(connection) as warm:
        client.get(path)
    return response.status_code, len(cold.captured_queries), len(warm.captured_queries)


# --- gunicorn -----------------------------------------------------------------------


SITE_WSGI = "cms.wsgi:application"


def free_port() -> int:
    """A free loopback port, or BENCH_PORT when set (to keep a run inside an agreed range)."""
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn; `url(path)` gives an absolute loopback URL."""

    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + "/" + path.lstrip("/")

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


def _stop(process: subprocess.Popen, *, timeout: float = 15.0) -> None:
    if process.poll() is not None:
        return
    # gunicorn runs in its own process group (start_new_session), so this reaches
    # the master and its workers and nothing else.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextlib.contextmanager
def gunicorn_serve(
    *,
    workers: int | None = None,
    threads: int | None = None,
    timeout: float = 60.0,
    collect: bool = True,
    bare: bool = False,
) -> Iterator[Server]:
    """Serve the site with gunicorn on a free loopback port until the block ends.

    gunicorn reads the repository's gunicorn.conf.py, as production does, so every
    benchmark measures production's layout. For experiments, BENCH_WORKERS and
    BENCH_THREADS in the environment (or `workers` and `threads`) override it.
    Waits until /healthz answers 200 (fails with gunicorn's log otherwise), and
    stops the master and workers cleanly afterwards, even on error. `bare` serves the
    ceiling instead (bench/bare_app.py: a bare Django view) under the same settings.
    """
    if not bare:
        django_setup()
    if collect and not bare:
        collect_static()
    workers = workers or int(os.environ.get("BENCH_WORKERS") or 0) or None
    threads = threads or int(os.environ.get("BENCH_THREADS") or 0) or None
    port = free_port()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    log_path = VAR_DIR / f"gunicorn-{port}.log"
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        *(["--pythonpath", str(ROOT / "bench"), "bare_app:application"] if bare else [SITE_WSGI]),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"{HOST}:{port}",
        *(["--workers", str(workers)] if workers is not None else []),
        *(["--threads", str(threads)] if threads is not None else []),
        "--log-level",
        "warning",
        "--error-logfile",
        str(log_path),
        "--timeout",
        "60",
    ]
    env = {**os.environ, **bench_environment()}
    with open(os.devnull, "wb") as devnull:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=devnull, stderr=devnull, start_new_session=True
        )
    atexit.register(_stop, process)
    server = Server(port=port, process=process, log_path=log_path)
    try:
        _wait_healthy(server, timeout=timeout)
        yield server
    finally:
        _stop(process)


def _wait_healthy(server: Server, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.process.returncode}):\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url("/healthz"), timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last_error = f"/healthz answered {error.code}: {error.read()[:300]!r}"
        except OSError as error:
            last_error = str(error)
        time.sleep(0.2)
    raise SystemExit(f"gunicorn not healthy after {timeout}s ({last_error}):\n{server.log_tail()}")


def http_expect_ok(url: str, *, cookie: str | None = None, contains: str | None = None) -> str:
    """GET `url` once and fail loudly unless it answers 200 (not a redirect to sign-in).

    A load run against a 302, 403 or 500 would measure the wrong thing.
    """
    _require_loopback(url)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            body = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        raise SystemExit(f"GET {url} answered {error.code}, not 200") from error
    if contains is not None and contains not in body:
        raise SystemExit(f"GET {url} answered 200 but without {contains!r}")
    return body


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _require_loopback(url: str) -> None:
    if urlsplit(url).hostname != HOST:
        raise SystemExit(f"benchmarks only load {HOST}, not {url}")


# --- wrk ----------------------------------------------------------------------------

# Appended to every wrk run: prints the percentiles wrk's summary leaves out.
_WRK_DONE = """
done = function(summary, latency, requests)
  io.write(string.format(
    "FIGURES requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d "
      .. "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
"""


def wrk_learners_script(
    *,
    clients: list[tuple[str, str]],
    fields: Callable[[], dict[str, str]],
    prelude: str,
    path: str,
    body: str,
) -> str:
    """A wrk script in which each connection is one learner posting JSON to `path` with its own
    session cookie and CSRF token (`clients`) and its own `fields` (e.g. a run or page session
    id). `prelude` declares Lua locals; `body` is Lua statements that set `local body`, with
    `me` the learner, `learner` its number and `sent` the requests sent so far."""
    learners = ",\n".join(
        "{" + ", ".join(f"{name}={json.dumps(value)}" for name, value in own.items()) + "}"
        for own in ({"cookie": cookie, "token": token, **fields()} for cookie, token in clients)
    )
    return f"""
local learners = {{ {learners} }}
{prelude}
local made = 0
local sent = 0
setup = function(thread)
  made = made + 1
  thread:set("learner", made)
end
request = function()
  sent = sent + 1
  local me = learners[learner]
  {body}
  return wrk.format("POST", {json.dumps(path)}, {{
    ["Content-Type"] = "application/json", ["Cookie"] = me.cookie, ["X-CSRFToken"] = me.token,
  }}, body)
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def wrk_run(
    url: str,
    *,
    connections: int = 8,
    threads: int = 2,
    duration: float | None = None,
    cookie: str | None = None,
    headers: Mapping[str, str] | None = None,
    script: str | Path | None = None,
    allow_errors: bool = False,
) -> WrkResult:
    """Load `url` with wrk and return throughput and latency percentiles.

    `script` is Lua source (or a path to a .lua file) for wrk's `request`/`response`
    hooks; it must not define `done`, which this toolkit supplies. Unless
    `allow_errors`, any socket error or 4xx/5xx answer fails the benchmark.
    """
    _require_loopback(url)
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: `apt-get install -y wrk` (.ci/run does this)")
    seconds = duration if duration is not None else float(os.environ.get("BENCH_DURATION", "10"))
    seconds = max(1, min(int(seconds), 120))
    source = ""
    if script is not None:
        source = Path(script).read_text() if isinstance(script, Path) else script
        if re.search(r"^\s*(function\s+done\b|done\s*=)", source, re.MULTILINE):
            raise ValueError("the wrk script must not define done(); the toolkit prints figures")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(source + "\n" + _WRK_DONE)
    command = [
        wrk,
        f"--connections={connections}",
        f"--threads={max(1, min(threads, connections))}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={lua.name}",
    ]
    for name, value in {**(headers or {}), **({"Cookie": cookie} if cookie else {})}.items():
        command += ["--header", f"{name}: {value}"]
    command.append(url)
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        os.unlink(lua.name)
    match = re.search(r"^FIGURES (.*)$", completed.stdout, re.MULTILINE)
    if completed.returncode != 0 or match is None:
        raise SystemExit(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    values = {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    errors = {
        key.removeprefix("errors_"): value for key, value in values.items() if key.startswith("errors_")
    }
    result = WrkResult(
        requests=values["requests"],
        duration_s=values["duration_us"] / 1e6,
        requests_per_second=values["requests"] / (values["duration_us"] / 1e6),
        p50_ms=values["p50_us"] / 1000,
        p95_ms=values["p95_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        errors=errors,
    )
    if result.error_count and not allow_errors:
        raise SystemExit(f"wrk saw errors loading {url}: {errors}")
    return result


# --- a small threaded HTTP driver for POST flows -------------------------------------


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class DriveResult:
    latencies_ms: list[float]
    statuses: Counter
    elapsed_s: float

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def per_second(self) -> float:
        return self.count / self.elapsed_s if self.elapsed_s else 0.0

    def percentile_ms(self, percent: float) -> float:
        return percentile(self.latencies_ms, percent)


def percentile(values: list[float], percent: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(percent / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def http_drive(
    server: Server,
    *,
    clients: int,
    requests_per_client: int,
    make_request: Callable[[int, int], HttpRequest],
    deadline_s: float = 120.0,
) -> DriveResult:
    """Run `clients` threads, each sending `requests_per_client` requests in turn.

    `make_request(client_index, request_index)` builds each request (distinct
    bodies, the client's own cookie). Each thread keeps one connection open, as
    a browser does. Latency is measured per request; statuses are counted so
    the caller can insist on 2xx. Stops at the deadline whatever is left.
    """
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline_s
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
        mine: list[float] = []
        seen: Counter = Counter()
        barrier.wait()
        try:
            for number in range(requests_per_client):
                if time.monotonic() > stop_at:
                    break
                request = make_request(index, number)
                started = time.perf_counter()
                try:
                    connection.request(
                        request.method, request.path, body=request.body, headers=dict(request.headers)
                    )
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
                    status = 0
                mine.append((time.perf_counter() - started) * 1000)
                seen[status] += 1
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)
                statuses.update(seen)

    threads = [threading.Thread(target=client, args=(index,), daemon=True) for index in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=deadline_s + 60)
    return DriveResult(latencies_ms=latencies, statuses=statuses, elapsed_s=time.perf_counter() - started)


# --- the ceiling -------------------------------------------------------------------


class Share(float):
    """A fraction of 1, printed to three decimal places (`0.045`)."""


BESIDE_SAMPLE_SECONDS = 3


@dataclass
class BareBeside:
    """The bare ceiling served beside the site (`bare_beside`), sampled around each figure."""

    url: str
    connections: int
    threads: int
    samples: list[float] = field(default_factory=list)
    # Each measured run's sample after it over the one before: near 1 unless the run left work behind.
    after_over_before: list[float] = field(default_factory=list)

    def sample(self) -> float:
        rate = wrk_run(
            self.url, connections=self.connections, threads=self.threads, duration=BESIDE_SAMPLE_SECONDS
        ).requests_per_second
        self.samples.append(rate)
        return rate

    def around[R](self, measure: Callable[[], R], rate: Callable[[R], float]) -> tuple[R, Share]:
        """What `measure()` gives, and its rate (`rate(result)`, a second) as a share of the
        ceiling sampled just before and just after it (their mean)."""
        before = self.sample()
        result = measure()
        after = self.sample()
        self.after_over_before.append(after / before)
        return result, Share(rate(result) / ((before + after) / 2))

    def wrk(self, url: str, **options: Any) -> tuple[WrkResult, Share]:
        """`wrk_run(url, **options)` and its share of the ceiling (`around`)."""
        return self.around(functools.partial(wrk_run, url, **options), lambda run: run.requests_per_second)

    def figures_add(self, figures: dict[str, float | int], **shares: Share) -> None:
        """Add `bare_rps` (the samples' median), `bare_min_rps` and `bare_max_rps`,
        `bare_after_vs_before` (the median of each run's sample after it over the one before: a
        run that left work behind, slowing the sample after it, would show below 1) and
        `<name>_vs_bare` for each share."""
        figures.setdefault("bare_rps", statistics.median(self.samples))
        figures.setdefault("bare_min_rps", min(self.samples))
        figures.setdefault("bare_max_rps", max(self.samples))
        figures.setdefault("bare_after_vs_before", Share(statistics.median(self.after_over_before)))
        for name, share in shares.items():
            figures[f"{name}_vs_bare"] = share


@contextlib.contextmanager
def bare_beside(*, connections: int = 8, threads: int = 2) -> Iterator[BareBeside]:
    """The ceiling: a bare Django view returning 20 KB (bench/bare_app.py), served under the same
    gunicorn settings and loaded with the same wrk parameters as the pages measured beside it,
    kept serving while the block runs, so each figure is a share of the ceiling measured just
    before and just after it (`BareBeside.around`).

    On a shared host the machine's speed drifts within minutes (a slow spell can double the CPU
    the same requests cost): one ceiling measured at the end would set a figure from a slow spell
    against a ceiling from a fast one, or the other way round. Paired, both see the same machine.
    Each server idles while the other is loaded.
    """
    with gunicorn_serve(bare=True) as server:
        url = server.url("/")
        http_expect_ok(url)
        wrk_run(url, connections=connections, threads=threads, duration=2)  # warm every worker
        yield BareBeside(url=url, connections=connections, threads=threads)


# --- output -------------------------------------------------------------------------


def print_figures(figures: Mapping[str, float | int]) -> None:
    """Print one `name value` line per figure (floats to one decimal place, shares to three)."""
    for name, value in figures.items():
        if isinstance(value, Share):
            text = f"{value:.3f}"
        else:
            text = f"{value:.1f}" if isinstance(value, float) else str(value)
        print(f"{name} {text}", flush=True)
