"""SCORM packages: an L&D-managed snippet with one version per upload, like H5P packages.

Lessons point at the package and play its current ready version, so a re-upload never
breaks a lesson: the new version is validated and extracted in the background and only
becomes current once it is ready. Attempts (learning.ScormAttempt) record the version played.
"""

import secrets

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class ScormStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    REFUSED = "refused", "Refused"


class ScormVersion(models.TextChoices):
    SCORM_12 = "1.2", "SCORM 1.2"
    SCORM_2004_2 = "2004-2", "SCORM 2004 2nd edition"
    SCORM_2004_3 = "2004-3", "SCORM 2004 3rd edition"
    SCORM_2004_4 = "2004-4", "SCORM 2004 4th edition"


def scorm_upload_path(instance: "ScormPackageVersion", filename: str) -> str:
    return f"scorm/uploads/{instance.package_id}/{secrets.token_hex(8)}.zip"


class ScormPackage(index.Indexed, models.Model):
    """A SCORM course L&D can place in lessons."""

    title = models.CharField(max_length=200, help_text="How editors find this package in the chooser.")
    status = models.CharField(
        max_length=20,
        choices=ScormStatus.choices,
        default=ScormStatus.PROCESSING,
        help_text="The status of the latest upload.",
        editable=False,
    )
    current_version = models.ForeignKey(
        "modules.ScormPackageVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The ready version lessons play.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("title")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = "SCORM package"
        verbose_name_plural = "SCORM packages"

    def __str__(self) -> str:
        return self.title


class ScormPackageVersion(models.Model):
    """One upload of a package: the zip, what its manifest says, and where its files are."""

    package = models.ForeignKey(ScormPackage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    upload = models.FileField(upload_to=scorm_upload_path, max_length=255, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=ScormStatus.choices, default=ScormStatus.PROCESSING)
    refusal_code = models.CharField(max_length=60, blank=True)
    refusal_reasons = models.JSONField(default=list, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Extraction progress, per cent.")
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
    content_prefix = models.CharField(max_length=255, blank=True)
    file_count = models.PositiveIntegerField(default=0)
    extracted_bytes = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["package", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["package", "number"], name="modules_scorm_version_number_unique")
        ]
        verbose_name = "SCORM package version"

    def __str__(self) -> str:
        return f"{self.package} (version {self.number})"

    @property
    def is_ready(self) -> bool:
        return self.status == ScormStatus.READY

    @property
    def sco_identifiers(self) -> list[str]:
        """The items that report to the LMS (SCOs), whose results decide completion."""
        return [item["identifier"] for item in self.scos if item.get("sco")]
