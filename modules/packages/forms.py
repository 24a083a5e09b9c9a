"""The admin form of every kind of package: upload a file, validated at once for instant feedback.

A kind's form is this form with its kind set; the words (labels, help, refusals) come from it.
"""

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from modules.packages.archive import PackageRefused
from modules.packages.kinds import PackageKind
from modules.packages.services import package_check, package_version_add, package_version_extract_later


class PackageUploadForm(WagtailAdminModelForm):
    kind: ClassVar[PackageKind[Any, Any]]

    upload = forms.FileField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contents = None
        upload = self.fields["upload"]
        upload.label = self.kind.upload_label
        upload.help_text = self.kind.upload_help
        upload.widget.attrs["accept"] = f".{self.kind.upload_extension}"
        upload.required = not self.instance.pk
        self.fields["title"].required = False
        self.fields["title"].help_text = self.kind.title_help

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return upload
        if not upload.name.lower().endswith(f".{self.kind.upload_extension}"):
            raise ValidationError(self.kind.upload_wrong_extension)
        try:
            self.contents = package_check(kind=self.kind, upload=upload)
        except PackageRefused as refused:
            raise ValidationError(
                f"This package was refused: {refused.reason}", code=refused.code
            ) from refused
        return upload

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title") or "").strip():
            if self.contents is not None:
                cleaned["title"] = (self.kind.contents_title(self.contents) or self.kind.default_title)[:200]
                self.instance.title = cleaned["title"]
            elif not self.instance.pk:
                self.add_error("title", "Give the package a title.")
            else:
                cleaned["title"] = self.instance.title
        return cleaned

    def save(self, commit=True):
        package = super().save(commit=commit)
        upload = self.cleaned_data.get("upload")
        if commit and upload:
            version = package_version_add(
                kind=self.kind, package=package, upload=upload, uploaded_by=getattr(self, "for_user", None)
            )
            package_version_extract_later(kind=self.kind, version=version)
        return package
