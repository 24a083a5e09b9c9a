"""The xAPI and cmi5 packages screens in the Wagtail admin (L&D only, through model permissions)."""

from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.snippets.views.snippets import SnippetViewSet

from modules.xapi_packages.forms import XapiPackageForm
from modules.xapi_packages.models import XapiPackage, XapiStatus


class XapiVersionsPanel(Panel):
    """Each upload's kind, parts, status and refusal reasons."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "modules/xapi_packages/versions_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            versions = list(self.instance.versions.select_related("uploaded_by").order_by("-number"))
            context["package"] = self.instance
            context["versions"] = versions
            context["processing"] = any(version.status == XapiStatus.PROCESSING for version in versions)
            return context


class XapiPackageViewSet(SnippetViewSet):
    model = XapiPackage
    icon = "link-external"
    menu_label = "xAPI and cmi5 packages"
    menu_name = "xapi-packages"
    add_to_admin_menu = True
    menu_order = 222
    list_display = ["title", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    ordering = ["title"]
    edit_handler = ObjectList(
        [FieldPanel("title"), FieldPanel("upload"), XapiVersionsPanel(heading="Versions")],
        base_form_class=XapiPackageForm,
    )
