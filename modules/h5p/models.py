"""H5P packages: the generic package snippet (modules.packages.models) with what h5p.json says.

Attempts record the version played.
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

H5PStatus = PackageStatus


def h5p_upload_path(instance: "H5PPackageVersion", filename: str) -> str:
    return package_upload_name(folder="h5p", package_id=instance.package_id, extension="h5p")


class H5PPackage(PackageBase):
    """An H5P activity L&D can place in lessons."""

    main_library = models.CharField(max_length=255, blank=True, editable=False)
    current_version = package_current_version_field("modules.H5PPackageVersion")

    class Meta(PackageBase.Meta):
        verbose_name = "H5P package"
        verbose_name_plural = "H5P packages"


class H5PPackageVersion(PackageVersionBase):
    """One upload of a package: the .h5p file, its validation result and extracted files."""

    package = models.ForeignKey(H5PPackage, on_delete=models.CASCADE, related_name="versions")
    upload = models.FileField(upload_to=h5p_upload_path, max_length=255, blank=True)
    h5p_title = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=20, blank=True)
    main_library = models.CharField(max_length=255, blank=True)
    embed_type = models.CharField(max_length=10, blank=True)

    class Meta(PackageVersionBase.Meta):
        constraints = [package_version_number_unique(name="modules_h5p_version_number_unique")]
        verbose_name = "H5P package version"

    @property
    def admin_detail(self) -> str:
        return self.main_library
