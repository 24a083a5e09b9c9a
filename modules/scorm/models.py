"""SCORM packages: the generic package snippet (modules.packages.models) with what the manifest says.

Attempts (learning.ScormAttempt) record the version played.
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

ScormStatus = PackageStatus


class ScormVersion(models.TextChoices):
    SCORM_12 = "1.2", "SCORM 1.2"
    SCORM_2004_2 = "2004-2", "SCORM 2004 2nd edition"
    SCORM_2004_3 = "2004-3", "SCORM 2004 3rd edition"
    SCORM_2004_4 = "2004-4", "SCORM 2004 4th edition"


def scorm_upload_path(instance: "ScormPackageVersion", filename: str) -> str:
    return package_upload_name(folder="scorm", package_id=instance.package_id, extension="zip")


class ScormPackage(PackageBase):
    """A SCORM course L&D can place in lessons."""

    current_version = package_current_version_field("modules.ScormPackageVersion")

    class Meta(PackageBase.Meta):
        verbose_name = "SCORM package"
        verbose_name_plural = "SCORM packages"


class ScormPackageVersion(PackageVersionBase):
    """One upload of a package: the zip, what its manifest says, and where its files are."""

    package = models.ForeignKey(ScormPackage, on_delete=models.CASCADE, related_name="versions")
    upload = models.FileField(upload_to=scorm_upload_path, max_length=255, blank=True)
    scorm_version = models.CharField(max_length=10, choices=ScormVersion.choices, blank=True)
    manifest_title = models.CharField(max_length=255, blank=True)
    organisation = models.CharField(max_length=255, blank=True, help_text="The organisation played.")
    notes = models.JSONField(
        default=list, blank=True, help_text="What was read leniently from the manifest, in plain English."
    )
    scos = models.JSONField(
        default=list,
        blank=True,
        help_text="The launchable items in order: identifier, title, launch, SCO or asset, and their data.",
    )

    class Meta(PackageVersionBase.Meta):
        constraints = [package_version_number_unique(name="modules_scorm_version_number_unique")]
        verbose_name = "SCORM package version"

    @property
    def sco_identifiers(self) -> list[str]:
        """The items that report to the LMS (SCOs), whose results decide completion."""
        return [item["identifier"] for item in self.scos if item.get("sco")]

    @property
    def admin_detail(self) -> str:
        return self.get_scorm_version_display()

    @property
    def admin_summary(self) -> str:
        count = len(self.scos)
        return f"{self.file_count} files; {count} item{'' if count == 1 else 's'}"

    @property
    def admin_notes(self) -> list[str]:
        return list(self.notes)
