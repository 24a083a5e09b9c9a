"""Training content: the module index, modules and their lessons.

Module and lesson pages are for signed-in staff only; anonymous visitors are sent to
sign in. What a learner has done is added by the learning app through Wagtail hooks
and template tags: this module knows nothing about learners.
"""

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, TitleFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.core.models import optional_link
from cms.core.page_restrictions import CachedViewRestrictionsMixin
from modules.blocks import LessonStreamBlock
from modules.h5p.csp import h5p_lesson_csp_apply


class SignedInOnlyMixin(CachedViewRestrictionsMixin):
    """Serve the page only to signed-in people (previews are already admin-only).

    These pages are served on every step of a learner's day, so their route (which
    depends on the path alone) and their view restrictions are answered from the
    cache (cms.core.page_cache).
    """

    route_cache = True

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)


class SpecificChildRoutingMixin:
    """Route to a child of the one known page type with one query instead of two.

    Wagtail's default routing loads the child as a plain Page and then again as its
    specific type; in this part of the tree every child has the same type, so it is
    loaded as that type directly. The parent is cached on the child as Wagtail does.
    """

    child_page_model: type[Page]
    # Routes as Wagtail's Page.route does (cms.core.page_cache.route_by_url_path may stand in for it).
    routes_children_by_slug = True

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        child = self.child_page_model.objects.child_of(self).filter(slug=path_components[0]).first()
        if child is None:
            raise Http404
        child._cached_parent_obj = self
        return child.route(request, path_components[1:])


# Wagtail's own help text says a title is "seen by the public"; modules and lessons are for signed-in staff.
MODULE_TITLE_HELP = "The module's title as staff see it in My learning, the module list and on certificates."
LESSON_TITLE_HELP = (
    "The lesson's title as learners see it in the module's outline and at the top of the lesson."
)


class ModuleIndexPage(SignedInOnlyMixin, SpecificChildRoutingMixin, Page):
    """Lists the training modules."""

    introduction = models.TextField(blank=True)

    content_panels = [
        TitleFieldPanel("title", help_text="The title signed-in staff see above the list of modules."),
        FieldPanel("introduction"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["modules.ModulePage"]
    max_count = 1

    template = "modules/module_index_page.html"

    @property
    def child_page_model(self):
        return ModulePage

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["modules"] = ModulePage.objects.child_of(self).live().order_by("path").select_related("image")
        return context


class ModulePage(SignedInOnlyMixin, SpecificChildRoutingMixin, Page):
    """A training module: a sequence of lessons learners complete and are tracked on."""

    summary = models.TextField(help_text="One or two sentences shown in lists and on My learning.")
    learning_outcomes = RichTextField(
        blank=True,
        features=["ul", "ol", "bold", "italic"],
        help_text="What learners will be able to do afterwards, as a bulleted list.",
    )
    estimated_minutes = models.PositiveIntegerField(
        default=30, help_text="How long the whole module takes, in minutes."
    )
    intended_roles = ParentalManyToManyField(
        "people.Role",
        blank=True,
        related_name="+",
        help_text="Who the module is written for. Leave empty for everyone.",
    )
    image = optional_link(
        "wagtailimages.Image", help_text="Shown on the module list. Give it alt text in the image library."
    )
    prerequisites = ParentalManyToManyField(
        "modules.ModulePage",
        blank=True,
        related_name="+",
        symmetrical=False,
        help_text="Modules to complete first. Lessons stay locked until they are complete.",
    )

    content_panels = [
        TitleFieldPanel("title", help_text=MODULE_TITLE_HELP),
        FieldPanel("summary"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("estimated_minutes"),
                FieldPanel("intended_roles"),
                FieldPanel("prerequisites"),
            ],
            heading="Audience and order",
        ),
        FieldPanel("image"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
        index.FilterField("live"),
    ]
    parent_page_types = ["modules.ModuleIndexPage"]
    subpage_types = ["modules.LessonPage"]

    template = "modules/module_page.html"

    @property
    def child_page_model(self):
        return LessonPage


class LessonPage(SignedInOnlyMixin, Page):
    """One lesson of a module: a stream of learning blocks."""

    introduction = models.TextField(blank=True, help_text="A sentence on what this lesson covers.")
    estimated_minutes = models.PositiveIntegerField(default=10, help_text="How long the lesson takes.")
    body = StreamField(LessonStreamBlock(), blank=True)

    content_panels = [
        TitleFieldPanel("title", help_text=LESSON_TITLE_HELP),
        FieldPanel("introduction"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
        index.FilterField("live"),
    ]
    parent_page_types = ["modules.ModulePage"]
    subpage_types: list[str] = []

    template = "modules/lesson_page.html"

    def serve(self, request, *args, **kwargs):
        return self._with_player_policy(super().serve(request, *args, **kwargs))

    def serve_preview(self, request, mode_name):
        # The editor's preview panel, "View draft" and the workflow's review preview all come
        # here: they get the learner's policy, so reviewers see the activity as learners will.
        return self._with_player_policy(super().serve_preview(request, mode_name))

    def _with_player_policy(self, response):
        if any(block.get("type") == "h5p_activity" for block in self.body.raw_data):
            # The H5P player's narrow CSP additions, on lessons that play H5P only (docs/h5p.md).
            h5p_lesson_csp_apply(response)
        return response
