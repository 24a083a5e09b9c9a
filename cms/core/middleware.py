"""Site-wide request rules: request size, MFA before the Wagtail admin, and the admin's CSP."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse

# The MFA methods that count as "enrolled". Recovery codes alone do not: they
# are generated alongside an authenticator, as its fallback.
ENROLLED_MFA_TYPES = ("totp", "webauthn")


def admin_prefix() -> str:
    """Where the Wagtail admin is mounted, as a `path_info` prefix (no script prefix)."""
    return "/" + reverse("wagtailadmin_home").removeprefix(get_script_prefix())


def is_admin_path(path_info: str) -> bool:
    prefix = admin_prefix()
    return path_info.startswith(prefix) or path_info == prefix.rstrip("/")


def user_can_access_admin(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


def user_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type__in=ENROLLED_MFA_TYPES).exists()


class AdminMFARequiredMiddleware:
    """Anyone with Wagtail admin access must enrol in MFA before reaching any admin URL.

    Sign-in to the admin goes through allauth (WAGTAILADMIN_LOGIN_URL), so the
    MFA challenge at login is allauth's; this middleware closes the gap for an
    account that has admin access but has not yet enrolled. It matches on
    `path_info` under the admin's mount point, so every admin view (pages, API,
    choosers, previews) is covered, while allauth's own MFA pages under
    /accounts/ stay reachable to enrol.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            is_admin_path(request.path_info)
            and user_can_access_admin(request.user)
            and not user_has_mfa(request.user)
        ):
            messages.warning(
                request,
                "You need to set up two-factor authentication before you can use the admin.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class AdminContentSecurityPolicyMiddleware:
    """Apply the narrower admin relaxation (settings.ADMIN_CSP) under the admin only.

    Why the admin needs any relaxation is documented beside ADMIN_CSP and in
    docs/accounts-and-security.md; public and learner pages keep the strict
    nonce-based policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_admin_path(request.path_info) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return response


class RequestSizeLimitMiddleware:
    """Refuse request bodies over settings.MAX_REQUEST_BODY_SIZE with 413, before anything reads them.

    DATA_UPLOAD_MAX_MEMORY_SIZE bounds form fields but not uploaded files; this
    bounds the whole body (a proxy in front should enforce the same limit).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest(
                "The Content-Length header is not a number.", content_type="text/plain"
            )
        if length > settings.MAX_REQUEST_BODY_SIZE:
            limit_mb = settings.MAX_REQUEST_BODY_SIZE // (1024 * 1024)
            return HttpResponse(
                f"The upload is too large: the limit is {limit_mb} MB.",
                status=413,
                content_type="text/plain",
            )
        return self.get_response(request)
