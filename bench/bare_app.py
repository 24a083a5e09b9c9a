"""The ceiling every page benchmark is measured against: a bare Django view returning 20 KB.

Served by gunicorn with the repository's gunicorn.conf.py, like the site, and loaded with
the same wrk connections and threads (for 3 s just before and just after each measured run:
bench._common.bare_beside), so `<name>_vs_bare` (a page's requests a second as a share of
this view's) compares across machines: a faster machine raises both. The view has no
middleware, no database, no templates and no sessions: Django's request handling and
gunicorn's sync workers, nothing of ours. Not part of the product; only bench/ serves it.
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-view-not-a-secret",  # noqa: S106 - serves one constant page on loopback
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
)
django.setup()

# 20 KB of HTML, about the size of a rendered lesson page.
HEAD = "<!doctype html><html lang='en'><title>Bare</title><body>\n"
LINE = "<p>" + "x" * 96 + "</p>\n"
BODY = HEAD + LINE * ((20 * 1024 - len(HEAD)) // len(LINE))


def bare(request):
    return HttpResponse(BODY)


def healthz(request):
    return HttpResponse("ok")


urlpatterns = [path("", bare), path("healthz", healthz)]
application = get_wsgi_application()
