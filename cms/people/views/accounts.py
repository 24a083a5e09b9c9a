"""Account views that bridge the Wagtail admin to allauth."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def admin_logout(request: HttpRequest) -> HttpResponse:
    """Wagtail's "Log out" goes through allauth's sign-out.

    A 307 keeps the method and body, so the admin's POST (with its CSRF token)
    signs the person out at once; a GET lands on the sign-out confirmation page.
    """
    return redirect("account_logout", preserve_request=True)
