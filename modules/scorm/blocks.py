"""The lesson block that plays a SCORM package and says when it counts as complete."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.urls import reverse
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


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


class ScormPackageChooserBlock(SnippetChooserBlock):
    """Loads each chosen package with its current version, in one query for the whole page."""

    def to_python(self, value):
        if value is None:
            return None
        return self.model_class.objects.select_related("current_version").filter(pk=value).first()

    def bulk_to_python(self, values):
        wanted = [value for value in values if value is not None]
        loaded = self.model_class.objects.select_related("current_version").in_bulk(wanted)
        return [loaded.get(value) if value is not None else None for value in values]


class ScormActivityBlock(blocks.StructBlock):
    package = ScormPackageChooserBlock(
        "modules.ScormPackage",
        help_text="The SCORM package to play. Lessons always play its latest ready version.",
    )
    heading = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="Shown above the course and used as its accessible name. Defaults to the package title.",
    )
    completion_rule = blocks.ChoiceBlock(
        choices=ScormCompletionRule.CHOICES,
        default=ScormCompletionRule.COMPLETED,
        help_text="What the package must report. Some courses never report 'passed': check yours.",
    )
    pass_mark = blocks.IntegerBlock(
        required=False,
        min_value=1,
        max_value=100,
        help_text=(
            "Optional pass mark, per cent, overriding the package's own mastery score: "
            "a score at or above it passes."
        ),
    )
    required = blocks.BooleanBlock(
        required=False,
        default=True,
        help_text="Learners must complete this activity to complete the lesson.",
    )

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

    def clean(self, value):
        value = super().clean(value)
        if value.get("pass_mark") and value.get("completion_rule") == ScormCompletionRule.COMPLETED:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "pass_mark": ValidationError(
                        "A pass mark needs a rule that asks for a pass: remove it, or choose another rule."
                    )
                }
            )
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
        from modules.scorm.models import ScormPackage, ScormStatus

        value = super().get_preview_value()
        package = ScormPackage.objects.filter(status=ScormStatus.READY).order_by("pk").first()
        if package is not None:
            value["package"] = package
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        package = value.get("package")
        version = package.current_version if package is not None and package.current_version_id else None
        lesson = (parent_context or {}).get("lesson") or (parent_context or {}).get("page")
        block_id = (parent_context or {}).get("id")
        context["scorm_version"] = version
        context["scorm_items"] = version.scos if version else []
        context["scorm_items_id"] = f"scorm-items-{block_id or 'preview'}"
        context["scorm_title"] = value.get("heading") or (package.title if package else "")
        context["scorm_base_url"] = (
            reverse("modules:scorm_content", args=[lesson.pk, block_id, version.pk, "x"]).removesuffix("x")
            if version and lesson is not None and getattr(lesson, "pk", None) and block_id
            else ""
        )
        return context
