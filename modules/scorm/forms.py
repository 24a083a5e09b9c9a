"""The admin form for SCORM packages: upload a .zip, validated at once for instant feedback."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from modules.packages.archive import PackageRefused
from modules.scorm.services import scorm_package_check, scorm_version_add, scorm_version_extract_later


class ScormPackageForm(WagtailAdminModelForm):
    upload = forms.FileField(
        label="SCORM package (.zip)",
        required=False,
        help_text=(
            "The .zip your authoring tool exports as SCORM 1.2 or SCORM 2004 (see the SCORM guide). "
            "Uploading to an existing package makes a new version; lessons keep playing the "
            "current version until the new one is ready."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contents = None
        if not self.instance.pk:
            self.fields["upload"].required = True
        self.fields["title"].required = False
        self.fields["title"].help_text = "How editors find this package. Leave empty to use the course title."

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return upload
        if not upload.name.lower().endswith(".zip"):
            raise ValidationError("Choose a .zip file.")
        try:
            self.contents = scorm_package_check(upload=upload)
        except PackageRefused as refused:
            raise ValidationError(
                f"This package was refused: {refused.reason}", code=refused.code
            ) from refused
        return upload

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title") or "").strip():
            if self.contents is not None:
                manifest = self.contents.manifest
                cleaned["title"] = (manifest.title or manifest.organisation or "SCORM package")[:200]
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
            version = scorm_version_add(
                package=package, upload=upload, uploaded_by=getattr(self, "for_user", None)
            )
            scorm_version_extract_later(version=version)
        return package
