"""Reads for MI scenario practice: what a run plays, a learner's own records, team figures.

Privacy: a run belongs to its learner alone. Nothing here returns another person's
attempt; managers and L&D get team aggregates only, and only for groups of at least
``TEAM_MINIMUM_LEARNERS`` learners.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum
from wagtail.models import Revision

from cms.people.models import User
from learning.models import ScenarioAttempt, ScenarioChoice
from learning.scoring import RUNNING_TOTALS, Profile, profile_build, profile_from_totals
from modules.models import LessonPage, Scenario
from modules.scenarios.graph import Graph, Node, graph_from_stream
from modules.selectors import ContentUnavailable, lesson_viewable_get

TEAM_MINIMUM_LEARNERS = 5


@dataclass(frozen=True)
class PlayableScenario:
    """A published revision of a scenario, as the player needs it (no model instances)."""

    revision_id: int
    title: str
    slug: str
    summary: str
    persona_name: str
    persona_situation: str
    family_context: str
    concerns: str
    initial_readiness: int
    initial_openness: int
    min_mi_consistent_percent: int | None
    min_reflection_question_ratio: Decimal | None
    graph: Graph

    def node(self, key: str) -> Node | None:
        return self.graph.node(key)


def _decimal(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _playable_from_content(revision_id: int, content: dict[str, Any]) -> PlayableScenario:
    nodes = content.get("nodes") or []
    if isinstance(nodes, str):
        nodes = json.loads(nodes)
    percent = content.get("min_mi_consistent_percent")
    return PlayableScenario(
        revision_id=revision_id,
        title=content.get("title", ""),
        slug=content.get("slug", ""),
        summary=content.get("summary", ""),
        persona_name=content.get("persona_name", ""),
        persona_situation=content.get("persona_situation", ""),
        family_context=content.get("family_context", ""),
        concerns=content.get("concerns", ""),
        initial_readiness=int(content.get("initial_readiness") or 0),
        initial_openness=int(content.get("initial_openness") or 0),
        min_mi_consistent_percent=int(percent) if percent not in (None, "") else None,
        min_reflection_question_ratio=_decimal(content.get("min_reflection_question_ratio")),
        graph=graph_from_stream(raw_nodes=nodes, start=content.get("start_node", "")),
    )


def scenario_playable(*, revision: Revision | None) -> PlayableScenario | None:
    """The scenario as saved in that revision (read straight from its JSON; no model is built).

    Kept on the revision instance, so one request reads it once. Parsing is cheap (a
    twenty-node scenario is a few tens of kilobytes), so no shared cache is needed,
    and none can go stale.
    """
    if revision is None:
        return None
    playable = getattr(revision, "_mi_playable", None)
    if playable is None:
        playable = _playable_from_content(revision.pk, revision.content or {})
        revision._mi_playable = playable
    return playable


def scenario_live_playable(*, scenario: Scenario) -> tuple[int | None, PlayableScenario | None]:
    """(live revision id, playable) for a published scenario; (None, None) if unpublished."""
    if not scenario.live or scenario.live_revision_id is None:
        return None, None
    return scenario.live_revision_id, scenario_playable(revision=scenario.live_revision)


def scenario_playable_for_attempt(*, attempt: ScenarioAttempt) -> PlayableScenario | None:
    """What this run plays: the revision it started on (select_related("revision") saves a query)."""
    return scenario_playable(revision=attempt.revision)


def scenarios_live() -> QuerySet[Scenario]:
    return Scenario.objects.filter(live=True).order_by("title")


def scenario_live_get(*, slug: str) -> Scenario | None:
    return Scenario.objects.filter(slug=slug, live=True).first()


def scenario_lesson_block_resolve(
    *, user: User, scenario: Scenario, lesson_id: int | str | None, block_id: str
) -> LessonPage | None:
    """The live lesson whose `mi_scenario` block `block_id` launches this scenario, else None.

    Read from the body's raw JSON: the block must exist in that live lesson, be an MI
    scenario block, and point at this scenario; and the person must be allowed to view
    the lesson (modules.selectors.lesson_viewable_get).
    """
    if lesson_id is None:
        return None
    try:
        lesson_pk = int(lesson_id)
    except (TypeError, ValueError):
        return None
    if not block_id or len(block_id) > 64:
        return None
    try:
        lesson = lesson_viewable_get(user=user, lesson_id=lesson_pk)
    except ContentUnavailable:
        return None
    for block in lesson.body.raw_data:
        if block.get("id") == block_id and block.get("type") == "mi_scenario":
            value = block.get("value") or {}
            return lesson if isinstance(value, dict) and value.get("scenario") == scenario.pk else None
    return None


# --- a learner's own runs ------------------------------------------------------------------


def scenario_attempt_for_user(*, user: User, attempt_id: int) -> ScenarioAttempt | None:
    """The attempt if it is this user's own; None otherwise (nobody else may open a run)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        ScenarioAttempt.objects.filter(pk=attempt_id, user=user)
        .select_related("scenario", "revision")
        .first()
    )


