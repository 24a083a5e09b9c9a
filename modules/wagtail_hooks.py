"""Wagtail admin hooks for training content."""

from wagtail.snippets.models import register_snippet

from modules.h5p.viewsets import H5PPackageViewSet

register_snippet(H5PPackageViewSet)

# MI scenarios: snippet views plus import/export as JSON files (modules/scenario_admin.py).
from modules.scenarios.admin import ScenarioViewSet  # noqa: E402

register_snippet(ScenarioViewSet)
