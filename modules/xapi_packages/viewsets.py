"""The xAPI and cmi5 packages screens in the Wagtail admin (L&D only, through model permissions)."""

from modules.packages.viewsets import PackageViewSet
from modules.xapi_packages.forms import XapiPackageForm
from modules.xapi_packages.kind import XAPI_KIND


class XapiPackageViewSet(PackageViewSet):
    kind = XAPI_KIND
    upload_form = XapiPackageForm
    menu_label = "xAPI and cmi5 packages"
    menu_order = 222
