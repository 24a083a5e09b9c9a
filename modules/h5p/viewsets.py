"""The H5P packages screens in the Wagtail admin (L&D only, through model permissions)."""

from modules.h5p.forms import H5PPackageForm
from modules.h5p.kind import H5P_KIND
from modules.packages.viewsets import PackageStatusColumn, PackageViewSet

STATUS_URL_NAME = "wagtailsnippets_modules_h5ppackage:status"


class H5PPackageViewSet(PackageViewSet):
    kind = H5P_KIND
    upload_form = H5PPackageForm
    live_status = True
    menu_label = "H5P packages"
    menu_order = 220
    list_display = [
        "title",
        PackageStatusColumn("status", label="Status", status_url_name=STATUS_URL_NAME),
        "main_library",
        "updated_at",
    ]
