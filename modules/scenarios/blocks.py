"""Blocks for MI scenarios: the conversation's nodes (inside a Scenario) and the lesson block.

A scenario's conversation is one StreamField of nodes. Each node has a key the editor
types; a worker's response names the key of the node it leads to. Rules that need
the whole graph (reachability, ways out of loops) are checked by the scenario's admin
form through ``modules.scenarios.graph``; rules of one node are checked here.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from modules.scenarios import graph

key_validator = RegexValidator(graph.KEY_PATTERN, graph.KEY_HELP)


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


def _effect_block(label: str, help_text: str) -> blocks.IntegerBlock:
    """How a parent statement moves one of the parent's states (none by default)."""
    return blocks.IntegerBlock(
        default=0, min_value=graph.DELTA_MIN, max_value=graph.DELTA_MAX, label=label, help_text=help_text
    )


class NodeRulesMixin:
    """A conversation block whose own rules (`rules_check`, raising the block's validation error)
    hold on publish; a draft is saved with them broken, as the scenario form lists them among the
    graph's warnings instead."""

    is_deferred_validation: bool

    def clean(self, value):
        value = super().clean(value)
        if not self.is_deferred_validation:
            self.rules_check(value)
        return value

    def rules_check(self, value) -> None:
        raise NotImplementedError


class ScenarioResponseBlock(NodeRulesMixin, blocks.StructBlock):
    """One thing the worker can say in reply to the parent."""

    text = blocks.TextBlock(
        max_length=graph.RESPONSE_MAX_LENGTH, help_text="What the worker says, in their own words."
    )
    code = blocks.ChoiceBlock(
        choices=_choices(graph.BEHAVIOUR_CODES),
        label="MITI behaviour code",
        help_text="How MITI 4.2 codes this response. Advice without permission, persuasion and "
        "confrontation are MI-inconsistent; the rest are MI-consistent.",
    )
    mi_override = blocks.ChoiceBlock(
        choices=_choices(graph.MI_CONSISTENCY_CHOICES),
        required=False,
        default="",
        label="MI-consistent?",
        help_text="Leave as the code says unless this response is an exception (e.g. a closed "
        "question that is really a lecture).",
    )
    override_reason = blocks.CharBlock(
        required=False,
        max_length=graph.REASON_MAX_LENGTH,
        help_text="Why this response is an exception to its code. Needed when you override.",
    )
    feedback = blocks.TextBlock(
        max_length=graph.FEEDBACK_MAX_LENGTH,
        help_text="Shown after the learner chooses this: why it helps or hinders, and what MI says.",
    )
    next = blocks.CharBlock(
        max_length=graph.KEY_MAX_LENGTH,
        validators=[key_validator],
        label="Next node",
        help_text="The key of the node the parent replies with (a parent statement or an end).",
    )

    class Meta:
        icon = "comment"
        label = "Worker's response"
        label_format = "{code}: {text}"

    def rules_check(self, value) -> None:
        if value.get("mi_override") and not (value.get("override_reason") or "").strip():
            raise blocks.StructBlockValidationError(
                block_errors={
                    "override_reason": ErrorList(["Say why this response is an exception to its code."])
                }
            )


