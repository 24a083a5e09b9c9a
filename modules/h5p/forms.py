"""The admin form for H5P packages: upload a .h5p, validated at once for instant feedback."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from modules.h5p.services import h5p_package_check, h5p_version_add, h5p_version_extract_later
from modules.packages.archive import PackageRefused


class H5PPackageForm(WagtailAdminModelForm):
    upload = forms.FileField(
        label="H5P file",
        required=False,
        help_text=(
            "A .h5p file exported with its libraries included (see the H5P guide). "
            "Uploading to an existing package makes a new version; lessons keep playing the "
            "current version until the new one is ready."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.manifest = None
        if not self.instance.pk:
            self.fields["upload"].required = True
        self.fields["title"].required = False
        self.fields[
            "title"
        ].help_text = "How editors find this package. Leave empty to use the title in the file."

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return upload
        if not upload.name.lower().endswith(".h5p"):
            raise ValidationError("Choose a file ending in .h5p.")
        try:
            self.manifest = h5p_package_check(upload=upload)
        except PackageRefused as refused:
            raise ValidationError(
                f"This package was refused: {refused.reason}", code=refused.code
            ) from refused
        return upload

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title") or "").strip():
            if self.manifest is not None:
                cleaned["title"] = self.manifest.title[:200]
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
            version = h5p_version_add(
                package=package, upload=upload, uploaded_by=getattr(self, "for_user", None)
            )
            h5p_version_extract_later(version=version)
        return package
