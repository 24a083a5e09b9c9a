"""xAPI (Tin Can) and cmi5 packages: an L&D-managed snippet with one version per upload.

Lessons point at the package and launch its current ready version; a re-upload is
validated and extracted in the background and becomes current only once ready.
Launches (learning.Cmi5Registration) record the version played: a new version starts a
new registration, as cmi5 requires for a changed course structure.
"""

import secrets

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class XapiStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    REFUSED = "refused", "Refused"


class XapiKind(models.TextChoices):
    CMI5 = "cmi5", "cmi5"
    TINCAN = "tincan", "xAPI (Tin Can)"


def xapi_upload_path(instance: "XapiPackageVersion", filename: str) -> str:
    return f"xapi/uploads/{instance.package_id}/{secrets.token_hex(8)}.zip"


class XapiPackage(index.Indexed, models.Model):
    """An xAPI or cmi5 course L&D can place in lessons."""

    title = models.CharField(max_length=200, help_text="How editors find this package in the chooser.")
    status = models.CharField(
        max_length=20,
        choices=XapiStatus.choices,
        default=XapiStatus.PROCESSING,
        editable=False,
        help_text="The status of the latest upload.",
    )
    current_version = models.ForeignKey(
        "modules.XapiPackageVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The ready version lessons launch.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("title")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = "xAPI or cmi5 package"
        verbose_name_plural = "xAPI and cmi5 packages"

    def __str__(self) -> str:
        return self.title


class XapiPackageVersion(models.Model):
    """One upload: the zip, its course structure, and where its files are."""

    package = models.ForeignKey(XapiPackage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    upload = models.FileField(upload_to=xapi_upload_path, max_length=255, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=XapiStatus.choices, default=XapiStatus.PROCESSING)
    refusal_code = models.CharField(max_length=60, blank=True)
    refusal_reasons = models.JSONField(default=list, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Extraction progress, per cent.")
    kind = models.CharField(max_length=10, choices=XapiKind.choices, blank=True)
    course_id = models.CharField(max_length=1024, blank=True, help_text="The publisher's course id.")
    course_title = models.CharField(max_length=255, blank=True)
    aus = models.JSONField(
        default=list,
        blank=True,
        help_text="The assignable units in play order: id, title, url, launch method, moveOn, mastery score.",
    )
    blocks = models.JSONField(default=list, blank=True, help_text="cmi5 blocks: id and title.")
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
            models.UniqueConstraint(fields=["package", "number"], name="modules_xapi_version_number_unique")
        ]
        verbose_name = "xAPI or cmi5 package version"

    def __str__(self) -> str:
        return f"{self.package} (version {self.number})"

    @property
    def is_ready(self) -> bool:
        return self.status == XapiStatus.READY