class ParentStatementBlock(NodeRulesMixin, blocks.StructBlock):
    """What the parent says at this point, how it moves them, and the worker's options."""

    key = blocks.CharBlock(
        max_length=graph.KEY_MAX_LENGTH, validators=[key_validator], help_text=graph.KEY_HELP
    )
    text = blocks.TextBlock(max_length=graph.STATEMENT_MAX_LENGTH, help_text="What the parent says.")
    media = DocumentChooserBlock(
        required=False,
        label="Audio or video (optional)",
        help_text="A recording of the parent saying this (MP4 or WebM). The text above is its transcript.",
    )
    talk_type = blocks.ChoiceBlock(choices=_choices(graph.TALK_TYPES), default="neutral")
    change_talk_kind = blocks.ChoiceBlock(
        choices=_choices(graph.CHANGE_TALK_KINDS),
        required=False,
        label="Kind of change talk",
        help_text="Only for change talk: desire, ability, reasons, need (preparatory) or commitment, "
        "activation, taking steps (mobilising).",
    )
    readiness = _effect_block(
        "Effect on readiness to change",
        "From -3 to +3: how saying this moves the parent's readiness (0 to 10).",
    )
    openness = _effect_block("Effect on openness", "From -3 (more defensive) to +3 (more open).")
    responses = blocks.ListBlock(
        ScenarioResponseBlock(),
        max_num=graph.MAX_RESPONSES,
        label="Worker's possible responses",
        help_text=f"At least {graph.MIN_RESPONSES}; offer MI-consistent and MI-inconsistent options.",
    )

    class Meta:
        icon = "user"
        label = "Parent statement"
        label_format = "{key}: {text}"

    def rules_check(self, value) -> None:
        kind = value.get("change_talk_kind")
        if value.get("talk_type") == "change" and not kind:
            raise blocks.StructBlockValidationError(
                block_errors={"change_talk_kind": ErrorList(["Change talk: say which kind."])}
            )
        if value.get("talk_type") != "change" and kind:
            raise blocks.StructBlockValidationError(
                block_errors={"change_talk_kind": ErrorList(["Only change talk has a kind; clear this."])}
            )


class EndNodeBlock(blocks.StructBlock):
    """Where a conversation ends, with a debrief for the learner."""

    key = blocks.CharBlock(
        max_length=graph.KEY_MAX_LENGTH, validators=[key_validator], help_text=graph.KEY_HELP
    )
    title = blocks.CharBlock(max_length=graph.END_TITLE_MAX_LENGTH, help_text="How it ended, in a few words.")
    parent_text = blocks.TextBlock(
        required=False, max_length=graph.STATEMENT_MAX_LENGTH, label="The parent's last words (optional)"
    )
    outcome = blocks.ChoiceBlock(choices=_choices(graph.OUTCOMES), default="mixed")
    debrief = blocks.TextBlock(
        max_length=graph.DEBRIEF_MAX_LENGTH,
        help_text="What happened and why, what a good next visit would look like, and the child's safety.",
    )

    class Meta:
        icon = "flag"
        label = "End"
        label_format = "{key} (end): {title}"


class ScenarioNodesBlock(NodeRulesMixin, blocks.StreamBlock):
    parent = ParentStatementBlock()
    end = EndNodeBlock()

    class Meta:
        max_num = graph.MAX_NODES
        # A twenty-node conversation reads as a list of "key: words" lines; open one to edit it.
        collapsed = True

    def rules_check(self, value) -> None:
        """Keys are unique."""
        seen: dict[str, int] = {}
        errors = {}
        for index, child in enumerate(value):
            key = child.value.get("key")
            if key in seen:
                errors[index] = ValidationError(
                    f"The key '{key}' is already used by node {seen[key] + 1}; keys must be unique."
                )
            else:
                seen[key] = index
        if errors:
            raise blocks.StreamBlockValidationError(block_errors=errors)


class ScenarioBlock(blocks.StructBlock):
    """An MI practice scenario inside a lesson; completing it counts towards the lesson."""

    scenario = SnippetChooserBlock("modules.Scenario", help_text="A published MI scenario.")
    introduction = blocks.TextBlock(
        required=False, max_length=600, help_text="Optional: why this scenario belongs in this lesson."
    )
    required = blocks.BooleanBlock(
        required=False,
        default=True,
        help_text="Learners must finish the scenario (meeting any minimum profile) to complete the lesson.",
    )

    class Meta:
        icon = "comment"
        label = "MI scenario"
        help_text = "A branching motivational-interviewing conversation the learner practises."
        template = "modules/blocks/scenario.html"
        preview_value = {
            "introduction": "Practise staying alongside a parent while keeping the child in view.",
            "required": True,
        }

    def get_preview_value(self):
        # By the registry, not an import: the Scenario model is built from this module's blocks.
        scenario_model = apps.get_model("modules", "Scenario")
        value = super().get_preview_value()
        value["scenario"] = scenario_model.objects.filter(live=True).order_by("pk").first()
        return value
