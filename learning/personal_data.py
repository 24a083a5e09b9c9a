"""What learning/personal_data.toml names that a field list cannot say: the exports of scenario
runs, xAPI statements and cmi5 launches, and how certificates, statements, SCORM attempts and the notes on
changes to a record are anonymised (see cms.core.personal_data)."""

from typing import Any

from django.db.models import QuerySet

from cms.people.personal_data import ERASED_NAME, erased_label
from learning.models import Cmi5Registration, ScenarioAttempt, XAPIStatement
from learning.selectors import agent_key, platform_agent

FACTS_OF_LEARNING = (
    "Facts of learning (what, when, how well) stay so historic completion figures remain true; "
    "once the account is anonymised they identify nobody."
)


def certificates_anonymise(rows: QuerySet, user) -> None:
    for certificate in rows:
        for field in (certificate.png, certificate.pdf):
            if field:
                field.delete(save=False)
    rows.update(learner_name=ERASED_NAME, png="", pdf="")


def scenario_attempt_export(attempt: ScenarioAttempt) -> dict[str, Any]:
    """A scenario run with every choice made in it."""
    return {
        "scenario": attempt.scenario_title,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "finished_at": attempt.finished_at,
        "responses": attempt.responses,
        "mi_consistent": attempt.mi_consistent,
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
            for c in attempt.choices.all()
        ],
    }


def statement_export(statement: XAPIStatement) -> dict[str, Any]:
    """A statement as stored, named by its lesson and its activity (the block, or the LRS client's id)."""
    return {
        "statement_id": statement.statement_id,
        "lesson": statement.lesson.title if statement.lesson else None,
        "activity": statement.block_id or statement.activity_id,
        "verb": statement.verb,
        "stored_at": statement.stored_at,
        "statement": statement.payload,
    }


def statements_anonymise(rows: QuerySet, user) -> None:
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


# What a SCO stores that a person wrote or that describes where they were: free text goes on
# erasure; statuses, scores, times and interaction results stay as facts of learning.
SCORM_OWN_WORDS = ("response", "comment", "suspend_data", "location")


def scorm_attempts_anonymise(rows: QuerySet, user) -> None:
    for attempt in rows:
        attempt.cmi = {
            element: value
            for element, value in attempt.cmi.items()
            if not any(word in element for word in SCORM_OWN_WORDS)
        }
        attempt.suspend_data = ""
        attempt.location = ""
        attempt.save(update_fields=["cmi", "suspend_data", "location"])


def cmi5_registration_export(registration: Cmi5Registration) -> dict[str, Any]:
    """A cmi5 launch registration with its results and every session launched under it."""
    return {
        "lesson": registration.lesson.title,
        "activity": registration.block_id,
        "package_version": registration.package_version_id,
        "registration": registration.registration,
        "results": registration.au_results,
        "completed_activity": registration.completed_activity,
        "created_at": registration.created_at,
        "sessions": [
            {
                "session_id": s.session_id,
                "au": s.au_id,
                "launched_at": s.launched_at,
                "initialized_at": s.initialized_at,
                "terminated_at": s.terminated_at,
                "abandoned_at": s.abandoned_at,
            }
            for s in registration.sessions.all()
        ],
    }


def changes_anonymise(rows: QuerySet, user) -> None:
    rows.update(reason=f"(note removed when {erased_label(user.pk)} was erased)")
