"""The LMS's ``waived`` statements: L&D recognise learning done elsewhere (cmi5 9.3.7).

When L&D record that someone completed a module elsewhere, every AU of the module's cmi5
courses that the person has not yet satisfied is waived, with the reason L&D chose (cmi5
9.5.5.2). Each ``waived`` statement has a session id of its own (the spec forbids two in
one session and any other LMS statement in it but ``satisfied``), result.success and
result.completion true and the reason extension. A waived AU counts as having met its moveOn
(9.3.9), so the ``satisfied`` statements for its blocks and course follow, under the last
waiver's session id, and the lesson's course block completes, all in the caller's transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction

from cms.people.models import User
from learning.models import CompletionChange
from learning.selectors.cmi5 import cmi5_au_activity_id, cmi5_module_blocks
from learning.selectors.lrs_keys import platform_agent
from learning.services.cmi5.common import (
    WAIVED,
    _lms_statement,
    _lms_store,
    _registration_locked,
    _satisfaction_apply,
)
from modules.models import ModulePage

REASON_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/reason"
WAIVER_REASONS: tuple[str, ...] = tuple(CompletionChange.Recognition.values)


@transaction.atomic
def cmi5_module_waive(*, learner: User, module: ModulePage, reason: str, at: datetime) -> int:
    """Waive every AU of the module's cmi5 courses the learner has not satisfied; answer how many.

    Raises ValueError for a reason outside cmi5's list. A registration is made for a course
    the learner never launched, so the waiver is recorded where the course's statements are.
    """
    if reason not in WAIVER_REASONS:
        raise ValueError("Choose one of the reasons listed.")
    actor = platform_agent(user_id=learner.pk)
    waived_count = 0
    for block in cmi5_module_blocks(module=module):
        version = block.version
        registration, created = _registration_locked(
            user=learner, activity=block.activity, version_id=version["pk"]
        )
        if created:
            for unit in version["aus"]:
                if unit["move_on"] == "NotApplicable":
                    registration.au_results[unit["id"]] = {"satisfied": True}
        statements: list[dict[str, Any]] = []
        session_id = ""
        for au in version["aus"]:
            results = dict(registration.au_results.get(au["id"], {}))
            if results.get("satisfied"):
                continue
            session_id = str(uuid.uuid4())
            statements.append(
                _lms_statement(
                    verb=WAIVED,
                    display="waived",
                    actor=actor,
                    object_id=cmi5_au_activity_id(package_id=version["package_id"], au_id=au["id"]),
                    object_type=None,
                    registration=str(registration.registration),
                    session_id=session_id,
                    publisher_id=au["id"],
                    at=at,
                    result={"success": True, "completion": True, "extensions": {REASON_EXTENSION: reason}},
                )
            )
            registration.au_results[au["id"]] = {**results, "satisfied": True, "waived": reason}
        if not statements and not created:
            continue
        _lms_store(statements)
        waived_count += len(statements)
        _satisfaction_apply(
            registration=registration,
            version=version,
            user=learner,
            session_id=session_id or str(uuid.uuid4()),
            at=at,
        )
    return waived_count
