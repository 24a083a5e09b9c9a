"""The platform shell: health endpoint, security headers, admin MFA gate, settings."""

import os
import subprocess
import sys

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from cms.pages.models import HomePage, StandardPage
from tests.cms.people.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_dependency_ok(client):
    """An operator's probe sees the database, cache and broker answering."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_names_the_failing_dependency_with_503(client, monkeypatch):
    """When the broker is down the probe gets a 503 that says which part failed."""
    from cms.core import views

    def broken_broker():
        raise ConnectionError("broker unreachable")

    monkeypatch.setitem(views.CHECKS, "broker", broken_broker)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "fail"}


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405


def test_public_pages_carry_a_strict_nonce_csp(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy


def test_admin_gets_the_documented_relaxation_only_under_admin(client, home_page):
    user = UserFactory(is_superuser=True, is_staff=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"]


def test_admin_user_without_mfa_is_sent_to_enrol(client, home_page):
    """An L&D editor who has not set up two-factor authentication cannot reach the admin."""
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")


def test_staff_without_admin_access_are_not_asked_for_mfa(client, home_page):
    """A learner going to /admin/ is told they have no access, not sent to the MFA gate."""
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "You do not have access to the admin" in response.content.decode()


def test_wagtail_admin_login_goes_through_allauth(client):
    """Wagtail's own admin sign-in form is never shown: allauth's takes the person back to the admin."""
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_mail_uses_django_61_mailers():
    assert hasattr(settings, "MAILERS")
    assert "default" in settings.MAILERS


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "learning.example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 64}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_secret_key_or_hosts(env, message):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="cms.settings.production")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr


@override_settings(DEBUG=True)
def test_seed_demo_is_idempotent():
    """Running the demo seed twice leaves one home page and one of each footer page."""
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert HomePage.objects.count() == 1
    assert StandardPage.objects.filter(slug__in=["accessibility", "privacy", "cookies"]).count() == 3


def test_an_admin_form_post_missing_its_formset_counts_is_a_400_and_changes_nothing(client, home_page):
    """An editor's hand-made or truncated lesson form (no `body-count`) gets a clear 400, not a 500."""
    from modules.models import LessonPage
    from tests.cms.people.factories import mfa_enrol
    from tests.modules.factories import ModulePageFactory, module_index_ensure

    module = ModulePageFactory(parent=module_index_ensure(home_page), title="Foundations")
    client.force_login(mfa_enrol(UserFactory(is_superuser=True)))

    response = client.post(
        f"/admin/pages/add/modules/lessonpage/{module.pk}/",
        {"title": "Made by a broken post", "slug": "made-by-a-broken-post"},
    )

    assert response.status_code == 400
    assert "reload the page" in response.content.decode()
    assert not LessonPage.objects.filter(title="Made by a broken post").exists()
