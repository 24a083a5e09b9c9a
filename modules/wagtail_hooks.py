"""Wagtail admin hooks for training content: the H5P, SCORM and xAPI / cmi5 package and MI scenario
snippet viewsets (the scenarios' one adds import and export as JSON files)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from modules.h5p.viewsets import H5PPackageViewSet
from modules.scenarios.admin import ScenarioViewSet
from modules.scorm.viewsets import ScormPackageViewSet
from modules.xapi_packages.viewsets import XapiPackageViewSet

register_snippet(H5PPackageViewSet)
register_snippet(ScenarioViewSet)
register_snippet(ScormPackageViewSet)
register_snippet(XapiPackageViewSet)


@hooks.register("insert_global_admin_js")
def h5p_status_script():
    """Keeps a processing H5P package's status up to date (does nothing on other screens)."""
    return format_html('<script type="module" src="{}"></script>', static("js/h5p-status.js"))
