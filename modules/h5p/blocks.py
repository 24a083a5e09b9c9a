"""The lesson block that plays an H5P package and says when it counts as complete."""

import copy

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.urls import reverse
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.core.page_cache import tree_cache_get_many, tree_cache_set_many
from cms.core.selectors import frame_cache_seconds
from modules.h5p.cache import h5p_packages_generation


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


class H5PPackageChooserBlock(SnippetChooserBlock):
    """Loads each chosen package with its current version, in one query for the whole page.

    Lesson pages are read far more often than packages change, so the packages are
    kept in the shared cache (FRAME_CACHE_SECONDS) until any package or version is
    saved or deleted.
    """

    def to_python(self, value):
        if value is None:
            return None
        return self.model_class.objects.select_related("current_version").filter(pk=value).first()

    def bulk_to_python(self, values):
        wanted = {value for value in values if value is not None}
        seconds = frame_cache_seconds()
        objects, keys = {}, {}
        if seconds and wanted:
            generation = h5p_packages_generation()
            keys = {pk: f"modules:h5p:package:{generation}:{pk}" for pk in wanted}
            found = tree_cache_get_many(list(keys.values()), seconds=seconds)
            objects = {pk: found[key] for pk, key in keys.items() if key in found}
        missing = wanted - set(objects)
        if missing:
            loaded = self.model_class.objects.select_related("current_version").in_bulk(list(missing))
            objects.update(loaded)
            if seconds:
                tree_cache_set_many({keys[pk]: package for pk, package in loaded.items()}, seconds)
        return [copy.copy(objects[value]) if value in objects else None for value in values]


class H5PActivityBlock(blocks.StructBlock):
    package = H5PPackageChooserBlock(
        "modules.H5PPackage",
        help_text="The H5P package to play. Lessons always play its latest ready version.",
    )
    heading = blocks.CharBlock(
        required=False,
        max_length=200,
        help_text="Shown above the activity and used as its accessible name. Defaults to the package title.",
    )
    completion_rule = blocks.ChoiceBlock(
        choices=CompletionRule.CHOICES,
        default=CompletionRule.DEFAULT,
        help_text=(
            "Some content types never say they are 'completed' (Interactive Video, for example): "
            "choose the rule that fits."
        ),
    )
    pass_mark = blocks.IntegerBlock(
        required=False,
        min_value=1,
        max_value=100,
        help_text=(
            "Optional pass mark, per cent. "
            "With a pass mark, only a score at or above it completes the activity."
        ),
    )
    required = blocks.BooleanBlock(
        required=False,
        default=True,
        help_text="Learners must complete this activity to complete the lesson.",
    )

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

    def clean(self, value):
        value = super().clean(value)
        rule, pass_mark = value.get("completion_rule"), value.get("pass_mark")
        if rule == CompletionRule.ANY_PROGRESS and pass_mark:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "pass_mark": ValidationError(
                        "A pass mark needs a scored rule: remove it, or choose another completion rule."
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
        from modules.h5p.models import H5PPackage, H5PStatus

        value = super().get_preview_value()
        package = H5PPackage.objects.filter(status=H5PStatus.READY).order_by("pk").first()
        if package is not None:
            value["package"] = package
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        package = value.get("package")
        version = package.current_version if package is not None and package.current_version_id else None
        context["h5p_version"] = version
        context["h5p_content_url"] = (
            reverse("modules:h5p_content", args=[version.pk, "h5p.json"]).removesuffix("/h5p.json")
            if version
            else ""
        )
        context["h5p_title"] = value.get("heading") or (package.title if package else "")
        return context
