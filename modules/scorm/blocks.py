"""The lesson block that plays a SCORM package and says when it counts as complete."""

from django.urls import reverse
from wagtail import blocks

from modules.packages.blocks import (
    PackageActivityBlock,
    PackageChooserBlock,
    activity_heading_block,
    activity_pass_mark_block,
    activity_required_block,
)
from modules.scorm.kind import SCORM_KIND


class ScormCompletionRule:
    """When a SCORM activity counts as complete (every SCO of the package, for multi-SCO)."""

    COMPLETED = "completed"
    PASSED = "passed"
    COMPLETED_AND_PASSED = "completed_and_passed"

    CHOICES = [
        (COMPLETED, "When the learner completes it"),
        (PASSED, "When the learner passes it"),
        (COMPLETED_AND_PASSED, "When the learner completes and passes it"),
    ]


class ScormPackageChooserBlock(PackageChooserBlock):
    """The generic cached package chooser (its path is in the lesson body's migrations)."""


class ScormActivityBlock(PackageActivityBlock):
    kind = SCORM_KIND
    noun = "course"

    package = ScormPackageChooserBlock(
        "modules.ScormPackage",
        help_text="The SCORM package to play. Lessons always play its latest ready version.",
    )
    heading = activity_heading_block("course")
    completion_rule = blocks.ChoiceBlock(
        choices=ScormCompletionRule.CHOICES,
        default=ScormCompletionRule.COMPLETED,
        help_text="What the package must report. Some courses never report 'passed': check yours.",
    )
    pass_mark = activity_pass_mark_block(
        "Optional pass mark, per cent, overriding the package's own mastery score: "
        "a score at or above it passes."
    )
    required = activity_required_block()

    class Meta:
        icon = "desktop"
        label = "SCORM course"
        help_text = "A SCORM 1.2 or 2004 course. Its results are recorded for each learner."
        template = "modules/blocks/scorm_activity.html"
        preview_value = {
            "heading": "Safeguarding e-learning",
            "completion_rule": ScormCompletionRule.COMPLETED,
            "required": True,
        }

    def pass_mark_refusal(self, value):
        if value.get("completion_rule") == ScormCompletionRule.COMPLETED:
            return "A pass mark needs a rule that asks for a pass: remove it, or choose another rule."
        return ""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        version = context["package_version"]
        lesson = self.lesson_of(parent_context)
        block_id = (parent_context or {}).get("id")
        context["scorm_items_id"] = f"scorm-items-{block_id or 'preview'}"
        context["scorm_base_url"] = (
            reverse("modules:scorm_content", args=[lesson.pk, block_id, version.pk, "x"]).removesuffix("x")
            if version and lesson is not None and getattr(lesson, "pk", None) and block_id
            else ""
        )
        context["playable"] = bool(context["scorm_base_url"])
        context["player_script"] = "js/scorm-player.js"
        return context
