"""Browser journeys: Playwright driving Debian's Chromium, axe on every page."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make to arrange data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `apt-get install chromium` (.ci/run does this).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def sign_in(live_server, context):
    """Sign a user into the browser by giving it a real session cookie.

    Journeys about signing in use the login form; every other journey starts signed in.
    """
    from django.conf import settings
    from django.test import Client

    def _sign_in(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return user

    return _sign_in


@pytest.fixture
def site_home():
    """The home page as the seed makes it, with Wagtail's cached site root paths forgotten (they
    were cached while home_page_ensure renamed Wagtail's default page)."""
    from wagtail.models import Site

    from cms.pages.demo.seed import home_page_ensure

    home = home_page_ensure()
    Site.clear_site_root_paths_cache()
    return home
