"""xAPI (Tin Can) and cmi5 packages: the generic package snippet (modules.packages.models) with
what the course structure says.

Launches (learning.Cmi5Registration) record the version played: a new version starts a new
registration, as cmi5 requires for a changed course structure.
"""

from django.db import models

from modules.packages.models import (
    PackageBase,
    PackageStatus,
    PackageVersionBase,
    package_current_version_field,
    package_upload_name,
    package_version_number_unique,
)

XapiStatus = PackageStatus


class XapiKind(models.TextChoices):
    CMI5 = "cmi5", "cmi5"
    TINCAN = "tincan", "xAPI (Tin Can)"


def xapi_upload_path(instance: "XapiPackageVersion", filename: str) -> str:
    return package_upload_name(folder="xapi", package_id=instance.package_id, extension="zip")


class XapiPackage(PackageBase):
    """An xAPI or cmi5 course L&D can place in lessons."""

    current_version = package_current_version_field(
        "modules.XapiPackageVersion", help_text="The ready version lessons launch."
    )

    class Meta(PackageBase.Meta):
        verbose_name = "xAPI or cmi5 package"
        verbose_name_plural = "xAPI and cmi5 packages"


class XapiPackageVersion(PackageVersionBase):
    """One upload: the zip, its course structure, and where its files are."""

    package = models.ForeignKey(XapiPackage, on_delete=models.CASCADE, related_name="versions")
    upload = models.FileField(upload_to=xapi_upload_path, max_length=255, blank=True)
    kind = models.CharField(max_length=10, choices=XapiKind.choices, blank=True)
    course_id = models.CharField(max_length=1024, blank=True, help_text="The publisher's course id.")
    course_title = models.CharField(max_length=255, blank=True)
    aus = models.JSONField(
        default=list,
        blank=True,
        help_text="The assignable units in play order: id, title, url, launch method, moveOn, mastery score.",
    )
    blocks = models.JSONField(default=list, blank=True, help_text="cmi5 blocks: id and title.")

    class Meta(PackageVersionBase.Meta):
        constraints = [package_version_number_unique(name="modules_xapi_version_number_unique")]
        verbose_name = "xAPI or cmi5 package version"

    @property
    def admin_detail(self) -> str:
        return self.get_kind_display()

    @property
    def admin_summary(self) -> str:
        parts = ", ".join(f"{au['title']} ({au['move_on']})" for au in self.aus)
        return f"{self.file_count} files; {len(self.aus)} part{'' if len(self.aus) == 1 else 's'}: {parts}"
