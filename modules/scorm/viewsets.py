"""The SCORM packages screens in the Wagtail admin (L&D only, through model permissions)."""

from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.snippets.views.snippets import SnippetViewSet

from modules.scorm.forms import ScormPackageForm
from modules.scorm.models import ScormPackage, ScormStatus


class ScormVersionsPanel(Panel):
    """Each upload's SCORM version, items, status, extraction progress and refusal reasons."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "modules/scorm/versions_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            versions = list(self.instance.versions.select_related("uploaded_by").order_by("-number"))
            context["package"] = self.instance
            context["versions"] = versions
            context["processing"] = any(version.status == ScormStatus.PROCESSING for version in versions)
            return context


class ScormPackageViewSet(SnippetViewSet):
    model = ScormPackage
    icon = "code"
    menu_label = "SCORM packages"
    menu_name = "scorm-packages"
    add_to_admin_menu = True
    menu_order = 221
    list_display = ["title", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    ordering = ["title"]
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("upload"), ScormVersionsPanel(heading="Versions")],
        base_form_class=ScormPackageForm,
    )
