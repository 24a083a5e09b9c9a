"""Training content: the module index, modules and their lessons."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from modules.blocks import LessonStreamBlock


class ModuleIndexPage(Page):
    """Lists the training modules."""

    introduction = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["modules.ModulePage"]
    max_count = 1


class ModulePage(Page):
    """A training module: a sequence of lessons learners complete and are tracked on."""

    summary = models.TextField(help_text="One or two sentences shown in lists and on My learning.")
    learning_outcomes = RichTextField(blank=True, features=["ul", "ol", "bold", "italic"])
    estimated_minutes = models.PositiveIntegerField(default=30)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("learning_outcomes"),
        FieldPanel("estimated_minutes"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
    ]
    parent_page_types = ["modules.ModuleIndexPage"]
    subpage_types = ["modules.LessonPage"]


class LessonPage(Page):
    """One lesson of a module: a stream of learning blocks."""

    body = StreamField(LessonStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["modules.ModulePage"]
    subpage_types: list[str] = []
