"""The Wagtail admin for LRS client credentials (L&D leads and admins; permission from cms.people.roles).

A new credential's secret, or a rotated one, is shown once in the confirmation message; only
its hash is kept.
"""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from learning.models import LrsCredential
from learning.services.lrs import (
    CredentialInvalid,
    credential_check,
    lrs_credential_issue,
    lrs_credential_update,
)


class LrsCredentialForm(WagtailAdminModelForm):
    scopes = forms.MultipleChoiceField(
        choices=LrsCredential.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Write statements; read the ones it wrote; read everything; state and profiles.",
    )
    authority = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Optional fixed authority as xAPI agent JSON, e.g. {"mbox": "mailto:ld@example.org"}.',
    )
    rotate_secret = forms.BooleanField(
        required=False, help_text="Issue a new secret now; the old one stops working at once."
    )

    class Meta:
        model = LrsCredential
        fields = ["name", "scopes", "authority", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["name"].disabled = True
            if self.instance.authority:
                self.initial["authority"] = json.dumps(self.instance.authority)
        else:
            del self.fields["rotate_secret"]
            del self.fields["is_active"]

    def clean_authority(self):
        text = (self.cleaned_data.get("authority") or "").strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError as error:
            raise ValidationError("Give the authority as JSON.") from error
        if not isinstance(value, dict):
            raise ValidationError("Give the authority as a JSON object (an xAPI agent).")
        return value

    def clean(self):
        cleaned = super().clean()
        if "scopes" in cleaned and "authority" in cleaned:
            try:
                credential_check(
                    name=cleaned.get("name") or self.instance.name,
                    scopes=list(cleaned["scopes"]),
                    authority=cleaned["authority"],
                )
            except CredentialInvalid as error:
                raise ValidationError(str(error)) from error
        return cleaned


class _IssuingMixin:
    secret_shown: tuple[str, str] | None = None

    def get_success_message(self, *args):
        message = super().get_success_message(*args)
        if self.secret_shown:
            key, secret = self.secret_shown
            message = f"{message} Key: {key} Secret: {secret} (copy it now: it is not shown again)."
        return message


class LrsCredentialCreateView(_IssuingMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        credential, secret = lrs_credential_issue(
            name=data["name"],
            scopes=list(data["scopes"]),
            authority=data["authority"],
            created_by_id=self.request.user.pk,
        )
        self.secret_shown = (credential.key, secret)
        return credential


class LrsCredentialEditView(_IssuingMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        credential = lrs_credential_update(
            credential=LrsCredential.objects.get(pk=self.object.pk),
            scopes=list(data["scopes"]),
            authority=data["authority"],
            is_active=data["is_active"],
        )
        if data.get("rotate_secret"):
            credential, secret = lrs_credential_issue(
                name=credential.name, scopes=credential.scopes, authority=credential.authority
            )
            self.secret_shown = (credential.key, secret)
        return credential


class LrsCredentialViewSet(ModelViewSet):
    model = LrsCredential
    name = "learning_lrs_credentials"
    url_prefix = "learning/lrs-credentials"
    icon = "key"
    menu_label = "LRS credentials"
    add_view_class = LrsCredentialCreateView
    edit_view_class = LrsCredentialEditView
    list_display = ["name", "key", "scopes", "is_active", "created_at"]
    search_fields = ["name", "key"]

    def get_form_class(self, for_update=False):
        return LrsCredentialForm
