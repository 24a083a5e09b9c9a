"""The expression of interest form: Wagtail's form builder, with GOV.UK messages and a honeypot."""

import re

import django.forms
from django.core.exceptions import ValidationError
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

HONEYPOT_FIELD = "website"
SINGLE_LINE_MAX = 255
MULTI_LINE_MAX = 2000
EMAIL_MAX = 254
PHONE_PATTERN = re.compile(r"^\+?[0-9()\- ]+$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def validate_single_line(value: str) -> None:
    """Line breaks and control characters have no place in a name or a job title (or a header)."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError("Remove line breaks and special characters.", code="control_characters")


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value)
    if not PHONE_PATTERN.match(value) or not 10 <= len(digits) <= 15:
        raise ValidationError(
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192.",
            code="invalid_phone",
        )


class InterestForm(BaseForm):
    """Base of the built form: adds the honeypot, a field people never see or fill in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = django.forms.CharField(
            required=False,
            label="Leave this field empty",
            widget=django.forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def honeypot_filled(self) -> bool:
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())

    def questions(self) -> list:
        """The bound fields people answer, in the editor's order (not the honeypot)."""
        return [self[name] for name in self.fields if name != HONEYPOT_FIELD]

    def honeypot(self):
        return self[HONEYPOT_FIELD]

    def answers(self) -> dict:
        """The cleaned answers to the editor's questions (the honeypot is not one)."""
        return {name: value for name, value in self.cleaned_data.items() if name != HONEYPOT_FIELD}


class InterestFormBuilder(FormBuilder):
    """Wagtail's builder with firm limits, a telephone type and messages in the GOV.UK style."""

    def get_field_options(self, field):
        options = super().get_field_options(field)
        label = field.label
        options["error_messages"] = {
            "required": getattr(field, "error_message", "") or f"Answer the question: {label}",
            "max_length": f"{label} must be %(limit_value)d characters or fewer",
            "invalid": f"Enter a valid answer for: {label}",
            "invalid_choice": f"Select one of the options for: {label}",
        }
        return options

    @property
    def formfields(self):
        formfields = super().formfields
        for field in self.fields:
            autocomplete = getattr(field, "autocomplete", "")
            if autocomplete:
                formfields[field.clean_name or field.get_field_clean_name()].widget.attrs["autocomplete"] = (
                    autocomplete
                )
        return formfields

    def create_singleline_field(self, field, options):
        return django.forms.CharField(
            max_length=SINGLE_LINE_MAX, validators=[validate_single_line], **options
        )

    def create_multiline_field(self, field, options):
        options["widget"] = django.forms.Textarea(attrs={"rows": 5})
        return django.forms.CharField(max_length=MULTI_LINE_MAX, **options)

    def create_email_field(self, field, options):
        options["widget"] = django.forms.EmailInput(attrs={"spellcheck": "false"})
        options["error_messages"]["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )
        return django.forms.EmailField(max_length=EMAIL_MAX, **options)

    def create_phone_field(self, field, options):
        options["widget"] = django.forms.TextInput(attrs={"type": "tel"})
        return django.forms.CharField(max_length=20, validators=[validate_phone], **options)

    def get_form_class(self):
        return type("InterestForm", (InterestForm,), self.formfields)
