"""Admin for vacancies, and marking public pages for the public cache as Wagtail serves them."""

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.core.spreadsheets import SafeSpreadsheetExportMixin
from cms.pages.models import Vacancy
from cms.pages.selectors import page_is_publicly_cacheable


@hooks.register("before_serve_page")
def mark_public_page_cacheable(page, request, serve_args, serve_kwargs):
    """Let the public cache store this response if the page is a public, unrestricted type.

    Only asked for requests the cache middleware may answer (anonymous, no cookies of
    their own), so signed-in traffic never pays for the view-restriction lookup.
    """
    if getattr(request, "public_cache_candidate", False) and page_is_publicly_cacheable(page=page):
        request.public_page_cacheable = True


class VacancyFilterSet(WagtailFilterSet):
    class Meta:
        model = Vacancy
        fields = ["live", "employment_type", "locality"]


class VacancyIndexView(SafeSpreadsheetExportMixin, SnippetIndexView):
    pass


class VacancyViewSet(SnippetViewSet):
    model = Vacancy
    index_view_class = VacancyIndexView
    icon = "user"
    menu_label = "Vacancies"
    menu_name = "vacancies"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "team", "grade", "closing_date", "live"]
    list_export = [
        "title",
        "team",
        "locality",
        "grade",
        "salary_min",
        "salary_max",
        "hours",
        "closing_date",
        "reference",
    ]
    filterset_class = VacancyFilterSet
    ordering = ["closing_date", "title"]
    search_fields = ["title", "team", "locality"]


register_snippet(VacancyViewSet)
