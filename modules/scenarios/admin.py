"""The MI scenario admin: Wagtail's snippet views (drafts, revisions, preview, locking,
workflow) plus sharing scenarios as JSON files (import as a draft, export).

Registered from modules/wagtail_hooks.py with ``register_snippet(ScenarioViewSet)``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages as django_messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, UpdatedAtColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from modules.scenarios import graph as scenario_graph
from modules.scenarios.exchange import (
    MAX_IMPORT_BYTES,
    ScenarioImportError,
    scenario_export_json,
    scenario_import,
)
from modules.scenarios.models import Scenario


def _graph_warnings_show(request, *, lead: str, problems: list[str]) -> None:
    """List a draft's graph problems as one warning (Wagtail's message, with a list)."""
    items = format_html_join("\n", "<li>{}</li>", ((problem,) for problem in problems))
    detail = format_html('<ul class="errorlist">{}</ul>', items)
    django_messages.warning(request, messages.render(lead, None, detail=detail))


def _draft_lead(count: int) -> str:
    return (
        f"This draft has {count} problem{'s' if count != 1 else ''} to fix before it can be "
        "submitted for approval or published:"
    )


class ScenarioEditView(EditView):
    """Saving a draft keeps an unfinished conversation (ScenarioAdminForm); the editor then
    lists what is left to fix, each time it opens on such a draft. Submit and publish refuse it."""

    def get(self, request, *args, **kwargs):
        problems = scenario_graph.graph_problems(self.object.graph)
        if problems:
            _graph_warnings_show(
                request, lead=_draft_lead(len(problems)), problems=[problem.message for problem in problems]
            )
        return super().get(request, *args, **kwargs)


class ScenarioImportForm(forms.Form):
    file = forms.FileField(
        label="Scenario file (.json)",
        help_text="A file exported from this or another council's platform; "
        f"at most {MAX_IMPORT_BYTES // 1024} KB. It becomes a new draft: nothing live is changed.",
    )


class ScenarioIndexView(IndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(
                HeaderButton(
                    "Import from a file",
                    url=reverse("wagtailsnippets_modules_scenario:import"),
                    icon_name="upload",
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                "Export as a file",
                url=reverse("wagtailsnippets_modules_scenario:export", args=[instance.pk]),
                icon_name="download",
                priority=40,
            )
        )
        return buttons


class ScenarioImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "modules/scenario_import.html"
    form_class = ScenarioImportForm
    page_title = "Import an MI scenario"
    header_icon = "upload"
    permission_policy = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "add"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailsnippets_modules_scenario:list"), "label": "MI scenarios"},
            {"url": "", "label": "Import"},
        ]

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            return self._refused(
                form, [f"The file is too large; a scenario file is at most {MAX_IMPORT_BYTES // 1024} KB."]
            )
        try:
            result = scenario_import(raw=upload.read(MAX_IMPORT_BYTES + 1), user=self.request.user)
        except ScenarioImportError as error:
            return self._refused(form, error.reasons)
        scenario = result.scenario
        note = f" Its slug was taken, so it is now '{scenario.slug}'." if result.slug_changed else ""
        messages.success(
            self.request,
            f"Imported '{scenario.title}' as a draft.{note} Review it, then submit it for approval.",
        )
        return redirect("wagtailsnippets_modules_scenario:edit", scenario.pk)

    def _refused(self, form, reasons):
        form.add_error("file", "The file was not imported. See the reasons below.")
        return self.render_to_response(self.get_context_data(form=form, reasons=reasons), status=400)


def scenario_export_view(request, pk, permission_policy=None):
    scenario = get_object_or_404(Scenario, pk=pk)
    if not permission_policy.user_has_any_permission_for_instance(request.user, ["change", "view"], scenario):
        raise PermissionDenied
    response = HttpResponse(
        scenario_export_json(scenario=scenario), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="mi-scenario-{scenario.slug}.json"'
    return response


class ScenarioViewSet(SnippetViewSet):
    model = Scenario
    icon = "comment"
    menu_label = "MI scenarios"
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = ScenarioIndexView
    edit_view_class = ScenarioEditView
    list_display = ["title", "slug", BooleanColumn("live", label="Published"), UpdatedAtColumn()]
    search_fields = ["title", "summary", "persona_name"]

    def get_urlpatterns(self):
        policy = self.permission_policy
        return [
            *super().get_urlpatterns(),
            path("import/", ScenarioImportView.as_view(permission_policy=policy), name="import"),
            path(
                "export/<int:pk>/",
                lambda request, pk: scenario_export_view(request, pk, permission_policy=policy),
                name="export",
            ),
        ]
