"""Template helpers of the public pages."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

register = template.Library()

# The characters that could end a <script> element or open a comment inside one,
# escaped as JSON allows (the same set Django's json_script escapes).
_SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(value) -> str:
    """Serialise `value` as JSON safe to place inside <script type="application/ld+json">."""
    return mark_safe(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_SAFE))  # noqa: S308


@register.filter
def field_error_id(field) -> str:
    """The id the error summary links to: the input itself, or a group's first option."""
    widget = field.field.widget
    if getattr(widget, "input_type", "") in ("radio", "checkbox") and list(getattr(widget, "choices", [])):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.simple_tag
def error_summary_items(form, non_field_errors=()) -> list[dict[str, str]]:
    """The form's problems as components/error_summary.html lists them: messages first, then
    each question's errors linking to the question."""
    items = [{"text": str(message)} for message in non_field_errors]
    for field in form.questions():
        items += [{"href": f"#{field_error_id(field)}", "text": str(error)} for error in field.errors]
    return items
