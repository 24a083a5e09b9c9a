"""Writes for MI scenario practice: starting (or restarting) a run and recording each step.

A step is recorded at most once: the learner's form carries the step number it was
shown, the attempt row is locked while the step is written, and a unique constraint
on (attempt, step) backs that up. A replayed form, the Back button or a second tab
therefore never records twice; a response that does not belong to the current node
is refused. There is no undo inside a run; starting again closes the run in progress.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.people.models import User
from learning.models import ScenarioAttempt, ScenarioChoice
from learning.scoring import profile_minimum_shortfalls
from learning.selectors import (
    PlayableScenario,
    attempt_totals_profile,
    scenario_live_playable,
    scenario_playable_for_attempt,
)
from learning.services.progress import ActivityNotFound, activity_complete
from modules.models import LessonPage, Scenario
from modules.scenarios.graph import QUESTION_CODES, REFLECTION_CODES, STATE_MAX, STATE_MIN, ParentNode
from modules.selectors import ContentUnavailable, lesson_viewable_get

logger = logging.getLogger(__name__)


class ScenarioStepStale(Exception):
    """The form was for a step that has already been answered (replay, Back, second tab)."""


class ScenarioChoiceInvalid(ValueError):
    """The response is not one of those offered at the current point of the conversation."""


class ScenarioUnavailable(ValueError):
    """The scenario is not published, or its content is gone."""


@dataclass(frozen=True)
class StepResult:
    choice: ScenarioChoice
    finished: bool
    completed: bool


def _clamp(value: int) -> int:
    return max(STATE_MIN, min(STATE_MAX, value))


@transaction.atomic
def scenario_attempt_start(
    *,
    user: User,
    scenario: Scenario,
    lesson: LessonPage | None = None,
    block_id: str = "",
    at: datetime | None = None,
) -> ScenarioAttempt:
    """Start a run on the scenario's live revision, closing any run of it still in progress."""
    at = at or timezone.now()
    revision_id, playable = scenario_live_playable(scenario=scenario)
    start = playable.node(playable.graph.start) if playable else None
    if revision_id is None or playable is None or start is None or start.is_end:
        raise ScenarioUnavailable(f"The scenario '{scenario.slug}' is not published.")
    ScenarioAttempt.objects.filter(
        user=user, scenario=scenario, status=ScenarioAttempt.Status.IN_PROGRESS
    ).update(status=ScenarioAttempt.Status.RESTARTED, updated_at=at)
    return ScenarioAttempt.objects.create(
        user=user,
        scenario=scenario,
        scenario_title=scenario.title,
        revision_id=revision_id,
        lesson=lesson,
        block_id=block_id if lesson is not None else "",
        opening_text=start.text,
        current_node=start.key,
        readiness=playable.initial_readiness,
        openness=playable.initial_openness,
        started_at=at,
        updated_at=at,
    )


def scenario_attempt_respond(
    *, attempt: ScenarioAttempt, step: int, response_id: str, at: datetime | None = None
) -> StepResult:
    """Record the learner's response at `step`; finish the run if it reaches an end.

    Raises ScenarioStepStale when `step` has already been answered (nothing is written)
    and ScenarioChoiceInvalid when the response is not offered at the current node.
    """
    try:
        with transaction.atomic():
            return _respond(
                attempt_id=attempt.pk, step=step, response_id=response_id, at=at or timezone.now()
            )
    except IntegrityError as error:
        # Another request recorded this step between our check and our insert.
        raise ScenarioStepStale("This step has already been answered.") from error


def _respond(*, attempt_id: int, step: int, response_id: str, at: datetime) -> StepResult:
    attempt = (
        ScenarioAttempt.objects.select_for_update(of=("self",)).select_related("revision").get(pk=attempt_id)
    )
    if attempt.status != ScenarioAttempt.Status.IN_PROGRESS or step != attempt.step_count:
        raise ScenarioStepStale("This step has already been answered.")
    playable = scenario_playable_for_attempt(attempt=attempt)
    node = playable.node(attempt.current_node) if playable else None
    if playable is None or not isinstance(node, ParentNode):  # no content, no such node, or an end
        raise ScenarioUnavailable("This run's scenario has changed; start again.")
    response = node.response(response_id)
    if response is None:
        raise ScenarioChoiceInvalid("Choose one of the responses offered.")
    reply = playable.node(response.next)
    if reply is None:
        raise ScenarioUnavailable("This run's scenario has changed; start again.")

    attempt.step_count += 1
    attempt.responses += 1
    attempt.mi_consistent += int(response.mi_consistent)
    attempt.questions += int(response.code in QUESTION_CODES)
    attempt.reflections += int(response.code in REFLECTION_CODES)
    attempt.complex_reflections += int(response.code == "complex_reflection")
    if not reply.is_end:
        attempt.readiness = _clamp(attempt.readiness + reply.readiness)
        attempt.openness = _clamp(attempt.openness + reply.openness)
        attempt.change_talk += int(reply.talk_type == "change")
        attempt.sustain_talk += int(reply.talk_type == "sustain")
    attempt.current_node = reply.key
    attempt.updated_at = at

    choice = ScenarioChoice.objects.create(
        attempt=attempt,
        sequence=attempt.step_count,
        node_key=node.key,
        response_id=response.id,
        response_text=response.text,
        code=response.code,
        mi_consistent=response.mi_consistent,
        feedback=response.feedback,
        next_node=reply.key,
        reply_text=reply.text,
        reply_talk_type="" if reply.is_end else reply.talk_type,
        reply_change_kind="" if reply.is_end else reply.change_talk_kind,
        readiness_after=attempt.readiness,
        openness_after=attempt.openness,
        chosen_at=at,
    )
    completed = False
    if reply.is_end:
        completed = _finish(attempt=attempt, playable=playable, end_key=reply.key, at=at)
    attempt.save()
    return StepResult(choice=choice, finished=reply.is_end, completed=completed)


def _finish(*, attempt: ScenarioAttempt, playable: PlayableScenario, end_key: str, at: datetime) -> bool:
    """Close the run. It completes if it meets the editor's minimum profile; then it counts for its lesson."""
    profile = attempt_totals_profile(attempt=attempt)
    shortfalls = profile_minimum_shortfalls(
        profile=profile,
        min_mi_consistent_percent=playable.min_mi_consistent_percent,
        min_reflection_question_ratio=playable.min_reflection_question_ratio,
    )
    attempt.end_node = end_key
    attempt.finished_at = at
    attempt.status = ScenarioAttempt.Status.BELOW_MINIMUM if shortfalls else ScenarioAttempt.Status.COMPLETED
    if shortfalls or attempt.lesson_id is None or not attempt.block_id:
        return not shortfalls
    try:
        lesson = lesson_viewable_get(user=attempt.user, lesson_id=attempt.lesson_id)
    except ContentUnavailable:
        # The lesson was unpublished or restricted after the run started: the run completes,
        # the lesson records nothing.
        return True
    try:
        activity_complete(user=attempt.user, lesson=lesson, block_id=attempt.block_id, at=at)
        attempt.counted_for_lesson = True
    except ActivityNotFound:
        # The block was removed from the lesson after the run started: the run still completes.
        logger.info("Scenario block %s no longer in lesson %s", attempt.block_id, lesson.pk)
    return True
