"""xAPI (Tin Can) and cmi5 as a package kind: how their packages are validated, extracted,
recorded and served."""

from typing import Any

from modules.packages.kinds import PackageKind, package_kind_register
from modules.scorm.validation import scorm_asset_path_valid
from modules.xapi_packages.conf import xapi_limits, xapi_storage
from modules.xapi_packages.csp import XAPI_ASSET_CSP
from modules.xapi_packages.models import XapiPackage, XapiPackageVersion
from modules.xapi_packages.validation import package_extract, package_validate


def _version_fields(contents: Any) -> dict[str, object]:
    structure = contents.structure
    return {
        "kind": structure.kind,
        "course_id": structure.course_id[:1024],
        "course_title": structure.title[:255],
        "aus": [au.as_dict() for au in structure.aus],
        "blocks": [block.as_dict() for block in structure.blocks],
    }


XAPI_KIND: PackageKind[XapiPackage, XapiPackageVersion] = package_kind_register(
    PackageKind(
        name="xapi",
        label="xAPI or cmi5",
        package_model=XapiPackage,
        version_model=XapiPackageVersion,
        limits=xapi_limits,
        storage=xapi_storage,
        validate=package_validate,
        extract=package_extract,
        version_fields=_version_fields,
        contents_title=lambda contents: contents.structure.title,
        default_title="xAPI package",
        upload_extension="zip",
        asset_csp=XAPI_ASSET_CSP,
        asset_path_valid=scorm_asset_path_valid,
        upload_label="xAPI or cmi5 package (.zip)",
        upload_help=(
            "The .zip your authoring tool exports as cmi5 or xAPI (Tin Can): it has cmi5.xml or "
            "tincan.xml at the top. Uploading to an existing package makes a new version; lessons keep "
            "launching the current version until the new one is ready."
        ),
        upload_wrong_extension="Choose a .zip file.",
        detail_heading="Kind",
        title_help="How editors find this package. Leave empty to use the course title.",
        import_help=(
            "Validate, store and extract an xAPI or cmi5 package (.zip) as a new package; print its id."
        ),
        import_path_help="The xAPI or cmi5 .zip file to import.",
        import_title_help="The package's title (defaults to the course title in cmi5.xml or tincan.xml).",
    )
)
