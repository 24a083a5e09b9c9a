"""Site-wide request rules: MFA before the Wagtail admin, and the admin's CSP."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

ADMIN_PREFIX = "/admin/"


def user_can_access_admin(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


def user_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class AdminMFARequiredMiddleware:
    """Anyone with Wagtail admin access must enrol in MFA before reaching /admin/.

    Sign-in to the admin goes through allauth (WAGTAILADMIN_LOGIN_URL), so the
    MFA challenge at login is allauth's; this middleware closes the gap for an
    account that has admin access but has not yet enrolled.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(ADMIN_PREFIX)
            and user_can_access_admin(request.user)
            and not user_has_mfa(request.user)
        ):
            messages.warning(
                request,
                "You need to set up two-factor authentication before you can use the admin.",
            )
            return redirect(f"{reverse('mfa_activate_totp')}?next={ADMIN_PREFIX}")
        return self.get_response(request)


class AdminContentSecurityPolicyMiddleware:
    """Apply the narrower admin relaxation (settings.ADMIN_CSP) under /admin/ only.

    Wagtail's admin relies on inline scripts and styles (and eval in some
    widgets); public and learner pages keep the strict nonce-based policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(ADMIN_PREFIX) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return response
