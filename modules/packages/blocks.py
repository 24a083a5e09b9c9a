"""What every lesson block that plays a package shares: choosing the package, refusing one with
no ready version, a preview with a ready package, and the context of the activity frame
(`modules/blocks/package_activity.html`, which each kind's block template extends).

A kind's block declares its own child blocks (their definitions are in the lesson body's
migrations) and its completion rule, building the children every kind shares with
`activity_heading_block`, `activity_pass_mark_block` and `activity_required_block`;
`pass_mark_refusal` says when a pass mark does not fit it.
"""

import copy
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.core.page_cache import tree_cache_get_many, tree_cache_set_many, tree_generation
from cms.core.selectors import frame_cache_seconds
from modules.packages.kinds import PackageKind
from modules.packages.models import PackageStatus


class PackageChooserBlock(SnippetChooserBlock):
    """Loads each chosen package with its current version, in one query for the whole page.

    Lesson pages are read far more often than packages change, so the packages are kept in the
    shared cache (FRAME_CACHE_SECONDS) until any package or version is saved or deleted.
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
            generation = tree_generation()
            label = self.model_class._meta.model_name
            keys = {pk: f"modules:{label}:{generation}:{pk}" for pk in wanted}
            found = tree_cache_get_many(list(keys.values()), seconds=seconds)
            objects = {pk: found[key] for pk, key in keys.items() if key in found}
        missing = wanted - set(objects)
        if missing:
            loaded = self.model_class.objects.select_related("current_version").in_bulk(list(missing))
            objects.update(loaded)
            if seconds:
                tree_cache_set_many({keys[pk]: package for pk, package in loaded.items()}, seconds)
        return [copy.copy(objects[value]) if value in objects else None for value in values]


def activity_heading_block(noun: str) -> blocks.CharBlock:
    """The optional heading above a kind's activity ("course", "activity")."""
    return blocks.CharBlock(
        required=False,
        max_length=200,
        help_text=f"Shown above the {noun} and used as its accessible name. Defaults to the package title.",
    )


def activity_pass_mark_block(help_text: str) -> blocks.IntegerBlock:
    """The optional pass mark, per cent; what it overrides is the kind's to say."""
    return blocks.IntegerBlock(required=False, min_value=1, max_value=100, help_text=help_text)


def activity_required_block() -> blocks.BooleanBlock:
    """Whether the lesson waits for this activity."""
    return blocks.BooleanBlock(
        required=False,
        default=True,
        help_text="Learners must complete this activity to complete the lesson.",
    )


class PackageActivityBlock(blocks.StructBlock):
    """The base of a kind's activity block (children `package`, `heading`, `completion_rule`,
    `pass_mark` and `required` are declared by the kind)."""

    kind: ClassVar[PackageKind[Any, Any]]
    noun: ClassVar[str] = "activity"  # "Complete this activity to finish the lesson."

    def pass_mark_refusal(self, value: Any) -> str:
        """Why this value's pass mark does not fit its completion rule, or "" when it does."""
        return ""

    def clean(self, value):
        value = super().clean(value)
        refusal = self.pass_mark_refusal(value) if value.get("pass_mark") else ""
        if refusal:
            raise blocks.StructBlockValidationError(block_errors={"pass_mark": ValidationError(refusal)})
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

    @staticmethod
    def lesson_of(parent_context: dict[str, Any] | None) -> Any:
        """The lesson page the block is rendered on (None in a block preview)."""
        parent_context = parent_context or {}
        return parent_context.get("lesson") or parent_context.get("page")

    def get_preview_value(self):
        value = super().get_preview_value()
        models = self.kind.package_model._default_manager
        package = models.filter(status=PackageStatus.READY).order_by("pk").first()
        if package is not None:
            value["package"] = package
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        package = value.get("package")
        version = package.current_version if package is not None and package.current_version_id else None
        context["kind_name"] = self.kind.name
        context["noun"] = self.noun
        context["package_version"] = version
        context["activity_title"] = value.get("heading") or (package.title if package else "")
        return context
