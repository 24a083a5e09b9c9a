"""Signing in has one door, allauth's, and the admin asks whether this session passed MFA.

The doors. Wagtail and Django bring their own password views: Wagtail's front-end
login (`_util/login/`, a plain Django `LoginView`), the admin's login and password
reset, and the shared-password forms of private pages and document collections.
Each would sign people in (or let them past a restriction) without allauth's second
factor, rate limits, email verification and domain rules. `sign_in_door` decides,
from the view a URL resolved to, what happens instead, wherever the view is mounted:

- Django's `LoginView` and its subclasses: redirect to allauth's sign-in, keeping a
  safe `next`;
- Django's password reset and change views: redirect to allauth's own;
- Wagtail's page and document password forms: 404 (shared passwords are not a way
  in here: WAGTAIL_PRIVATE_PAGE_OPTIONS and WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS
  hide them from editors too; a page already restricted by one stays closed);
- a social provider's login and callback URLs when the provider has no app
  configured: 404, rather than allauth's `SocialApp.DoesNotExist`.

`cms.core.middleware.SignInDoorMiddleware` applies it to every request.

The session. allauth records, in the session, each way the person authenticated
(`allauth.account.authentication.get_authentication_records`): "password" or
"socialaccount" at sign-in, "mfa" when a code from the authenticator app or a
recovery code was accepted (at sign-in, or at reauthentication with
`reauthenticated`). `session_passed_second_factor` reads those records.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import ResolverMatch, reverse
from django.utils.http import urlencode

# The MFA methods that count as "enrolled". Recovery codes alone do not: they
# are generated alongside an authenticator, as its fallback.
ENROLLED_MFA_TYPES = ("totp", "webauthn")

SignInDoor = Callable[[HttpRequest], HttpResponse]


@functools.cache
def _replaced_auth_views() -> tuple[tuple[type, str], ...]:
    """Django's auth views (which are not allauth), each with the allauth page that replaces it."""
    from django.contrib.auth import views as auth_views

    return (
        (auth_views.LoginView, "account_login"),
        (auth_views.PasswordChangeView, "account_change_password"),
        (auth_views.PasswordChangeDoneView, "account_change_password"),
        (auth_views.PasswordResetView, "account_reset_password"),
        (auth_views.PasswordResetDoneView, "account_reset_password"),
        (auth_views.PasswordResetConfirmView, "account_reset_password"),
        (auth_views.PasswordResetCompleteView, "account_reset_password"),
    )


@functools.cache
def _shared_password_views() -> tuple[Callable, ...]:
    from wagtail import views as wagtail_views
    from wagtail.documents.views import serve as document_views

    return (wagtail_views.authenticate_with_password, document_views.authenticate_with_password)


def _redirect_to(url_name: str) -> SignInDoor:
    def door(request: HttpRequest) -> HttpResponse:
        from allauth.account.utils import get_next_redirect_url

        url = reverse(url_name)
        next_url = get_next_redirect_url(request, REDIRECT_FIELD_NAME)
        match = request.resolver_match
        if not next_url and match is not None and match.url_name == "wagtailadmin_login":
            next_url = reverse("wagtailadmin_home")
        if next_url and url_name == "account_login":
            url = f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
        return HttpResponseRedirect(url)

    return door


def _not_found(request: HttpRequest) -> HttpResponse:
    raise Http404("There is no such page.")


def social_provider_is_configured(request: HttpRequest, *, provider_id: str) -> bool:
    """Whether allauth has an app (in settings or the database) for this social provider."""
    from allauth.socialaccount.adapter import get_adapter

    return bool(get_adapter(request).list_apps(request, provider=provider_id))


def _social_provider_of(match: ResolverMatch, view_func: Callable) -> str | None:
    """The provider id when this is a social provider's login or callback URL."""
    if not getattr(view_func, "__module__", "").startswith("allauth.socialaccount.providers"):
        return None
    from allauth.socialaccount.providers import registry

    for provider_class in registry.get_class_list():
        if match.url_name in (f"{provider_class.id}_login", f"{provider_class.id}_callback"):
            return provider_class.id
    return None


def sign_in_door(request: HttpRequest, view_func: Callable) -> SignInDoor | None:
    """What answers instead of `view_func`, when it is a way in that is not allauth's; None otherwise."""
    view_class = getattr(view_func, "view_class", None)
    if isinstance(view_class, type):
        for replaced, url_name in _replaced_auth_views():
            if issubclass(view_class, replaced):
                return _redirect_to(url_name)
    if view_func in _shared_password_views():
        return _not_found
    match = request.resolver_match
    if match is not None:
        provider_id = _social_provider_of(match, view_func)
        if provider_id and not social_provider_is_configured(request, provider_id=provider_id):
            return _not_found
    return None


def user_has_mfa(user) -> bool:
    """Whether the person has enrolled an authenticator (recovery codes alone do not count)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type__in=ENROLLED_MFA_TYPES).exists()


def session_passed_second_factor(request: HttpRequest, user) -> bool:
    """Whether this session gave the second factor since it last signed in.

    A sign-in is any record that is not "mfa" and not a reauthentication; an
    "mfa" record after the last one (from the sign-in's MFA stage, a later MFA
    reauthentication, or enrolling an authenticator in this session) passes.
    """
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, user)
    last_sign_in = -1
    for index, record in enumerate(records):
        if record.get("method") != "mfa" and not record.get("reauthenticated"):
            last_sign_in = index
    return any(record.get("method") == "mfa" for record in records[last_sign_in + 1 :])


def record_enrolment_as_second_factor(sender, request, user, authenticator, **kwargs) -> None:
    """Enrolling an authenticator in this session counts as giving the second factor.

    The person has just typed a valid code from the new authenticator (proof of
    possession), after allauth asked for their password again; asking for another
    code straight away would add nothing. Recorded the way allauth records an
    MFA sign-in, marked `enrolled`. (allauth.mfa.signals.authenticator_added)
    """
    if authenticator.type not in ENROLLED_MFA_TYPES or request is None:
        return
    if getattr(request, "user", None) is None or request.user.pk != user.pk:
        return
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)


def record_sign_in_as_recent_proof(sender, request, user, **kwargs) -> None:
    """Signing in counts as proving who you are, for allauth's "recently reauthenticated" check.

    allauth asks for the password again before sensitive steps (setting up an authenticator)
    unless the session reauthenticated in the last ACCOUNT_REAUTHENTICATION_TIMEOUT seconds,
    and it counts only reauthentications, not the sign-in itself: someone sent from /admin/
    to set up their authenticator straight after typing their password was asked for it
    again. The record is marked `reauthenticated`, so `session_passed_second_factor` still
    treats the sign-in before it as the one to pass MFA after; it is not an "mfa" record.
    (allauth.account.signals.user_logged_in, sent once every login stage has passed.)
    """
    if request is None or getattr(request, "session", None) is None:
        return
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, user, "sign_in", reauthenticated=True)


def connect() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals

    mfa_signals.authenticator_added.connect(
        record_enrolment_as_second_factor, dispatch_uid="core-mfa-enrolment-counts"
    )
    account_signals.user_logged_in.connect(
        record_sign_in_as_recent_proof, dispatch_uid="core-sign-in-counts-as-recent-proof"
    )
