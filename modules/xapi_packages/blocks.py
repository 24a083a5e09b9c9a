"""The lesson block that launches an xAPI (Tin Can) or cmi5 package and says when it counts as complete."""

from wagtail import blocks

from modules.packages.blocks import (
    PackageActivityBlock,
    PackageChooserBlock,
    activity_heading_block,
    activity_required_block,
)
from modules.xapi_packages.kind import XAPI_KIND


class XapiCompletionRule:
    """When a Tin Can package counts as complete; a cmi5 package follows each AU's moveOn."""

    COMPLETED = "completed"
    PASSED = "passed"

    CHOICES = [
        (COMPLETED, "When the course reports it completed (or passed)"),
        (PASSED, "When the course reports it passed"),
    ]


class XapiActivityBlock(PackageActivityBlock):
    kind = XAPI_KIND
    noun = "course"

    package = PackageChooserBlock(
        "modules.XapiPackage",
        help_text="The xAPI or cmi5 package to launch. Lessons always launch its latest ready version.",
    )
    heading = activity_heading_block("course")
    completion_rule = blocks.ChoiceBlock(
        choices=XapiCompletionRule.CHOICES,
        default=XapiCompletionRule.COMPLETED,
        help_text=(
            "For xAPI (Tin Can) packages: the statement about the course that completes it. "
            "cmi5 packages complete when every part meets its own moveOn rule."
        ),
    )
    required = activity_required_block()

    class Meta:
        icon = "link-external"
        label = "xAPI or cmi5 course"
        help_text = "An xAPI (Tin Can) or cmi5 course, opened in a new window. Its results are recorded."
        template = "modules/blocks/xapi_activity.html"
        preview_value = {
            "heading": "Family Safeguarding Model quiz",
            "completion_rule": XapiCompletionRule.COMPLETED,
            "required": True,
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        lesson = self.lesson_of(parent_context)
        version = context["package_version"]
        context["xapi_aus"] = version.aus if version else []
        context["xapi_lesson_id"] = getattr(lesson, "pk", None)
        context["playable"] = bool(version and context["xapi_lesson_id"] and (parent_context or {}).get("id"))
        context["player_script"] = "js/xapi-launcher.js"
        return context
