"""The H5P packages screens in the Wagtail admin (L&D only, through model permissions)."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet

from modules.h5p.forms import H5PPackageForm
from modules.h5p.models import H5PPackage, H5PStatus
from modules.h5p.selectors import h5p_packages_status

STATUS_URL_NAME = "wagtailsnippets_modules_h5ppackage:status"
MAX_STATUS_IDS = 100


class H5PVersionsPanel(Panel):
    """Each upload's status, extraction progress and refusal reasons, newest first."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "modules/h5p/versions_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            versions = list(self.instance.versions.select_related("uploaded_by").order_by("-number"))
            context["package"] = self.instance
            context["versions"] = versions
            context["processing"] = any(version.status == H5PStatus.PROCESSING for version in versions)
            context["status_url"] = reverse(STATUS_URL_NAME)
            return context


class H5PStatusColumn(Column):
    """The package's status, marked so the admin's script keeps a processing one up to date."""

    cell_template_name = "modules/h5p/status_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["status_url"] = reverse(STATUS_URL_NAME)
        return context


@never_cache
def h5p_status_view(request, permission_policy):
    """The status of up to 100 packages (?ids=1,2,3) as JSON, for people who may see the packages."""
    if not permission_policy.user_has_any_permission(request.user, ["add", "change", "delete", "view"]):
        raise PermissionDenied
    parts = [part for part in request.GET.get("ids", "").split(",") if part]
    if (
        not parts
        or len(parts) > MAX_STATUS_IDS
        or not all(part.isdigit() and len(part) < 10 for part in parts)
    ):
        return JsonResponse(
            {"error": f"Give ids: 1 to {MAX_STATUS_IDS} package ids, comma-separated."}, status=400
        )
    return JsonResponse({"packages": h5p_packages_status(package_ids=[int(part) for part in parts])})


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "code"
    menu_label = "H5P packages"
    menu_name = "h5p-packages"
    add_to_admin_menu = True
    menu_order = 220
    list_display = ["title", H5PStatusColumn("status", label="Status"), "main_library", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    ordering = ["title"]
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("upload"), H5PVersionsPanel(heading="Versions")],
        base_form_class=H5PPackageForm,
    )

    def get_urlpatterns(self):
        policy = self.permission_policy
        return [
            *super().get_urlpatterns(),
            path("status/", lambda request: h5p_status_view(request, policy), name="status"),
        ]
