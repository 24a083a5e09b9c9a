"""H5P as a package kind: how its packages are validated, extracted, recorded and served."""

from typing import Any

from modules.h5p.conf import h5p_limits, h5p_storage
from modules.h5p.csp import H5P_ASSET_CSP
from modules.h5p.models import H5PPackage, H5PPackageVersion
from modules.h5p.validation import h5p_asset_path_valid, package_extract, package_validate
from modules.packages.kinds import PackageKind, package_kind_register


def _version_fields(manifest: Any) -> dict[str, object]:
    return {
        "h5p_title": manifest.title[:255],
        "language": manifest.language[:20],
        "main_library": str(manifest.main_library),
    }


def _ready_fields(manifest: Any) -> dict[str, object]:
    return {"embed_type": "iframe" if "iframe" in manifest.embed_types else manifest.embed_types[0]}


H5P_KIND: PackageKind[H5PPackage, H5PPackageVersion] = package_kind_register(
    PackageKind(
        name="h5p",
        label="H5P",
        package_model=H5PPackage,
        version_model=H5PPackageVersion,
        limits=h5p_limits,
        storage=h5p_storage,
        validate=package_validate,
        extract=package_extract,
        version_fields=_version_fields,
        ready_fields=_ready_fields,
        current_fields=lambda manifest: {"main_library": str(manifest.main_library)},
        contents_title=lambda manifest: manifest.title,
        default_title="H5P package",
        upload_extension="h5p",
        asset_csp=H5P_ASSET_CSP,
        asset_path_valid=h5p_asset_path_valid,
        upload_label="H5P file",
        upload_help=(
            "A .h5p file exported with its libraries included (see the H5P guide). "
            "Uploading to an existing package makes a new version; lessons keep playing the "
            "current version until the new one is ready."
        ),
        upload_wrong_extension="Choose a file ending in .h5p.",
        detail_heading="Main library",
        title_help="How editors find this package. Leave empty to use the title in the file.",
        import_help="Validate, store and extract an H5P package (.h5p) as a new package; print its id.",
        import_path_help="The .h5p file to import.",
        import_title_help="The package's title (defaults to the title in h5p.json).",
    )
)
