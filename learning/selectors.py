"""Reads over records of learning."""

from collections.abc import Iterable

from learning.models import ModuleCompletion


def module_completed(*, user, module_id: int) -> bool:
    """Whether the person has completed the module in any cycle."""
    return ModuleCompletion.objects.filter(user=user, module_id=module_id).exists()


def modules_completed(*, user, module_ids: Iterable[int]) -> set[int]:
    """The subset of module ids the person has completed in any cycle."""
    return set(
        ModuleCompletion.objects.filter(user=user, module_id__in=list(module_ids)).values_list(
            "module_id", flat=True
        )
    )
