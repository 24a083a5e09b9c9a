"""Views of the public pages: the expression of interest form's flow, and robots.txt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cms.pages.conf import setting
from cms.pages.services import interest_attempt_allowed, interest_submission_create

if TYPE_CHECKING:
    from cms.pages.models import ExpressionOfInterestPage

RATE_LIMITED_MESSAGE = (
    "We have had too many forms from your connection in the last hour. "
    "Wait an hour and try again, or email the recruitment team."
)


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or the address the trusted proxies recorded."""
    proxies = int(setting("RECRUITMENT_TRUSTED_PROXY_COUNT"))
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def interest_form_serve(*, page: ExpressionOfInterestPage, request: HttpRequest, preview: bool = False):
    """Show the form; on a post, check the rate limit and honeypot, validate, store, thank.

    A filled honeypot gets the same thank-you page as a person (so a bot learns
    nothing) but nothing is stored or sent. Bad answers come back on the form with
    what was typed kept, an error summary and a message by each question.
    """
    status = 200
    non_field_errors: list[str] = []
    if request.method == "POST" and not preview:
        form = page.get_form(request.POST, page=page, user=request.user)
        if not interest_attempt_allowed(client_ip=client_ip(request)):
            status = 429
            non_field_errors.append(RATE_LIMITED_MESSAGE)
            form.is_valid()
        elif form.honeypot_filled():
            return redirect(page.url + page.reverse_subpage("thank_you"))
        elif form.is_valid():
            interest_submission_create(page=page, form=form)
            return redirect(page.url + page.reverse_subpage("thank_you"))
    else:
        form = page.get_form(page=page, user=request.user)
    context = page.get_context(request)
    context["form"] = form
    context["non_field_errors"] = non_field_errors
    response = TemplateResponse(request, page.get_template(request), context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@cache_control(max_age=60 * 60, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl the public site, not the admin, accounts or staff learning areas; here is the sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /documents/",
        "Disallow: /learning/",
        "Disallow: /certificates/",
        "Disallow: /practice-week/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
