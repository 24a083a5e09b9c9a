"""The lesson block that launches an xAPI (Tin Can) or cmi5 package and says when it counts as complete."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks

from modules.scorm.blocks import ScormPackageChooserBlock


class XapiCompletionRule:
    """When a Tin Can package counts as complete; a cmi5 package follows each AU's moveOn."""

    COMPLETED = "completed"
    PASSED = "passed"

    CHOICES = [
        (COMPLETED, "When the course reports it completed (or passed)"),
        (PASSED, "When the course reports it passed"),
    ]


class XapiActivityBlock(blocks.StructBlock):
    package = ScormPackageChooserBlock(
        "modules.XapiPackage",
        help_text="The xAPI or cmi5 package to launch. Lessons always launch its latest ready version.",
    )
    heading = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="Shown above the course and used as its accessible name. Defaults to the package title.",
    )
    completion_rule = blocks.ChoiceBlock(
        choices=XapiCompletionRule.CHOICES,
        default=XapiCompletionRule.COMPLETED,
        help_text=(
            "For xAPI (Tin Can) packages: the statement about the course that completes it. "
            "cmi5 packages complete when every part meets its own moveOn rule."
        ),
    )
    required = blocks.BooleanBlock(
        required=False,
        default=True,
        help_text="Learners must complete this activity to complete the lesson.",
    )

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

    def clean(self, value):
        value = super().clean(value)
        package = value.get("package")
        if package is not None and package.current_version_id is None:
            raise blocks.StructBlockValidationError(
                non_block_errors=ErrorList(
                    [
                        ValidationError(
                            f"“{package}” has no ready version yet. "
                            "Wait until it is ready, or fix the upload."
                        )
                    ]
                )
            )
        return value

    def get_preview_value(self):
        from modules.xapi_packages.models import XapiPackage, XapiStatus

        value = super().get_preview_value()
        package = XapiPackage.objects.filter(status=XapiStatus.READY).order_by("pk").first()
        if package is not None:
            value["package"] = package
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        package = value.get("package")
        version = package.current_version if package is not None and package.current_version_id else None
        lesson = (parent_context or {}).get("lesson") or (parent_context or {}).get("page")
        context["xapi_version"] = version
        context["xapi_aus"] = version.aus if version else []
        context["xapi_title"] = value.get("heading") or (package.title if package else "")
        context["xapi_lesson_id"] = getattr(lesson, "pk", None)
        return context
