"""SCORM as a package kind: how its packages are validated, extracted, recorded and served."""

from typing import Any

from modules.packages.kinds import PackageKind, package_kind_register
from modules.scorm.conf import scorm_limits, scorm_storage
from modules.scorm.csp import SCORM_ASSET_CSP
from modules.scorm.models import ScormPackage, ScormPackageVersion
from modules.scorm.validation import package_extract, package_validate, scorm_asset_path_valid


def _version_fields(contents: Any) -> dict[str, object]:
    manifest = contents.manifest
    return {
        "scorm_version": manifest.version,
        "manifest_title": manifest.title[:255],
        "organisation": manifest.organisation[:255],
        "notes": list(manifest.notes),
        "scos": [item.as_dict() for item in manifest.items],
    }


SCORM_KIND: PackageKind[ScormPackage, ScormPackageVersion] = package_kind_register(
    PackageKind(
        name="scorm",
        label="SCORM",
        package_model=ScormPackage,
        version_model=ScormPackageVersion,
        limits=scorm_limits,
        storage=scorm_storage,
        validate=package_validate,
        extract=package_extract,
        version_fields=_version_fields,
        contents_title=lambda contents: contents.manifest.title or contents.manifest.organisation,
        default_title="SCORM package",
        upload_extension="zip",
        asset_csp=SCORM_ASSET_CSP,
        asset_path_valid=scorm_asset_path_valid,
        upload_label="SCORM package (.zip)",
        upload_help=(
            "The .zip your authoring tool exports as SCORM 1.2 or SCORM 2004 (see the SCORM guide). "
            "Uploading to an existing package makes a new version; lessons keep playing the "
            "current version until the new one is ready."
        ),
        upload_wrong_extension="Choose a .zip file.",
        detail_heading="SCORM",
        title_help="How editors find this package. Leave empty to use the course title.",
        import_help="Validate, store and extract a SCORM package (.zip) as a new package; print its id.",
        import_path_help="The SCORM .zip file to import.",
        import_title_help="The package's title (defaults to the title in imsmanifest.xml).",
    )
)
