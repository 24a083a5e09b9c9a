"""GOV.UK Frontend rendering of Django form fields, for the restyled allauth pages."""

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()

INPUT_WIDTHS = {
    "email": "govuk-!-width-two-thirds",
    "password": "govuk-!-width-two-thirds",
}
NARROW_FIELDS = {"code": "govuk-input--width-10"}


@register.filter
def field_kind(field: BoundField) -> str:
    """Which GOV.UK component renders this field."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.filter
def govuk_widget(field: BoundField):
    """The field's widget with GOV.UK classes, its hint and error wired up, and no placeholder.

    GOV.UK Frontend uses visible labels and hints rather than placeholders; the
    autocomplete attributes allauth sets (email, current-password, one-time-code)
    are kept.
    """
    kind = field_kind(field)
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    error = bool(field.errors)
    if kind == "checkbox":
        classes = "govuk-checkboxes__input"
    elif kind == "textarea":
        classes = "govuk-textarea" + (" govuk-textarea--error" if error else "")
    elif kind == "select":
        classes = "govuk-select" + (" govuk-select--error" if error else "")
    else:
        width = NARROW_FIELDS.get(field.name) or INPUT_WIDTHS.get(input_type, "govuk-!-width-two-thirds")
        classes = f"govuk-input {width}" + (" govuk-input--error" if error else "")
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if error:
        described_by.append(f"{field.auto_id}-error")
    attrs = {k: v for k, v in widget.attrs.items() if k != "placeholder"}
    attrs["class"] = classes
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if input_type in {"email", "password"} or field.name == "code":
        attrs.setdefault("spellcheck", "false")
    widget.attrs = attrs
    return field.as_widget()


@register.filter
def first_field_id(form) -> str:
    """Where an error summary links for errors about the form as a whole."""
    for field in form.visible_fields():
        return field.auto_id
    return ""


@register.filter
def error_items(form) -> list[dict[str, str]]:
    """The form's errors as the error summary lists them (components/error_summary.html):
    errors about the whole form and hidden fields link to its first field, the rest to theirs."""
    first = f"#{first_field_id(form)}"
    items = [{"href": first, "text": error} for error in form.non_field_errors()]
    items += [{"href": first, "text": error} for field in form.hidden_fields() for error in field.errors]
    for field in form.visible_fields():
        items += [{"href": f"#{field.id_for_label}", "text": error} for error in field.errors]
    return items
