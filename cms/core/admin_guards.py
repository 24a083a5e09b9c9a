"""Wagtail admin views that break on a hand-made POST are answered as the client's error, not a 500.

A browser always sends these forms whole; a hand-made or truncated POST reached code in
Wagtail that assumes it did, and raised. Each guard below names one such view (by its class,
or its URL name where Wagtail's view is a function), the exact request that breaks it, and
answers it before the view runs, only for someone the view itself would let in (everyone
else keeps the view's own refusal). The one failure that is not a malformed request, deleting
a user whose records are protected, is refused as our own viewsets refuse it
(cms.core.admin_views). Nothing else is caught: any other error still reaches the error
handling. Why each guard exists: docs/accounts-and-security.md, "Hostile input".
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.signing import BadSignature, Signer
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from wagtail.admin.views.chooser import ExternalLinkView
from wagtail.admin.views.generic.chooser import CreateViewMixin, CreationFormMixin
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.users.views.users import DeleteView as UserDeleteView

from cms.core.admin_views import protected_delete_refusal
from cms.core.middleware import user_can_access_admin

# What CreationFormMixin builds a chooser's creation form from.
CREATION_FORM_SOURCES = ("creation_form_class", "form_fields", "exclude_form_fields")
PAGE_COPY_URL_NAME = "wagtailadmin_pages:copy"
REDIRECT_IMPORT_URL_NAME = "wagtailredirects:process_import"
# The signed hidden fields the import's confirmation step carries from its upload step.
REDIRECT_IMPORT_FIELDS = ("import_file_name", "input_format")

Guard = Callable[[HttpRequest, type | None, Callable, dict], HttpResponse | None]


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain")


def _external_link_without_url(request, view_class, view_func, view_kwargs) -> HttpResponse | None:
    """Wagtail's URL field calls `.startswith` on the value, which is None when the field is absent."""
    field = f"{view_class.form_prefix}-{view_class.link_url_field_name}"
    if field not in request.POST:
        return _bad_request("The link form was sent without its URL. Go back and enter the link again.")
    return None


def _chooser_create_without_a_form(request, view_class, view_func, view_kwargs) -> HttpResponse | None:
    """A chooser given nothing to build a creation form from (no form class, no fields: the modal
    offers no "Create" tab) still mounts a create URL, whose POST calls `.is_valid()` on None.

    Decided from what the view was set up with, without running any of it: a view that finds its
    form another way (the image and document choosers' uploads) overrides the lookup and is left alone.
    """
    if view_class.get_creation_form_class is not CreationFormMixin.get_creation_form_class:
        return None
    given = view_func.view_initkwargs
    if any(given.get(name, getattr(view_class, name, None)) is not None for name in CREATION_FORM_SOURCES):
        return None
    view = view_class(**view_func.view_initkwargs)
    view.setup(request, **view_kwargs)
    if view.can_create():
        return _bad_request("This chooser cannot create new items. Choose an existing one instead.")
    return None


def _page_copy_to_no_page(request, view_class, view_func, view_kwargs) -> HttpResponse | None:
    """The copy view looks the new parent up straight from the POST, before its form validates it.

    A missing field is IncompleteFormMiddleware's (cms.core.middleware); here, a value that
    names no page (not a number: ValueError; no such page: DoesNotExist).
    """
    page = Page.objects.filter(pk=view_kwargs.get("page_id")).first()
    parent_id = request.POST.get("new_parent_page")
    if page is None or parent_id is None or not page.permissions_for_user(request.user).can_copy():
        return None
    if not parent_id.isdigit() or not Page.objects.filter(pk=int(parent_id)).exists():
        return _bad_request("The page to copy into does not exist. Go back and choose another.")
    return None


def _redirect_import_without_its_file(request, view_class, view_func, view_kwargs) -> HttpResponse | None:
    """The import's confirmation form unsigns its two hidden fields in `clean()`: a missing one
    raised KeyError (read though it failed validation), a badly signed one AttributeError
    (Wagtail reads `BadSignature.message`, which Django does not set)."""
    if not policy_registry.get_by_type(Redirect).user_has_any_permission(request.user, ["add"]):
        return None
    signer = Signer()
    try:
        for name in REDIRECT_IMPORT_FIELDS:
            signer.unsign(request.POST.get(name) or "")
    except BadSignature:
        return _bad_request(
            "The import was sent without the file it confirms. Upload the file again to import redirects."
        )
    return None


# Checked in order; the first guard whose view class matches answers. A class guard covers its subclasses.
VIEW_CLASS_GUARDS: tuple[tuple[type, Guard], ...] = (
    (ExternalLinkView, _external_link_without_url),
    (CreateViewMixin, _chooser_create_without_a_form),
)
# Wagtail's views served as functions, by URL name.
URL_NAME_GUARDS: dict[str, Guard] = {
    PAGE_COPY_URL_NAME: _page_copy_to_no_page,
    REDIRECT_IMPORT_URL_NAME: _redirect_import_without_its_file,
}


def _guard_for(request: HttpRequest, view_class: type | None) -> Guard | None:
    if isinstance(view_class, type):
        for guarded, guard in VIEW_CLASS_GUARDS:
            if issubclass(view_class, guarded):
                return guard
    match = request.resolver_match
    return URL_NAME_GUARDS.get(match.view_name) if match is not None else None


class AdminPostGuardMiddleware:
    """Answers the known-malformed admin POSTs above with a 400, and a protected user delete with
    the refusal our viewsets give, before either becomes a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not user_can_access_admin(request.user):
            return None
        view_class = getattr(view_func, "view_class", None)
        guard = _guard_for(request, view_class)
        return guard(request, view_class, view_func, view_kwargs) if guard is not None else None

    def process_exception(self, request, exception):
        """Wagtail's own user delete reaches the database's PROTECT (a person's completions are kept
        for good); nothing was deleted, as the delete runs in one transaction."""
        if not isinstance(exception, ProtectedError) or request.method != "POST":
            return None
        match = request.resolver_match
        view_class = getattr(match.func, "view_class", None) if match is not None else None
        if not (isinstance(view_class, type) and issubclass(view_class, UserDeleteView)):
            return None
        person = get_user_model().objects.filter(pk=match.kwargs.get("pk")).first()
        if person is None:
            return None
        kinds = sorted({str(row._meta.verbose_name_plural) for row in exception.protected_objects})
        return protected_delete_refusal(
            request,
            instance=person,
            refusal=exception,
            advice=(
                f"Their learning records ({', '.join(kinds)}) are kept for good: "
                "deactivate the account instead."
            ),
        )
