"""The one status vocabulary for learning: the words stored on progress rows, plus overdue.

Lesson and module outlines and assignment lists (mine, my team's, readiness) all speak
it, so a status means the same in every list, URL filter and tag colour.
"""

from learning.models import LessonProgress

NOT_STARTED = "not_started"
IN_PROGRESS = LessonProgress.Status.IN_PROGRESS.value
COMPLETED = LessonProgress.Status.COMPLETED.value
OVERDUE = "overdue"
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    COMPLETED: "Complete",
    OVERDUE: "Overdue",
}
