"""Forms for people: the staff import upload, editing a staff profile, and invitations.

allauth's sign-up and sign-in forms are in forms_accounts.py: allauth imports the sign-up class
while it builds its own forms, so that module must be loaded by allauth, never by our admin.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from django import forms
from django.core import signing
from wagtail.admin.forms import WagtailAdminModelForm

from cms.people import conf
from cms.people.models import Invitation, StaffProfile, User
from cms.people.selectors import manager_chain_reaches
from cms.people.services import invitation_refusal, staff_member_create, staff_member_update

IMPORT_SIGNING_SALT = "people.staff-import"
IMPORT_CONFIRM_MAX_AGE = 60 * 60  # the checked file may be applied within the hour


class StaffImportUploadForm(forms.Form):
    file = forms.FileField(
        label="HR export (CSV file)",
        help_text=(
            "A CSV file saved as UTF-8 with the columns: email, first name, last name, job title, role, "
            "team, agency, line manager email, start date (and optionally active). We check every line "
            "first and show you what would change; nothing is saved until you confirm."
        ),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > conf.STAFF_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is too large ({upload.size:,} bytes); the limit is "
                f"{conf.STAFF_IMPORT_MAX_BYTES:,} bytes. Split it into smaller files."
            )
        return upload.read(conf.STAFF_IMPORT_MAX_BYTES + 1)


def import_token_make(*, name: str, data: bytes) -> str:
    """A signed, compressed copy of a checked file, so confirming needs no second upload."""
    packed = base64.b64encode(zlib.compress(data)).decode("ascii")
    return signing.dumps({"name": name, "data": packed}, salt=IMPORT_SIGNING_SALT)


class StaffImportConfirmForm(forms.Form):
    """The second step: apply the file the person has just checked (it is checked again)."""

    token = forms.CharField(widget=forms.HiddenInput)

    def clean_token(self) -> dict:
        try:
            payload = signing.loads(
                self.cleaned_data["token"], salt=IMPORT_SIGNING_SALT, max_age=IMPORT_CONFIRM_MAX_AGE
            )
            data = zlib.decompress(base64.b64decode(payload["data"]))
        except signing.SignatureExpired as error:
            raise forms.ValidationError("This check is over an hour old. Upload the file again.") from error
        except (signing.BadSignature, binascii.Error, zlib.error, KeyError, TypeError) as error:
            raise forms.ValidationError(
                "The checked file could not be read back. Upload it again."
            ) from error
        return {"name": str(payload.get("name", "")), "data": data}


class StaffProfileAdminForm(WagtailAdminModelForm):
    """Edit a person's name and place in the organisation; adding needs their email too."""

    email = forms.EmailField(label="Work email", max_length=254)
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)

    class Meta:
        model = StaffProfile
        fields = ["job_title", "role", "team", "agency", "line_manager", "start_date", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            self.fields["email"].disabled = True
            self.fields["email"].help_text = "The email is the person's login; it cannot be changed here."
            self.initial.update(email=user.email, first_name=user.first_name, last_name=user.last_name)
        if "line_manager" in self.fields:
            queryset = User.objects.filter(profile__active=True).order_by("last_name", "first_name")
            if self.instance.pk:
                queryset = queryset.exclude(pk=self.instance.user_id)
            self.fields["line_manager"].queryset = queryset

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if not self.instance.pk and User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone with this email is already on the platform.")
        return email

    def clean_line_manager(self) -> User | None:
        manager = self.cleaned_data.get("line_manager")
        if (
            manager is not None
            and self.instance.pk
            and manager_chain_reaches(manager=manager, user=self.instance.user)
        ):
            raise forms.ValidationError(
                f"{manager} is managed (directly or further down) by this person; that would make a loop."
            )
        return manager

    def save(self, commit: bool = True) -> StaffProfile:
        data = self.cleaned_data
        placement = {
            "job_title": data.get("job_title", ""),
            "role": data.get("role"),
            "team": data.get("team"),
            "agency": data.get("agency"),
            "line_manager": data.get("line_manager"),
            "start_date": data.get("start_date"),
            "active": data.get("active", True),
        }
        if self.instance.pk:
            return staff_member_update(
                profile=self.instance, first_name=data["first_name"], last_name=data["last_name"], **placement
            )
        self.instance = staff_member_create(
            email=data["email"], first_name=data["first_name"], last_name=data["last_name"], **placement
        )
        return self.instance


class InvitationForm(WagtailAdminModelForm):
    class Meta:
        model = Invitation
        fields = ["email"]
        help_texts = {
            "email": (
                "Their work email address. They will be emailed a link that works once and lasts 14 days."
            )
        }

    def clean_email(self):
        email = self.cleaned_data["email"]
        reason = invitation_refusal(email=email)
        if reason:
            raise forms.ValidationError(reason)
        return email
