"""Operational endpoints, and the pages Django shows when it refuses a request."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    # Our Redis backend answers misses while Redis is down (cms.core.cache): ask Redis itself.
    ping = getattr(cache, "redis_ping", None)
    if ping is not None:
        ping()
        return
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value it was given")


def _check_broker() -> None:
    from cms.celery import app

    with app.connection_for_write(connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


def _service_of(check: str) -> str:
    """What a failing check depends on, for the operator: Redis behind the cache and the broker."""
    from django.conf import settings

    if check == "cache":
        backend = settings.CACHES["default"]["BACKEND"]
        return "redis" if "redis" in backend.lower() else backend.rsplit(".", 1)[-1]
    if check == "broker":
        from cms.celery import app

        url = str(app.conf.broker_write_url)
        return "redis" if url.startswith(("redis", "rediss")) else url.split(":", 1)[0]
    return check


@never_cache
@require_GET
def healthz(request):
    """200 when the database, cache and broker answer; 503 naming what fails (the checks, and
    under "unavailable" the services behind them, e.g. ["redis"]), each check with a short timeout."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("health check %s failed", name)
            results[name] = "fail"
        else:
            results[name] = "ok"
    healthy = all(value == "ok" for value in results.values())
    body: dict = {"status": "ok" if healthy else "fail", "checks": results}
    if not healthy:
        body["unavailable"] = sorted({_service_of(name) for name, value in results.items() if value != "ok"})
    return JsonResponse(body, status=200 if healthy else 503)


def csrf_failure(request, reason: str = ""):
    """A form refused by the CSRF check, on the site's branded page (settings.CSRF_FAILURE_VIEW)."""
    return render(request, "403_csrf.html", status=403)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static icon."""
    return redirect(static("core/favicon.ico"), permanent=True)
