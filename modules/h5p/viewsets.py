"""The H5P packages screens in the Wagtail admin (L&D only, through model permissions)."""

from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.snippets.views.snippets import SnippetViewSet

from modules.h5p.forms import H5PPackageForm
from modules.h5p.models import H5PPackage, H5PStatus


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
            return context


class H5PPackageViewSet(SnippetViewSet):
    model = H5PPackage
    icon = "code"
    menu_label = "H5P packages"
    menu_name = "h5p-packages"
    add_to_admin_menu = True
    menu_order = 220
    list_display = ["title", "status", "main_library", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    ordering = ["title"]
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("upload"), H5PVersionsPanel(heading="Versions")],
        base_form_class=H5PPackageForm,
    )
