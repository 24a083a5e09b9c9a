"""The Wagtail admin's JSON API answers only people who could see the same things in the admin.

Wagtail mounts ``/admin/api/main/documents/`` and ``/admin/api/main/images/`` for its choosers and
lets anyone with admin access read them: every document's title and download address, every
image's title and file, whatever collection they are in. Here admin access alone is not enough
(a director opens the admin for readiness only): a person must hold a permission on that kind of
object (add, change or choose, in some collection) as Wagtail's own listings and choosers ask.
The pages endpoint is left to Wagtail, which already limits it to the pages a person may explore.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

ADMIN_API_PREFIX = "/admin/api/main/"
# The endpoint's first path segment -> the model whose permissions open it.
GUARDED_ENDPOINTS: dict[str, Callable[[], type]] = {
    "documents": get_document_model,
    "images": get_image_model,
}
ANY_USE = ["add", "change", "choose"]


def admin_api_allowed(user, path: str) -> bool:
    """Whether `user` may read this admin API path (True for paths this guard does not cover, and for
    people not signed in, whom Wagtail's own admin check sends to sign in)."""
    if not path.startswith(ADMIN_API_PREFIX) or not user.is_authenticated:
        return True
    endpoint = path[len(ADMIN_API_PREFIX) :].split("/", 1)[0]
    model = GUARDED_ENDPOINTS.get(endpoint)
    if model is None:
        return True
    return bool(
        user.is_authenticated and policy_registry.get_by_type(model()).user_has_any_permission(user, ANY_USE)
    )


class AdminApiGuardMiddleware:
    """Refuse the documents and images admin API to people without a permission on them (403)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not admin_api_allowed(request.user, request.path_info):
            raise PermissionDenied("You cannot list the site's documents or images.")
        return self.get_response(request)
