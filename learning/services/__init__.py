"""Writes to records of learning. Each file holds one family of services; all are re-exported here."""

from learning.services.progress import (
    ActivityNotFound,
    AnswerRefused,
    LessonHasRequiredActivities,
    activity_complete,
    certificate_create,
    knowledge_check_answer,
    knowledge_check_score,
    lesson_mark_done,
    lesson_visit,
    module_cycle_open,
    reflection_save,
)
from learning.services.scenarios import (
    ScenarioChoiceInvalid,
    ScenarioStepStale,
    ScenarioUnavailable,
    scenario_attempt_respond,
    scenario_attempt_start,
)
from learning.services.xapi import player_state_save, statement_record

__all__ = [
    "ActivityNotFound",
    "AnswerRefused",
    "LessonHasRequiredActivities",
    "ScenarioChoiceInvalid",
    "ScenarioStepStale",
    "ScenarioUnavailable",
    "activity_complete",
    "certificate_create",
    "knowledge_check_answer",
    "knowledge_check_score",
    "lesson_mark_done",
    "lesson_visit",
    "module_cycle_open",
    "player_state_save",
    "reflection_save",
    "scenario_attempt_respond",
    "scenario_attempt_start",
    "statement_record",
]
