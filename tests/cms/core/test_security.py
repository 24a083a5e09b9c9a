"""Security settings and request rules: each proven by behaviour, not by reading settings alone."""

import os
import subprocess
import sys
from io import BytesIO

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form

from cms.core.middleware import is_admin_path
from tests.cms.people.factories import UserFactory

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "k" * 64 + "-not-a-real-secret-but-long-enough",
    "ALLOWED_HOSTS": "learning.example.org",
    "SMTP_HOST": "smtp.example.org",
}


def _run_manage(*args, env):
    # Only what production would have: no test-run variables (e.g. the browser tests' async override).
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env)
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def _production_setting(expression: str) -> str:
    result = _run_manage(
        "shell", "-c", f"from django.conf import settings; print(repr(({expression})))", env=PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_check_deploy_passes_with_production_settings_and_no_warnings():
    result = _run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_sends_hsts_and_secure_cookies_over_https():
    """Production tells browsers to use HTTPS for a year and never sends session or CSRF cookies in clear."""
    values = _production_setting(
        "settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_SSL_REDIRECT,"
        " settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY"
    )
    assert values == "(31536000, True, True, True, True, True)"


def test_hsts_header_is_sent_on_https_responses(client, home_page, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_session_cookie_is_http_only_and_same_site(client, home_page):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="cookie@oxfordshire.gov.uk")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    morsel = response.cookies[settings.SESSION_COOKIE_NAME]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"


def test_documents_are_served_through_django_with_permission_checks(client, home_page, tmp_path):
    """WAGTAILDOCS_SERVE_METHOD is serve_view: documents go through a view (privacy, download headers)."""
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    document = get_document_model().objects.create(
        title="Safety plan template", file=SimpleUploadedFile("plan.txt", b"a plan")
    )
    assert document.url.startswith("/documents/")
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def _png_bytes(size=(4, 4)):
    buffer = BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def _image_form(upload):
    form_class = get_image_form(get_image_model())
    return form_class(
        data={"title": "Upload", "collection": 1}, files={"file": upload}, user=UserFactory(is_superuser=True)
    )


def test_svg_uploads_to_wagtail_images_are_refused():
    """SVG can carry script, so the image library accepts raster formats only."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    form = _image_form(SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml"))
    assert not form.is_valid()
    assert "file" in form.errors
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS


def test_an_svg_disguised_as_png_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    form = _image_form(SimpleUploadedFile("logo.png", svg, content_type="image/png"))
    assert not form.is_valid()


def test_a_real_png_is_accepted():
    form = _image_form(SimpleUploadedFile("photo.png", _png_bytes(), content_type="image/png"))
    assert form.is_valid(), form.errors


def test_oversized_images_are_refused(settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    big = SimpleUploadedFile("big.png", _png_bytes() + b"\0" * 2048, content_type="image/png")
    form = _image_form(big)
    assert not form.is_valid()
    assert "file" in form.errors


def test_svg_and_html_documents_are_refused():
    from wagtail.documents.forms import get_document_form

    form_class = get_document_form(get_document_model())
    for name in ("drawing.svg", "page.html", "script.js"):
        form = form_class(
            data={"title": name, "collection": 1},
            files={"file": SimpleUploadedFile(name, b"<svg/>")},
            user=UserFactory(is_superuser=True),
        )
        assert not form.is_valid(), name


def test_an_oversized_form_body_is_refused_with_400_not_500(client, home_page):
    body = "login=a%40b.c&password=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = client.post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_a_request_body_over_the_overall_limit_is_refused_with_413(client, home_page, settings):
    settings.MAX_REQUEST_BODY_SIZE = 1024
    upload = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 4096)
    response = client.post("/accounts/login/", {"file": upload})
    assert response.status_code == 413
    assert "too large" in response.text


def test_a_malformed_content_length_is_a_400(client, home_page):
    response = client.generic("POST", "/accounts/login/", b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400


# CSP ---------------------------------------------------------------------------


def test_public_and_account_pages_carry_the_strict_nonce_policy(client, home_page):
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in policy, path
        assert "unsafe-inline" not in policy, path
        assert "unsafe-eval" not in policy, path
        assert "object-src 'none'" in policy, path


def _recently_authenticated(client, user):
    """allauth asks for the password again before MFA changes; give it, as the person would."""
    response = client.post("/accounts/reauthenticate/", {"password": "correct-horse-battery-staple"})
    assert response.status_code == 302, response.content


def test_the_totp_qr_code_is_an_image_the_strict_policy_allows(client, home_page):
    """The QR code is a data: SVG image (img-src allows data:), so enrolment needs no relaxation."""
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    _recently_authenticated(client, user)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in response.text
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy
    assert "unsafe-inline" not in policy


def _admin_client(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    return user


def test_the_admin_relaxation_applies_under_admin_only(client, home_page):
    _admin_client(client)
    admin_policy = client.get("/admin/")["Content-Security-Policy"]
    public_policy = client.get("/")["Content-Security-Policy"]
    assert admin_policy != public_policy
    assert "object-src 'none'" in admin_policy
    assert "frame-ancestors 'self'" in admin_policy
    assert "unsafe-inline" not in public_policy


def test_the_admin_policy_never_allows_scripts_from_anywhere(client, home_page):
    _admin_client(client)
    policy = client.get("/admin/")["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "https:" not in script_src
    assert "unsafe-eval" not in script_src
    assert "*" not in script_src
    assert "data:" not in script_src


# The admin MFA gate ------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/pages/",
        "/admin/images/",
        "/admin/api/main/pages/",
        "/admin/invitations/",
        "/admin/users/",
        "/admin",
        "/admin/does-not-exist/",
    ],
)
def test_no_admin_path_is_reachable_without_mfa(client, home_page, path):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(path)
    assert response.status_code in (301, 302)
    location = response["Location"]
    if response.status_code == 301:  # /admin -> /admin/ first
        response = client.get(location)
        location = response["Location"]
    assert location.startswith("/accounts/2fa/totp/activate/")


def test_the_mfa_pages_stay_reachable_for_an_admin_who_must_enrol(client, home_page):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/accounts/2fa/").status_code == 200
    response = client.get("/accounts/2fa/totp/activate/")
    # allauth first asks for the password again (reauthentication) - on an /accounts/ page.
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/reauthenticate/")
        assert client.get(response["Location"]).status_code == 200


def test_an_enrolled_admin_reaches_the_admin(client, home_page):
    _admin_client(client)
    assert client.get("/admin/").status_code == 200


def test_recovery_codes_alone_do_not_count_as_enrolment(client, home_page):
    user = UserFactory(is_superuser=True, is_staff=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"})
    client.force_login(user)
    assert client.get("/admin/").status_code == 302


def test_admin_path_matching_is_by_mount_point_not_substring():
    assert is_admin_path("/admin/")
    assert is_admin_path("/admin/pages/3/edit/")
    assert is_admin_path("/admin")
    assert not is_admin_path("/administration-guide/")
    assert not is_admin_path("/learning/admin/")


def test_wagtail_logout_goes_through_allauth(client, home_page):
    """Wagtail's "Log out" posts to /admin/logout/, handed to allauth's sign-out with its method kept."""
    _admin_client(client)
    response = client.post("/admin/logout/")
    assert response.status_code == 307
    assert response["Location"] == "/accounts/logout/"
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
