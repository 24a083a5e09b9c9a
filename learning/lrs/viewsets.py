"""The Wagtail admin for LRS client credentials and forwarding targets (L&D leads and admins;
permissions from cms.people.roles).

A new credential's secret, or a rotated one, is shown once in the confirmation message; only
its hash is kept.
"""

from __future__ import annotations

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from learning.models import LrsCredential, LrsForwardingTarget
from learning.services.lrs import (
    CredentialInvalid,
    StatementRejected,
    credential_check,
    iri_check,
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


ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")


class LrsForwardingTargetForm(WagtailAdminModelForm):
    """A forwarding target; its password is never shown back (left blank, the stored one stays)."""

    verbs = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Verb IRIs to forward, one a line (empty: every verb).",
    )
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="The secret for the key above. Never shown back: leave it blank to keep the stored one.",
    )
    forget_password = forms.BooleanField(required=False, help_text="Remove the stored secret.")

    class Meta:
        model = LrsForwardingTarget
        fields = [
            "name",
            "endpoint",
            "version",
            "credentials_env",
            "username",
            "password",
            "is_active",
            "verbs",
            "activity_prefix",
            "programme",
            "batch_size",
            "max_attempts",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["verbs"] = "\n".join(self.instance.verbs or [])
        self.initial["password"] = ""
        if not self.instance.password:
            del self.fields["forget_password"]

    def clean_endpoint(self):
        endpoint = self.cleaned_data["endpoint"]
        if not endpoint.lower().startswith(("https://", "http://")):
            raise ValidationError("Give the LRS's address starting with https://.")
        return endpoint

    def clean_credentials_env(self):
        name = self.cleaned_data["credentials_env"].strip()
        if name and not ENV_NAME.match(name):
            raise ValidationError("An environment variable's name: capital letters, digits and underscores.")
        return name

    def clean_verbs(self):
        lines = [line.strip() for line in (self.cleaned_data.get("verbs") or "").splitlines() if line.strip()]
        for line in lines:
            try:
                iri_check(line, "Each verb")
            except StatementRejected as error:
                raise ValidationError(f"{line[:100]}: {error}") from error
        return lines

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not cleaned.get("password") and not cleaned.get("forget_password"):
            cleaned["password"] = self.instance.password
        if cleaned.get("forget_password"):
            cleaned["password"] = ""
        if not cleaned.get("credentials_env") and not cleaned.get("username"):
            raise ValidationError("Name the environment variable holding key:secret, or enter a key.")
        if cleaned.get("credentials_env") and (cleaned.get("username") or cleaned.get("password")):
            raise ValidationError(
                "Give the credentials one way: an environment variable, or a key and secret."
            )
        return cleaned


class LrsForwardingTargetViewSet(ModelViewSet):
    """Configuration of forwarding targets (L&D leads and superusers; permission from cms.people.roles)."""

    model = LrsForwardingTarget
    name = "learning_lrs_forwarding_targets"
    url_prefix = "learning/lrs-forwarding-targets"
    icon = "redirect"
    menu_label = "LRS forwarding targets"
    list_display = ["name", "endpoint", "version", "is_active", "failing_since"]
    search_fields = ["name", "endpoint"]

    def get_form_class(self, for_update=False):
        return LrsForwardingTargetForm
