"""Personal data in records of learning, declared to the registry (cms.core.personal_data).

Erasure keeps the facts of learning (enrolments, progress, completions, scores, scenario
runs) so historic completion figures stay true: once the account is anonymised they
identify nobody. It removes what a person wrote or what names them: reflections, saved
player state, free-text answers inside xAPI statements, certificate names and files, and
the notes in the audit of changes to their record.
"""

from django.db.models import QuerySet

from cms.core.personal_data import Erasure, exempt, register
from cms.people.personal_data import ERASED_NAME, erased_label
from learning.models import (
    ActivityCompletion,
    Assignment,
    Certificate,
    CompletionChange,
    Enrolment,
    H5PAttempt,
    H5PPlayerState,
    KnowledgeCheckAttempt,
    LessonProgress,
    LrsCredential,
    LrsDocument,
    ModuleCompletion,
    ModuleProgress,
    Reflection,
    ScenarioAttempt,
    ScormAttempt,
    XAPIStatement,
)
from learning.selectors import agent_key, platform_agent

FACTS_OF_LEARNING = (
    "Facts of learning (what, when, how well) stay so historic completion figures remain true; "
    "once the account is anonymised they identify nobody."
)

exempt(
    Assignment,
    reason="created_by is the L&D author (editorial record); people is the named audience, whose "
    "effect on the person is exported and kept as their enrolments.",
)

register(
    Enrolment,
    section="assignments",
    rows=lambda user: Enrolment.objects.filter(user=user).select_related("module", "assignment__programme"),
    export=lambda e: {
        "module": e.module.title,
        "programme": e.assignment.programme.name,
        "required": e.assignment.required,
        "enrolled_on": e.enrolled_on,
        "due_date": e.due_date,
        "completed_at": e.completed_at,
        "removed_on": e.removed_on,
    },
    erasure=Erasure.KEEP,
    reason=FACTS_OF_LEARNING,
)
register(
    ModuleCompletion,
    section="completions",
    rows=lambda user: ModuleCompletion.objects.filter(user=user).select_related("module"),
    export=lambda c: {
        "module": c.module.title,
        "cycle": c.cycle,
        "completed_at": c.completed_at,
        "source": c.source,
    },
    erasure=Erasure.KEEP,
    reason=FACTS_OF_LEARNING,
)


def _certificates_anonymise(rows: QuerySet, user) -> None:
    for certificate in rows:
        for field in (certificate.png, certificate.pdf):
            if field:
                field.delete(save=False)
    rows.update(learner_name=ERASED_NAME, png="", pdf="")


register(
    Certificate,
    section="certificates",
    person_field="user",
    export=lambda c: {
        "module": c.module_title,
        "name": c.learner_name,
        "completed_on": c.completed_on,
        "code": c.code,
    },
    erasure=Erasure.ANONYMISE,
    erase=_certificates_anonymise,
    reason="The certificate code stays verifiable as a completion; the name on it and its files go.",
)
register(
    ModuleProgress,
    section="module_progress",
    rows=lambda user: ModuleProgress.objects.filter(user=user).select_related("module"),
    export=lambda p: {
        "module": p.module.title,
        "cycle": p.cycle,
        "lessons_completed": p.lessons_completed,
        "lessons_total": p.lessons_total,
        "started_at": p.started_at,
        "last_activity_at": p.last_activity_at,
        "completed_at": p.completed_at,
    },
    erasure=Erasure.KEEP,
    reason=FACTS_OF_LEARNING,
)
register(
    LessonProgress,
    section="lesson_progress",
    rows=lambda user: LessonProgress.objects.filter(user=user).select_related("lesson"),
    export=lambda p: {
        "lesson": p.lesson.title,
        "cycle": p.cycle,
        "status": p.status,
        "started_at": p.started_at,
        "completed_at": p.completed_at,
    },
    erasure=Erasure.KEEP,
    reason=FACTS_OF_LEARNING,
)
register(
    ActivityCompletion,
    section="activity_completions",
    rows=lambda user: ActivityCompletion.objects.filter(user=user).select_related("lesson"),
    export=lambda a: {
        "lesson": a.lesson.title,
        "activity": a.block_id,
        "cycle": a.cycle,
        "score": a.score,
        "max_score": a.max_score,
        "completed_at": a.completed_at,
    },
    erasure=Erasure.KEEP,
    reason=FACTS_OF_LEARNING,
)
register(
    KnowledgeCheckAttempt,
    section="knowledge_check_attempts",
    rows=lambda user: KnowledgeCheckAttempt.objects.filter(user=user).select_related("lesson"),
    export=lambda a: {
        "lesson": a.lesson.title,
        "selected_options": a.selected_option_ids,
        "score_percent": a.score_percent,
        "passed": a.passed,
        "at": a.created_at,
    },
    erasure=Erasure.KEEP,
    reason=FACTS_OF_LEARNING,
)
register(
    Reflection,
    section="reflections",
    rows=lambda user: Reflection.objects.filter(user=user).select_related("lesson"),
    export=lambda r: {"lesson": r.lesson.title, "text": r.text, "updated_at": r.updated_at},
    erasure=Erasure.DELETE,
)
register(
    ScenarioAttempt,
    section="scenario_runs",
    rows=lambda user: ScenarioAttempt.objects.filter(user=user).prefetch_related("choices"),
    export=lambda a: {
        "scenario": a.scenario_title,
        "status": a.status,
        "started_at": a.started_at,
        "finished_at": a.finished_at,
        "responses": a.responses,
        "mi_consistent": a.mi_consistent,
        "choices": [
            {
                "step": c.sequence,
                "response": c.response_text,
                "code": c.code,
                "mi_consistent": c.mi_consistent,
                "feedback": c.feedback,
                "reply": c.reply_text,
                "chosen_at": c.chosen_at,
            }
            for c in a.choices.all()
        ],
    },
    erasure=Erasure.KEEP,
    reason=f"Every choice was picked from the scenario's own responses, not written by the person. "
    f"{FACTS_OF_LEARNING}",
)


