"""The admin screens of every kind of package (L&D only, through model permissions).

A kind's viewset is `PackageViewSet` with its kind, form, menu entry and list columns: the edit
screen takes a title and an upload and lists the versions (one template for every kind). With
`live_status` the viewset also answers the admin's status script (`status/`), so a processing
package's status changes in place; without it, the edit screen reloads itself while one is
processing.
"""

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.snippets import SnippetViewSet

from modules.packages.forms import PackageUploadForm
from modules.packages.kinds import PackageKind
from modules.packages.models import PackageStatus
from modules.packages.selectors import packages_status

MAX_STATUS_IDS = 100


class PackageVersionsPanel(Panel):
    """Each upload's status, extraction progress, refusal reasons and the kind's details, newest first."""

    def __init__(self, *args, status_url_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.status_url_name = status_url_name

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "status_url_name": self.status_url_name}

    class BoundPanel(Panel.BoundPanel):
        template_name = "modules/packages/versions_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            versions = list(self.instance.versions.select_related("uploaded_by").order_by("-number"))
            context["package"] = self.instance
            context["kind"] = self.form.kind
            context["versions"] = versions
            context["processing"] = any(version.status == PackageStatus.PROCESSING for version in versions)
            context["status_url"] = reverse(self.panel.status_url_name) if self.panel.status_url_name else ""
            return context


class PackageStatusColumn(Column):
    """The package's status, marked so the admin's script keeps a processing one up to date."""

    cell_template_name = "modules/packages/status_cell.html"

    def __init__(self, *args, status_url_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.status_url_name = status_url_name

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["status_url"] = reverse(self.status_url_name)
        return context


@never_cache
def package_status_view(request, *, kind: PackageKind[Any, Any], permission_policy):
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
    return JsonResponse({"packages": packages_status(kind=kind, package_ids=[int(part) for part in parts])})


class PackageViewSet(SnippetViewSet):
    """The snippet screens of one kind of package: a subclass names the kind (its package model
    and the menu name "<kind>-packages" follow), the upload form and its menu label and order."""

    kind: ClassVar[PackageKind[Any, Any]]
    upload_form: ClassVar[type[PackageUploadForm]]
    live_status: ClassVar[bool] = False
    icon = "code"
    add_to_admin_menu = True
    list_display = ["title", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    ordering = ["title"]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            cls.model = cls.kind.package_model
            cls.menu_name = f"{cls.kind.name}-packages"

    @property
    def status_url_name(self) -> str:
        return self.get_url_name("status") if self.live_status else ""

    @property
    def edit_handler(self):
        return ObjectList(
            [
                FieldPanel("title"),
                FieldPanel("upload"),
                PackageVersionsPanel(heading="Versions", status_url_name=self.status_url_name),
            ],
            base_form_class=self.upload_form,
        )

    def get_urlpatterns(self):
        patterns = super().get_urlpatterns()
        if not self.live_status:
            return patterns
        kind, policy = self.kind, self.permission_policy
        return [
            *patterns,
            path(
                "status/",
                lambda request: package_status_view(request, kind=kind, permission_policy=policy),
                name="status",
            ),
        ]
