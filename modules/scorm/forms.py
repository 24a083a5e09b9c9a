"""The admin form for SCORM packages: upload a .zip, validated at once for instant feedback."""

from modules.packages.forms import PackageUploadForm
from modules.scorm.kind import SCORM_KIND


class ScormPackageForm(PackageUploadForm):
    kind = SCORM_KIND