def _statements_anonymise(rows: QuerySet, user) -> None:
    """Remove the person's own words (an answer typed into an activity) from each statement, and
    the name and address an LRS client's statement gave its actor (an erased account stands in)."""
    for statement in rows.filter(payload__result__has_key="response"):
        statement.payload["result"].pop("response", None)
        statement.save(update_fields=["payload"])
    erased = platform_agent(user_id=user.pk)
    for statement in rows.filter(source=XAPIStatement.Source.LRS):
        statement.payload["actor"] = erased
        statement.actor_key = agent_key(erased)
        statement.save(update_fields=["payload", "actor_key"])


register(
    XAPIStatement,
    section="xapi_statements",
    rows=lambda user: XAPIStatement.objects.filter(user=user).select_related("lesson"),
    export=lambda s: {
        "statement_id": s.statement_id,
        "lesson": s.lesson.title if s.lesson else None,
        "activity": s.block_id or s.activity_id,
        "verb": s.verb,
        "stored_at": s.stored_at,
        "statement": s.payload,
    },
    erasure=Erasure.ANONYMISE,
    erase=_statements_anonymise,
    reason="Statements are the evidence behind completions; typed answers (result.response) go.",
)
register(
    H5PAttempt,
    section="h5p_attempts",
    rows=lambda user: H5PAttempt.objects.filter(user=user).select_related("lesson"),
    export=lambda a: {
        "lesson": a.lesson.title,
        "activity": a.block_id,
        "verb": a.verb,
        "score_raw": a.score_raw,
        "score_max": a.score_max,
        "success": a.success,
        "completion": a.completion,
        "duration_seconds": a.duration_seconds,
        "at": a.created_at,
    },
    erasure=Erasure.KEEP,
    reason=FACTS_OF_LEARNING,
)
register(
    H5PPlayerState,
    section="h5p_saved_state",
    rows=lambda user: H5PPlayerState.objects.filter(user=user).select_related("lesson"),
    export=lambda s: {
        "lesson": s.lesson.title,
        "activity": s.block_id,
        "state": s.data,
        "updated_at": s.updated_at,
    },
    erasure=Erasure.DELETE,
)


register(
    LrsDocument,
    section="xapi_documents",
    rows=lambda user: LrsDocument.objects.filter(user=user),
    export=lambda d: {
        "kind": d.kind,
        "activity": d.activity_id,
        "document_id": d.document_id,
        "content_type": d.content_type,
        "content": bytes(d.content).decode("utf-8", "replace")[:10_000],
        "updated_at": d.updated_at,
    },
    erasure=Erasure.DELETE,
)
exempt(
    LrsCredential,
    reason="created_by is the L&D lead or admin who issued an LRS client credential (an admin record).",
)


# What a SCO stores that a person wrote or that describes where they were: free text goes on
# erasure; statuses, scores, times and interaction results stay as facts of learning.
SCORM_OWN_WORDS = ("response", "comment", "suspend_data", "location")


def _scorm_attempts_anonymise(rows: QuerySet, user) -> None:
    for attempt in rows:
        attempt.cmi = {
            element: value
            for element, value in attempt.cmi.items()
            if not any(word in element for word in SCORM_OWN_WORDS)
        }
        attempt.suspend_data = ""
        attempt.location = ""
        attempt.save(update_fields=["cmi", "suspend_data", "location"])


register(
    ScormAttempt,
    section="scorm_attempts",
    rows=lambda user: ScormAttempt.objects.filter(user=user).select_related("lesson", "package_version"),
    export=lambda a: {
        "lesson": a.lesson.title,
        "activity": a.block_id,
        "package_version": a.package_version_id,
        "sco": a.sco,
        "attempt": a.number,
        "cycle": a.cycle,
        "completion_status": a.completion_status,
        "success_status": a.success_status,
        "score_raw": a.score_raw,
        "score_max": a.score_max,
        "score_scaled": a.score_scaled,
        "total_seconds": a.total_seconds,
        "location": a.location,
        "suspend_data": a.suspend_data,
        "data": a.cmi,
        "started_at": a.started_at,
        "updated_at": a.updated_at,
    },
    erasure=Erasure.ANONYMISE,
    erase=_scorm_attempts_anonymise,
    reason="Statuses, scores and times are facts of learning; answers, comments and saved places go.",
)


def _changes_anonymise(rows: QuerySet, user) -> None:
    rows.update(reason=f"(note removed when {erased_label(user.pk)} was erased)")


register(
    CompletionChange,
    section="manual_changes",
    rows=lambda user: CompletionChange.objects.filter(learner=user).select_related("changed_by"),
    export=lambda c: {
        "action": c.action,
        "reason": c.reason,
        "at": c.changed_at,
        "by": c.changed_by.email if c.changed_by else None,
    },
    erasure=Erasure.ANONYMISE,
    erase=_changes_anonymise,
    reason="The audit of who changed the record and when stays; the free-text notes, which may "
    "name the person, go.",
)
