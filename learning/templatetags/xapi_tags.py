"""Template tags that connect a lesson page to H5P and SCORM tracking."""

from django import template
from django.middleware.csrf import get_token
from django.utils.html import format_html

from cms.core.addresses import reverse_fixed

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_tracking_attrs(context, page) -> str:
    """Data attributes for the element wrapping a lesson's body: where H5P players report to.

    Usage: ``<div class="..." {% lesson_tracking_attrs page %}>``. Renders nothing for
    anonymous visitors and in previews of unsaved pages (nothing is tracked there).
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated or not getattr(page, "pk", None):
        return ""
    if getattr(request, "is_preview", False):
        return ""
    # The masked token the page's forms already carry (the csrf context processor's): masking
    # another one per view costs more than the rest of these attributes together.
    token = context.get("csrf_token") or get_token(request)
    return format_html(
        'data-xapi-endpoint="{}" data-state-endpoint="{}" data-scorm-commit-endpoint="{}" '
        'data-scorm-resume-endpoint="{}" data-xapi-status-endpoint="{}" data-lesson-id="{}" '
        'data-csrf-token="{}"',
        reverse_fixed("learning:xapi_statement"),
        reverse_fixed("learning:xapi_state"),
        reverse_fixed("learning:scorm_commit"),
        reverse_fixed("learning:scorm_resume"),
        reverse_fixed("learning:xapi_launch_status"),
        page.pk,
        token,
    )
