"""The admin form for xAPI and cmi5 packages: upload a .zip, validated at once for instant feedback."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from modules.packages.archive import PackageRefused
from modules.xapi_packages.services import xapi_package_check, xapi_version_add, xapi_version_extract_later


class XapiPackageForm(WagtailAdminModelForm):
    upload = forms.FileField(
        label="xAPI or cmi5 package (.zip)",
        required=False,
        help_text=(
            "The .zip your authoring tool exports as cmi5 or xAPI (Tin Can): it has cmi5.xml or tincan.xml "
            "at the top. Uploading to an existing package makes a new version; lessons keep launching the "
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
            self.contents = xapi_package_check(upload=upload)
        except PackageRefused as refused:
            raise ValidationError(
                f"This package was refused: {refused.reason}", code=refused.code
            ) from refused
        return upload

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title") or "").strip():
            if self.contents is not None:
                cleaned["title"] = self.contents.structure.title[:200] or "xAPI package"
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
            version = xapi_version_add(
                package=package, upload=upload, uploaded_by=getattr(self, "for_user", None)
            )
            xapi_version_extract_later(version=version)
        return package
