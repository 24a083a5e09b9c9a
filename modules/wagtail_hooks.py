"""Wagtail admin hooks for training content: the H5P and SCORM package and MI scenario snippet viewsets
(the scenarios' one adds import and export as JSON files)."""

from wagtail.snippets.models import register_snippet

from modules.h5p.viewsets import H5PPackageViewSet
from modules.scenarios.admin import ScenarioViewSet
from modules.scorm.viewsets import ScormPackageViewSet

register_snippet(H5PPackageViewSet)
register_snippet(ScenarioViewSet)
register_snippet(ScormPackageViewSet)
