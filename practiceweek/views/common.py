"""What every practice-week page shares: the booker check and how a refusal is shown."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.shortcuts import render

from practiceweek import selectors, services

NOT_A_BOOKER = (
    "Practice week booking is for senior managers of the council and its partner agencies. "
    "If you think you should have access, contact the Learning and Development team."
)


def _refuse(request, message: str, *, status: int = 403, title: str = "You cannot use this page"):
    return render(request, "practiceweek/refused.html", {"title": title, "message": message}, status=status)


def _not_found(request, message: str = "We could not find that page."):
    return _refuse(request, message, status=404, title="Not found")


def booker_required(view):
    """Signed in, and allowed to book (senior managers, L&D, superusers)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.user_can_book(user=request.user):
            return _refuse(request, NOT_A_BOOKER)
        return view(request, *args, **kwargs)

    return wrapped


def _refusal_errors(refusal: services.BookingRefused, *, href: str = "") -> list[dict]:
    return [{"text": refusal.message, "href": href}]


def _form_errors(form: Form) -> list[dict]:
    """A form's errors as the error summary lists them, each linked to its field."""
    return [
        {"text": error, "href": f"#id_{name}"}
        for name, error_list in form.errors.items()
        for error in error_list
    ]
