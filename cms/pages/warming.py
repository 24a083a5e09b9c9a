"""Render public pages into the whole-response cache, as an anonymous visitor's request would.

A publish renews the public cache's generation, so every stored page is a miss until someone
visits it. After a publish commits, a Celery task (cms.pages.tasks.public_cache_warm) renders
each site's public pages through the whole middleware stack, with no cookies, under the site's
own hostname and port, exactly as a first visitor's request would: the public cache middleware
stores what it may store by its usual rules, so a warmed entry is the response that visitor
would have got. No request signals are sent (the database connection is the caller's).
"""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest

_handler: BaseHandler | None = None


def _site_handler() -> BaseHandler:
    global _handler
    if _handler is None:
        handler = BaseHandler()
        handler.load_middleware()
        _handler = handler
    return _handler


def anonymous_get(*, hostname: str, port: int, path: str) -> tuple[int, str]:
    """(status, X-Public-Cache header) of an anonymous GET of `path` on that host, served here."""
    secure = port == 443
    host = hostname if port in (80, 443) else f"{hostname}:{port}"
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": hostname,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": BytesIO(b""),
        "wsgi.errors": BytesIO(),
        "wsgi.url_scheme": "https" if secure else "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header and secure:
        environ[proxy_header[0]] = proxy_header[1]
    # Not response.close(): it sends request_finished, which would close the caller's database
    # connection mid-task (or mid-transaction). Pages answer with in-memory content only.
    response = _site_handler().get_response(WSGIRequest(environ))
    return response.status_code, response.get("X-Public-Cache", "")
