"""Records of learning. Each file holds one family of models; all are re-exported here."""

from learning.models.assignments import Assignment, CompletionChange, Enrolment, Programme
from learning.models.forwarding import LrsForwardingTarget, LrsOutbox
from learning.models.lrs import LrsAttachment, LrsCredential, LrsDocument
from learning.models.progress import (
    ActivityCompletion,
    Certificate,
    KnowledgeCheckAttempt,
    LessonProgress,
    ModuleCompletion,
    ModuleProgress,
    Reflection,
)
from learning.models.scenarios import ScenarioAttempt, ScenarioChoice
from learning.models.scorm import ScormAttempt
from learning.models.xapi import H5PAttempt, H5PPlayerState, XAPIStatement

__all__ = [
    "ActivityCompletion",
    "Assignment",
    "Certificate",
    "CompletionChange",
    "Enrolment",
    "H5PAttempt",
    "H5PPlayerState",
    "KnowledgeCheckAttempt",
    "LessonProgress",
    "LrsAttachment",
    "LrsCredential",
    "LrsDocument",
    "LrsForwardingTarget",
    "LrsOutbox",
    "ModuleCompletion",
    "ModuleProgress",
    "Programme",
    "Reflection",
    "ScenarioAttempt",
    "ScenarioChoice",
    "ScormAttempt",
    "XAPIStatement",
]
