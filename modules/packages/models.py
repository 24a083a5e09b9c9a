"""What every kind of uploaded package shares: a snippet L&D manage, with one version per upload.

Abstract bases only, so each kind keeps its own tables (modules_h5ppackage, modules_scormpackage
...). A kind's concrete models add their foreign keys (the version's package, the package's
current version), the upload field with its kind's upload path, their unique constraint and what
their manifest says. Lessons point at the package and play its current ready version, so a
re-upload never breaks a lesson: the new version is validated and extracted in the background
and only becomes current once it is ready.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class PackageStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    REFUSED = "refused", "Refused"


def package_upload_name(*, folder: str, package_id: int | None, extension: str) -> str:
    """Where an upload is stored: a fresh unguessable name under the kind's folder and the package."""
    return f"{folder}/uploads/{package_id}/{secrets.token_hex(8)}.{extension}"


def package_current_version_field(
    version_model: str, *, help_text: str = "The ready version lessons play."
) -> models.ForeignKey:
    """A package's `current_version`: the ready version lessons play (a kind's concrete model
    declares it with its version model, "modules.H5PPackageVersion")."""
    return models.ForeignKey(
        version_model,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text=help_text,
    )


def package_version_number_unique(*, name: str) -> models.UniqueConstraint:
    """One number per version of a package (a kind's concrete version model names its constraint)."""
    return models.UniqueConstraint(fields=["package", "number"], name=name)


class PackageBase(index.Indexed, models.Model):
    """A package L&D can place in lessons (the concrete model adds `current_version`)."""

    title = models.CharField(max_length=200, help_text="How editors find this package in the chooser.")
    status = models.CharField(
        max_length=20,
        choices=PackageStatus.choices,
        default=PackageStatus.PROCESSING,
        help_text="The status of the latest upload.",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("title")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    if TYPE_CHECKING:
        current_version_id: int | None
        current_version: Any
        versions: Any

    class Meta:
        abstract = True
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def latest_version(self) -> Any:
        return self.versions.order_by("-number").first()


class PackageVersionBase(models.Model):
    """One upload of a package: the file, its validation result and where its extracted files are.

    The concrete model adds `package` (its foreign key, related name "versions"), `upload` (with
    its kind's upload path) and the unique (package, number) constraint.
    """

    number = models.PositiveIntegerField()
    original_filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=PackageStatus.choices, default=PackageStatus.PROCESSING)
    refusal_code = models.CharField(max_length=60, blank=True)
    refusal_reasons = models.JSONField(default=list, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Extraction progress, per cent.")
    content_prefix = models.CharField(max_length=255, blank=True)
    file_count = models.PositiveIntegerField(default=0)
    extracted_bytes = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    if TYPE_CHECKING:
        package_id: int
        package: Any
        upload: Any

    class Meta:
        abstract = True
        ordering = ["package", "-number"]

    def __str__(self) -> str:
        return f"{self.package} (version {self.number})"

    @property
    def is_ready(self) -> bool:
        return self.status == PackageStatus.READY

    # What the admin's versions panel shows about a version beyond its status; a kind overrides them.
    @property
    def admin_detail(self) -> str:
        """The kind's own column (H5P: the main library; SCORM: the SCORM version)."""
        return ""

    @property
    def admin_summary(self) -> str:
        """What a ready version holds."""
        return f"{self.file_count} files"

    @property
    def admin_notes(self) -> list[str]:
        """What was read leniently from the package, in plain English."""
        return []
