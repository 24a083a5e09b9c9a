"""SCORM results for L&D, in the Wagtail admin beside readiness: every package, and one package's
attempts, completion and pass rates, average score and most-missed interactions."""

from django.shortcuts import get_object_or_404

from learning.selectors import scorm_package_results
from learning.views.readiness import ReadinessPageView
from modules.models import ScormPackage


class ScormResultsIndexView(ReadinessPageView):
    page_title = "SCORM results"
    header_icon = "desktop"
    template_name = "learning/readiness/scorm_packages.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["packages"] = list(ScormPackage.objects.order_by("title"))
        return context


class ScormPackageResultsView(ReadinessPageView):
    header_icon = "desktop"
    template_name = "learning/readiness/scorm_package.html"

    def dispatch(self, request, *args, **kwargs):
        self.package = get_object_or_404(ScormPackage, pk=kwargs["package_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"SCORM results: {self.package}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["package"] = self.package
        context["results"] = scorm_package_results(package_id=self.package.pk)
        return context
