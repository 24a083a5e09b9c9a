"""The admin form for xAPI and cmi5 packages: upload a .zip, validated at once for instant feedback."""

from modules.packages.forms import PackageUploadForm
from modules.xapi_packages.kind import XAPI_KIND


class XapiPackageForm(PackageUploadForm):
    kind = XAPI_KIND
