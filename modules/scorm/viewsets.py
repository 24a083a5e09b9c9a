"""The SCORM packages screens in the Wagtail admin (L&D only, through model permissions)."""

from modules.packages.viewsets import PackageViewSet
from modules.scorm.forms import ScormPackageForm
from modules.scorm.kind import SCORM_KIND


class ScormPackageViewSet(PackageViewSet):
    kind = SCORM_KIND
    upload_form = ScormPackageForm
    menu_label = "SCORM packages"
    menu_order = 221
