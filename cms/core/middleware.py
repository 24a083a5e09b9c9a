"""Site-wide request rules: request size, one door to sign in, who may enter the admin (and MFA
before it), the admin's CSP."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.datastructures import MultiValueDictKeyError
from django.utils.http import urlencode

from cms.core.addresses import reverse_fixed
from cms.core.sign_in import session_passed_second_factor, sign_in_door, user_has_mfa


def admin_prefix() -> str:
    """Where the Wagtail admin is mounted, as a `path_info` prefix (no script prefix)."""
    return "/" + reverse_fixed("wagtailadmin_home").removeprefix(get_script_prefix())


def is_admin_path(path_info: str) -> bool:
    prefix = admin_prefix()
    return path_info.startswith(prefix) or path_info == prefix.rstrip("/")


def user_can_access_admin(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


def admin_access_permissions(user) -> QuerySet[Permission]:
    """The permission to use the admin as granted to an active person, directly or through a
    group (a query not yet run; superusers have it without a row). Answers as Django's
    ModelBackend does, the one that grants permissions here, so the frame can ask it inside
    its one query (cms.core.selectors)."""
    return Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").filter(
        Q(user=user) | Q(group__user=user)
    )


def admin_refuses(request) -> bool:
    """A signed-in person without admin access asking for an admin page (signing out aside).

    Wagtail would send them to its login page, which the sign-in door sends to allauth's,
    which sends a signed-in person back to the admin: a loop the browser gives up on.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_admin_path(request.path_info):
        return False
    if request.path_info == "/" + reverse_fixed("wagtailadmin_logout").removeprefix(get_script_prefix()):
        return False
    return not user_can_access_admin(user)


class SignInDoorMiddleware:
    """Every way in that is not allauth's is redirected to allauth or closed (cms.core.sign_in).

    Decided from the view each URL resolves to, so a password view is caught
    wherever Wagtail, Django or an app mounts it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        door = sign_in_door(request, view_func)
        return door(request) if door is not None else None


class AdminMFARequiredMiddleware:
    """Anyone with Wagtail admin access reaches an admin URL only from a session that passed MFA;
    a signed-in person without admin access is told so, with where to go instead (403).

    Sign-in goes through allauth (cms.core.sign_in closes every other door), whose
    MFA stage asks an enrolled person for a code. This middleware checks the
    outcome in the session itself, so a session that signed in with a password
    only (one from before the person enrolled, or any path that skipped the MFA
    stage) is sent to allauth's MFA reauthentication and then back to the address
    it asked for; someone with admin access who has not enrolled is sent to enrol. It
    matches on `path_info` under the admin's mount point, so every admin view
    (pages, API, choosers, previews) is covered, while allauth's own pages under
    /accounts/ stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if admin_refuses(request):
            return render(request, "admin_no_access.html", status=403)
        if is_admin_path(request.path_info) and user_can_access_admin(request.user):
            if not user_has_mfa(request.user):
                messages.warning(
                    request,
                    "You need to set up two-factor authentication before you can use the admin.",
                )
                return redirect("mfa_activate_totp")
            if not session_passed_second_factor(request, request.user):
                messages.info(
                    request,
                    "Enter a code from your authenticator app to continue to the admin.",
                )
                # Back to the same address afterwards. A stopped POST is not kept to be
                # replayed: it has not been through the CSRF check yet (that runs later,
                # with the view), so replaying it would let another site's forged form
                # through once the person gives their code.
                back_to = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
                url = reverse("mfa_reauthenticate")
                return HttpResponseRedirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: back_to})}")
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


class IncompleteFormMiddleware:
    """A POST missing a field its view reads without a default is the client's error: 400, not 500.

    Wagtail's admin forms read their formsets' management counts (`<prefix>-count`)
    straight from `request.POST`; a browser always sends them, a hand-made or truncated
    request may not. Nothing has been written when the lookup fails, so a clear 400 loses
    nothing. Only `MultiValueDictKeyError` (a missing form field) is answered here; any
    other error still reaches the error handling as it should.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method == "POST" and isinstance(exception, MultiValueDictKeyError):
            return HttpResponseBadRequest(
                "The form was sent without all of its fields. Go back, reload the page and try again.",
                content_type="text/plain",
            )
        return None
