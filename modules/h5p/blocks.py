"""The lesson block that plays an H5P package and says when it counts as complete."""

from django.urls import reverse
from wagtail import blocks

from modules.h5p.kind import H5P_KIND
from modules.packages.blocks import (
    PackageActivityBlock,
    PackageChooserBlock,
    activity_heading_block,
    activity_pass_mark_block,
    activity_required_block,
)


class CompletionRule:
    """When an H5P activity counts as complete. Stored in the block's value."""

    DEFAULT = "default"
    ANSWERED = "answered"
    COMPLETED = "completed"
    PASSED = "passed"
    ANY_PROGRESS = "any_progress"

    CHOICES = [
        (DEFAULT, "When it is answered or completed (recommended for most content types)"),
        (ANSWERED, "Only when it is answered"),
        (COMPLETED, "Only when it is completed"),
        (PASSED, "Only when the learner passes"),
        (ANY_PROGRESS, "As soon as the learner makes any progress (e.g. Interactive Video)"),
    ]


class H5PPackageChooserBlock(PackageChooserBlock):
    """The generic cached package chooser (its path is in the lesson body's migrations)."""


class H5PActivityBlock(PackageActivityBlock):
    kind = H5P_KIND

    package = H5PPackageChooserBlock(
        "modules.H5PPackage",
        help_text="The H5P package to play. Lessons always play its latest ready version.",
    )
    heading = activity_heading_block("activity")
    completion_rule = blocks.ChoiceBlock(
        choices=CompletionRule.CHOICES,
        default=CompletionRule.DEFAULT,
        help_text=(
            "Some content types never say they are 'completed' (Interactive Video, for example): "
            "choose the rule that fits."
        ),
    )
    pass_mark = activity_pass_mark_block(
        "Optional pass mark, per cent. With a pass mark, only a score at or above it completes the activity."
    )
    required = activity_required_block()

    class Meta:
        icon = "code"
        label = "H5P activity"
        help_text = "An interactive H5P activity. Its results are recorded for each learner."
        template = "modules/blocks/h5p_activity.html"
        preview_value = {
            "heading": "Check your understanding",
            "completion_rule": CompletionRule.DEFAULT,
            "required": True,
        }

    def pass_mark_refusal(self, value):
        if value.get("completion_rule") == CompletionRule.ANY_PROGRESS:
            return "A pass mark needs a scored rule: remove it, or choose another completion rule."
        return ""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        version = context["package_version"]
        context["playable"] = version is not None
        context["player_script"] = "js/h5p-player.js"
        context["h5p_content_url"] = (
            reverse("modules:h5p_content", args=[version.pk, "h5p.json"]).removesuffix("/h5p.json")
            if version
            else ""
        )
        return context
