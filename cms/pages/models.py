"""Public and staff-facing content pages."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The site root: sells the model to visitors, shows staff where to go next."""

    introduction = models.TextField(blank=True, help_text="A sentence or two under the title.")
    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.StandardPage", "modules.ModuleIndexPage"]
    max_count = 1

    template = "pages/home_page.html"


class StandardPage(Page):
    """A plain content page: accessibility statement, privacy notice, cookies."""

    introduction = models.TextField(blank=True)
    body = RichTextField()

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]
    parent_page_types = ["pages.HomePage", "pages.StandardPage"]
    subpage_types = ["pages.StandardPage"]

    template = "pages/standard_page.html"
