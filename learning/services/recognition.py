"""Recognition of prior learning: L&D record that someone completed a module elsewhere.

The one L&D action that records a completion on someone's behalf is the offline completion
on their learning record (``offline_completion_record``: a completion, its audit row with
who, when, the evidence and the reason). This adds what the module's cmi5 courses need:
each AU not yet satisfied is waived with that reason (``cmi5_module_waive``), so the
statement store, and any LRS it forwards to, shows the course satisfied and why.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cms.people.models import User
from learning.models import ModuleCompletion
from learning.services.assignments import offline_completion_record
from learning.services.cmi5 import WAIVER_REASONS, cmi5_module_waive
from modules.models import ModulePage


@transaction.atomic
def module_completed_elsewhere_record(
    *,
    learner: User,
    module: ModulePage,
    completed_on: date,
    evidence: str,
    recognition: str,
    recorded_by: User,
) -> tuple[ModuleCompletion, int]:
    """Record the completion (audited) and waive the module's unsatisfied cmi5 AUs; answer the
    completion and how many AUs were waived. Raises ValueError for bad input, writing nothing.

    The completion is written first, so that a cmi5 course completing the module's last lesson
    finds it (the module's completion for that cycle) instead of writing a second one.
    """
    if recognition not in WAIVER_REASONS:
        raise ValueError("Choose why this learning counts.")
    completion = offline_completion_record(
        learner=learner,
        module=module,
        completed_on=completed_on,
        evidence=evidence,
        recorded_by=recorded_by,
        recognition=recognition,
    )
    waived = cmi5_module_waive(learner=learner, module=module, reason=recognition, at=timezone.now())
    return completion, waived
