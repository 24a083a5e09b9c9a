"""The SCORM packages screens in the Wagtail admin (L&D only, through model permissions)."""

from modules.packages.viewsets import PackageViewSet
from modules.scorm.forms import ScormPackageForm
from modules.scorm.kind import SCORM_KIND
from modules.scorm.models import ScormPackage


class ScormPackageViewSet(PackageViewSet):
    model = ScormPackage
    kind = SCORM_KIND
    upload_form = ScormPackageForm
    menu_label = "SCORM packages"
    menu_name = "scorm-packages"
    menu_order = 221
    list_display = ["title", "status", "updated_at"]
