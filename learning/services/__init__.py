"""Writes to records of learning, and the rules they apply.

Each module holds one family of services; callers import from here.
"""

from learning.services.answers import (
    AnswerRefused,
    knowledge_check_answer,
    knowledge_check_score,
    reflection_save,
)
from learning.services.assignments import (
    assignment_audience,
    assignment_audience_q,
    current_completion,
    enrolment_due_date_change,
    enrolments_mark_complete,
    enrolments_refresh,
    enrolments_sync,
    offline_completion_record,
)
from learning.services.certificates import (
    CODE_ALPHABET,
    certificate_code_generate,
    certificate_create,
    certificate_files,
    certificate_image,
    certificate_render,
)
from learning.services.cmi5 import (
    FetchRefused,
    LaunchOutcome,
    LaunchRefused,
    cmi5_fetch,
    cmi5_module_waive,
    launch_statements_store,
    move_on_met,
    xapi_launch,
)
from learning.services.cycles import (
    module_cycle_open,
    module_progress_lock,
)
from learning.services.duedates import (
    add_months,
    completion_is_current,
    due_date_for,
    recertification_due,
    weeks_overdue,
)
from learning.services.personal_data import (
    learning_record_csv,
    learning_record_export,
    person_erase,
    retention_apply,
)
from learning.services.progress import (
    ActivityNotFound,
    LessonHasRequiredActivities,
    activity_complete,
    lesson_mark_done,
    lesson_visit,
)
from learning.services.recognition import module_completed_elsewhere_record
from learning.services.reminders import (
    TEMPLATES,
    TeamReminderOutcome,
    reminder_keys_for,
    reminder_send,
    reminders_scan,
    team_reminder_send,
)
from learning.services.scenarios import (
    ScenarioChoiceInvalid,
    ScenarioStepStale,
    ScenarioUnavailable,
    StepResult,
    scenario_attempt_respond,
    scenario_attempt_start,
)
from learning.services.scorm import ScormCommitOutcome, scorm_commit, scorm_rule_met
from learning.services.scorm_cmi import Cmi, CmiInvalid, cmi_validate
from learning.services.xapi import (
    MAX_STATE_CHARS,
    StatementConflict,
    StatementOutcome,
    completion_rule_met,
    player_state_save,
    statement_record,
)
from learning.services.xapi_schema import (
    IRI,
    MAX_NODES,
    MAX_VERB_IRI,
    Score,
    Statement,
    StatementInvalid,
    duration_seconds,
    statement_parse,
)

__all__ = [
    "CODE_ALPHABET",
    "IRI",
    "MAX_NODES",
    "MAX_STATE_CHARS",
    "MAX_VERB_IRI",
    "TEMPLATES",
    "ActivityNotFound",
    "AnswerRefused",
    "Cmi",
    "CmiInvalid",
    "FetchRefused",
    "LaunchOutcome",
    "LaunchRefused",
    "LessonHasRequiredActivities",
    "ScenarioChoiceInvalid",
    "ScenarioStepStale",
    "ScenarioUnavailable",
    "Score",
    "ScormCommitOutcome",
    "Statement",
    "StatementConflict",
    "StatementInvalid",
    "StatementOutcome",
    "StepResult",
    "TeamReminderOutcome",
    "activity_complete",
    "add_months",
    "assignment_audience",
    "assignment_audience_q",
    "certificate_code_generate",
    "certificate_create",
    "certificate_files",
    "certificate_image",
    "certificate_render",
    "cmi5_fetch",
    "cmi5_module_waive",
    "cmi_validate",
    "completion_is_current",
    "completion_rule_met",
    "current_completion",
    "due_date_for",
    "duration_seconds",
    "enrolment_due_date_change",
    "enrolments_mark_complete",
    "enrolments_refresh",
    "enrolments_sync",
    "knowledge_check_answer",
    "knowledge_check_score",
    "launch_statements_store",
    "learning_record_csv",
    "learning_record_export",
    "lesson_mark_done",
    "lesson_visit",
    "module_completed_elsewhere_record",
    "module_cycle_open",
    "module_progress_lock",
    "move_on_met",
    "offline_completion_record",
    "person_erase",
    "player_state_save",
    "recertification_due",
    "reflection_save",
    "reminder_keys_for",
    "reminder_send",
    "reminders_scan",
    "retention_apply",
    "scenario_attempt_respond",
    "scenario_attempt_start",
    "scorm_commit",
    "scorm_rule_met",
    "statement_parse",
    "statement_record",
    "team_reminder_send",
    "weeks_overdue",
    "xapi_launch",
]
