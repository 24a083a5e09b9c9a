"""H5P packages: an L&D-managed snippet with one version per upload.

Lessons point at the package and play its current ready version, so a re-upload
never breaks a lesson: the new version is validated and extracted in the background
and only becomes current once it is ready. Attempts record the version played.
"""

import secrets

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class H5PStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    REFUSED = "refused", "Refused"


def h5p_upload_path(instance: "H5PPackageVersion", filename: str) -> str:
    return f"h5p/uploads/{instance.package_id}/{secrets.token_hex(8)}.h5p"


class H5PPackage(index.Indexed, models.Model):
    """An H5P activity L&D can place in lessons."""

    title = models.CharField(max_length=200, help_text="How editors find this package in the chooser.")
    status = models.CharField(
        max_length=20,
        choices=H5PStatus.choices,
        default=H5PStatus.PROCESSING,
        help_text="The status of the latest upload.",
        editable=False,
    )
    main_library = models.CharField(max_length=255, blank=True, editable=False)
    current_version = models.ForeignKey(
        "modules.H5PPackageVersion",
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
        verbose_name = "H5P package"
        verbose_name_plural = "H5P packages"

    def __str__(self) -> str:
        return self.title

    @property
    def latest_version(self) -> "H5PPackageVersion | None":
        return self.versions.order_by("-number").first()


class H5PPackageVersion(models.Model):
    """One upload of a package: the .h5p file, its validation result and extracted files."""

    package = models.ForeignKey(H5PPackage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    upload = models.FileField(upload_to=h5p_upload_path, max_length=255, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=H5PStatus.choices, default=H5PStatus.PROCESSING)
    refusal_code = models.CharField(max_length=60, blank=True)
    refusal_reasons = models.JSONField(default=list, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Extraction progress, per cent.")
    h5p_title = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=20, blank=True)
    main_library = models.CharField(max_length=255, blank=True)
    embed_type = models.CharField(max_length=10, blank=True)
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
            models.UniqueConstraint(fields=["package", "number"], name="modules_h5p_version_number_unique")
        ]
        verbose_name = "H5P package version"

    def __str__(self) -> str:
        return f"{self.package} (version {self.number})"

    @property
    def is_ready(self) -> bool:
        return self.status == H5PStatus.READY