def scenario_attempt_in_progress(*, user: User, scenario: Scenario) -> ScenarioAttempt | None:
    return (
        ScenarioAttempt.objects.filter(
            user=user, scenario=scenario, status=ScenarioAttempt.Status.IN_PROGRESS
        )
        .order_by("-started_at")
        .first()
    )


def scenario_attempts_finished(*, user: User, scenario: Scenario) -> list[ScenarioAttempt]:
    """The learner's finished runs of a scenario, oldest first (for the chart over attempts)."""
    return list(
        ScenarioAttempt.objects.filter(
            user=user, scenario=scenario, status__in=ScenarioAttempt.FINISHED
        ).order_by("finished_at", "pk")
    )


def scenario_choices(*, attempt: ScenarioAttempt) -> list[ScenarioChoice]:
    return list(attempt.choices.order_by("sequence"))


def scenario_attempt_profile(*, attempt: ScenarioAttempt, choices: list[ScenarioChoice]) -> Profile:
    return profile_build(
        code_counts=Counter(choice.code for choice in choices),
        mi_consistent=sum(1 for choice in choices if choice.mi_consistent),
        change_talk=attempt.change_talk,
        sustain_talk=attempt.sustain_talk,
    )


def attempt_totals_profile(*, attempt: ScenarioAttempt) -> Profile:
    return profile_from_totals(**{total: getattr(attempt, total) for total in RUNNING_TOTALS})


# --- team figures for managers and L&D ---------------------------------------------------------


@dataclass(frozen=True)
class TeamScenarioFigures:
    team_id: int
    team_name: str
    scenario_id: int
    scenario_title: str
    learners: int
    profile: Profile | None  # None when fewer than TEAM_MINIMUM_LEARNERS learners: hidden

    @property
    def hidden(self) -> bool:
        return self.profile is None


def scenario_team_figures(*, team_ids: list[int] | None) -> list[TeamScenarioFigures]:
    """Per team and scenario: how many learners have finished it, and their pooled profile.

    Each learner counts once, through their latest finished run. `team_ids=None` means
    every team (L&D). Groups under five learners are returned without figures. Two queries.
    """
    finished = ScenarioAttempt.objects.filter(
        status__in=ScenarioAttempt.FINISHED, scenario__isnull=False, user__profile__active=True
    )
    if team_ids is not None:
        finished = finished.filter(user__profile__team_id__in=team_ids)
    latest = finished.values("user_id", "scenario_id").annotate(last=Max("pk")).values("last")
    rows = (
        ScenarioAttempt.objects.filter(pk__in=latest, user__profile__team__isnull=False)
        .values("user__profile__team_id", "user__profile__team__name", "scenario_id", "scenario__title")
        .annotate(
            learners=Count("user_id", distinct=True),
            **{total: Sum(total) for total in RUNNING_TOTALS},
        )
        .order_by("user__profile__team__name", "scenario__title")
    )
    figures = []
    for row in rows:
        shown = row["learners"] >= TEAM_MINIMUM_LEARNERS
        totals: dict[str, Any] = dict(row)  # the sums annotated by name from RUNNING_TOTALS
        figures.append(
            TeamScenarioFigures(
                team_id=row["user__profile__team_id"],
                team_name=row["user__profile__team__name"],
                scenario_id=row["scenario_id"],
                scenario_title=row["scenario__title"],
                learners=row["learners"],
                profile=profile_from_totals(**{total: totals[total] or 0 for total in RUNNING_TOTALS})
                if shown
                else None,
            )
        )
    return figures
