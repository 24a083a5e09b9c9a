"""Motivational-interviewing practice scenarios: a parent persona and a branching conversation."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.blocks import StreamBlockValidationError
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from modules.scenarios import graph as scenario_graph
from modules.scenarios.blocks import ScenarioNodesBlock


class ScenarioAdminForm(WagtailAdminModelForm):
    """Checks the whole conversation graph.

    Saving a draft (Wagtail's deferred validation) keeps an unfinished conversation: its
    problems become ``graph_warnings``, which the editor lists as warnings. Submitting for
    approval and publishing need the whole graph valid: errors about one node are shown on
    that node's block in the editor; errors about the scenario as a whole (start node, node
    count) above the conversation.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.graph_warnings: list[str] = []

    def clean(self):
        cleaned_data = super().clean()
        nodes = cleaned_data.get("nodes")
        if nodes is None or "nodes" in self.errors:
            return cleaned_data  # block-level errors are already shown; fix those first
        graph = scenario_graph.graph_from_stream(
            raw_nodes=nodes.get_prep_value(), start=(cleaned_data.get("start_node") or "").strip()
        )
        problems = scenario_graph.graph_problems(graph)
        if self.is_deferred_validation:
            self.graph_warnings = [problem.message for problem in problems]
            return cleaned_data
        block_errors: dict[int, list[str]] = {}
        general: list[str] = []
        for problem in problems:
            if problem.index is None:
                general.append(problem.message)
            else:
                block_errors.setdefault(problem.index, []).append(problem.message)
        start_messages = [message for message in general if "start node" in message or "starts at" in message]
        for message in start_messages:
            self.add_error("start_node", message)
        other = [message for message in general if message not in start_messages]
        if block_errors or other:
            self.add_error(
                "nodes",
                StreamBlockValidationError(
                    block_errors={
                        index: ValidationError(messages) for index, messages in block_errors.items()
                    },
                    non_block_errors=other,
                ),
            )
        return cleaned_data


class Scenario(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    models.Model,
):
    """A branching MI conversation with a parent, authored by L&D and played by learners.

    Learners always play a published revision: an attempt remembers the revision it
    started on, so editing or republishing never changes a run in progress.
    """

    title = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in addresses and when sharing the scenario as a file."
    )
    summary = models.TextField(
        max_length=400, help_text="One or two sentences shown to learners before they start."
    )
    persona_name = models.CharField("parent's name", max_length=80)
    persona_situation = models.TextField(
        "situation", max_length=600, help_text="Who the parent is and why the worker is visiting."
    )
    family_context = models.TextField(
        max_length=1000, help_text="The household: children, ages, other adults."
    )
    concerns = models.TextField(
        "concerns about the children",
        max_length=1000,
        help_text="What worries children's services: the worker must keep these in view (good authority).",
    )
    initial_readiness = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(scenario_graph.STATE_MIN), MaxValueValidator(scenario_graph.STATE_MAX)],
        help_text="The parent's readiness to change when the visit starts, 0 to 10.",
    )
    initial_openness = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(scenario_graph.STATE_MIN), MaxValueValidator(scenario_graph.STATE_MAX)],
        help_text="How open (10) or defensive (0) the parent is when the visit starts.",
    )
    start_node = models.CharField(
        max_length=scenario_graph.KEY_MAX_LENGTH,
        help_text="The key of the parent statement the conversation opens with.",
    )
    nodes = StreamField(
        ScenarioNodesBlock(),
        verbose_name="conversation",
        help_text="Parent statements (each with the worker's possible responses) and end nodes.",
    )
    min_mi_consistent_percent = models.PositiveSmallIntegerField(
        "minimum % MI-consistent",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Optional: a run completes only if at least this share of responses was MI-consistent.",
    )
    min_reflection_question_ratio = models.DecimalField(
        "minimum reflections per question",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="Optional: e.g. 1.0 for MITI fair (1:1), 2.0 for good (2:1).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="scenario")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="scenario",
        for_concrete_model=False,
    )

    base_form_class = ScenarioAdminForm
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("slug"),
                    FieldPanel("summary"),
                    MultiFieldPanel(
                        [
                            FieldPanel("persona_name"),
                            FieldPanel("persona_situation"),
                            FieldPanel("family_context"),
                            FieldPanel("concerns"),
                        ],
                        heading="The parent",
                    ),
                    FieldRowPanel(
                        [FieldPanel("initial_readiness"), FieldPanel("initial_openness")],
                        heading="The parent's state at the start",
                    ),
                ],
                heading="Persona",
            ),
            ObjectList([FieldPanel("start_node"), FieldPanel("nodes")], heading="Conversation"),
            ObjectList(
                [FieldPanel("min_mi_consistent_percent"), FieldPanel("min_reflection_question_ratio")],
                heading="Completion",
            ),
        ]
    )
    search_fields = [
        index.SearchField("title"),
        index.SearchField("summary"),
        index.SearchField("persona_name"),
        index.AutocompleteField("title"),
        index.FilterField("live"),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = "MI scenario"
        verbose_name_plural = "MI scenarios"

    def __str__(self) -> str:
        return self.title

    @cached_property
    def graph(self) -> scenario_graph.Graph:
        return scenario_graph.graph_from_stream(raw_nodes=list(self.nodes.raw_data), start=self.start_node)

    # Previews: "play" walks the conversation with links between nodes (no state is
    # stored, so it works in the editor's preview panel); "map" lists every node.
    preview_modes = [("", "Play"), ("map", "Conversation map")]

    def get_preview_template(self, request, mode_name):
        return "modules/scenario.html"

    def get_preview_context(self, request, mode_name):
        graph = scenario_graph.graph_from_stream(raw_nodes=list(self.nodes.raw_data), start=self.start_node)
        return {
            "scenario": self,
            "graph": graph,
            "nodes": [graph.nodes[key] for key in dict.fromkeys(graph.order) if key in graph.nodes],
            "problems": scenario_graph.graph_problems(graph),
            "mode": mode_name or "play",
            "request": request,
        }

    def serve_preview(self, request, mode_name):
        return TemplateResponse(
            request,
            self.get_preview_template(request, mode_name),
            self.get_preview_context(request, mode_name),
        )
