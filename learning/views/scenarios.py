"""MI scenario practice pages: server-rendered, usable without JavaScript.

Each step is a plain form POST answered with a redirect (so refreshing or going Back
never resubmits silently); the service refuses a step that was already answered.
A run is visible to its learner only: anyone else gets a 404, managers and L&D included.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cms.people import selectors as people
from learning import selectors
from learning.charts import attempts_chart
from learning.scoring import profile_minimum_shortfalls, profile_summary
from learning.services import (
    ScenarioChoiceInvalid,
    ScenarioStepStale,
    ScenarioUnavailable,
    scenario_attempt_respond,
    scenario_attempt_start,
)
from modules.scenario_graph import BEHAVIOUR_CODES, CHANGE_TALK_KINDS, OUTCOMES, TALK_TYPES


def _live_scenario_or_404(slug: str):
    scenario = selectors.scenario_live_get(slug=slug)
    if scenario is None:
        raise Http404("No published scenario here.")
    return scenario


def _own_attempt_or_404(request, attempt_id: int):
    attempt = selectors.scenario_attempt_for_user(user=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404("No run of yours here.")
    return attempt


def _lesson_context(request, scenario, source):
    """(lesson, block_id) from the launch parameters, validated; (None, "") without them."""
    lesson_id, block_id = source.get("lesson"), source.get("block", "")
    if not lesson_id and not block_id:
        return None, ""
    lesson = selectors.scenario_lesson_block_resolve(
        user=request.user, scenario=scenario, lesson_id=lesson_id, block_id=block_id
    )
    if lesson is None:
        raise Http404("That lesson does not exist or is not available to you, or has no such scenario.")
    return lesson, block_id


def _talk_label(talk_type: str, kind: str) -> str:
    if talk_type == "change" and kind:
        return f"Change talk ({CHANGE_TALK_KINDS.get(kind, kind).lower()})"
    return TALK_TYPES.get(talk_type, "")


def _turns(attempt, choices):
    """The transcript as the template shows it: the opening, then each exchange."""
    return [
        {
            "number": choice.sequence,
            "response_text": choice.response_text,
            "code_label": BEHAVIOUR_CODES.get(choice.code, choice.code),
            "mi_consistent": choice.mi_consistent,
            "feedback": choice.feedback,
            "reply_text": choice.reply_text,
            "reply_talk": _talk_label(choice.reply_talk_type, choice.reply_change_kind),
            "readiness_after": choice.readiness_after,
            "openness_after": choice.openness_after,
        }
        for choice in choices
    ]


def _media(node):
    if node is None or getattr(node, "media_id", None) is None:
        return None
    from wagtail.documents import get_document_model

    document = get_document_model().objects.filter(pk=node.media_id).first()
    if document is None:
        return None
    extension = document.file_extension.lower()
    return {
        "url": document.url,
        "kind": "video" if extension in {"mp4", "webm"} else "audio",
        "title": document.title,
    }


@login_required
@require_GET
def scenario_list_view(request):
    can_see_team = people.is_learning_and_development(user=request.user) or people.is_team_manager(
        user=request.user
    )
    return render(
        request,
        "learning/scenario_list.html",
        {"scenarios": selectors.scenarios_live(), "can_see_team": can_see_team},
    )


@login_required
@require_GET
def scenario_detail_view(request, slug: str):
    scenario = _live_scenario_or_404(slug)
    lesson, block_id = _lesson_context(request, scenario, request.GET)
    return render(
        request,
        "learning/scenario_detail.html",
        {
            "scenario": scenario,
            "lesson": lesson,
            "block_id": block_id,
            "in_progress": selectors.scenario_attempt_in_progress(user=request.user, scenario=scenario),
            "finished": selectors.scenario_attempts_finished(user=request.user, scenario=scenario)[-5:][::-1],
        },
    )


@login_required
@require_POST
def scenario_start_view(request, slug: str):
    scenario = _live_scenario_or_404(slug)
    lesson, block_id = _lesson_context(request, scenario, request.POST)
    try:
        attempt = scenario_attempt_start(
            user=request.user, scenario=scenario, lesson=lesson, block_id=block_id
        )
    except ScenarioUnavailable as error:
        raise Http404(str(error)) from error
    return redirect("learning:scenario_attempt", attempt_id=attempt.pk)


def _play_context(request, attempt, *, error: str = ""):
    playable = selectors.scenario_playable_for_attempt(attempt=attempt)
    node = playable.node(attempt.current_node) if playable else None
    choices = selectors.scenario_choices(attempt=attempt)
    turns = _turns(attempt, choices)
    if len(turns) >= 2:
        before = (turns[-2]["readiness_after"], turns[-2]["openness_after"])
    elif playable:
        before = (playable.initial_readiness, playable.initial_openness)
    else:
        before = (attempt.readiness, attempt.openness)
    return {
        "readiness_change": attempt.readiness - before[0] if turns else 0,
        "openness_change": attempt.openness - before[1] if turns else 0,
        "attempt": attempt,
        "playable": playable,
        "node": node,
        "media": _media(node),
        "turns": turns,
        "latest": turns[-1] if turns else None,
        "error": error,
        "unavailable": node is None or node.is_end,
    }


@login_required
@require_GET
def scenario_attempt_view(request, attempt_id: int):
    attempt = _own_attempt_or_404(request, attempt_id)
    if attempt.is_finished:
        return redirect("learning:scenario_result", attempt_id=attempt.pk)
    if attempt.status != attempt.Status.IN_PROGRESS:
        messages.info(request, "You started this scenario again, so that run was closed.")
        return (
            redirect("learning:scenario_detail", slug=attempt.scenario.slug)
            if attempt.scenario
            else redirect("learning:scenario_list")
        )
    return render(request, "learning/scenario_play.html", _play_context(request, attempt))


@login_required
@require_POST
def scenario_respond_view(request, attempt_id: int):
    attempt = _own_attempt_or_404(request, attempt_id)
    play_url = reverse("learning:scenario_attempt", kwargs={"attempt_id": attempt.pk})
    try:
        step = int(request.POST.get("step", ""))
    except ValueError:
        step = -1
    response_id = request.POST.get("response", "")[:64]
    if step < 0:
        context = _play_context(
            request, attempt, error="Something went wrong with that form: choose a response."
        )
        return render(request, "learning/scenario_play.html", context, status=400)
    if not response_id:
        context = _play_context(request, attempt, error="Choose what you would say next.")
        return render(request, "learning/scenario_play.html", context, status=400)
    try:
        result = scenario_attempt_respond(attempt=attempt, step=step, response_id=response_id)
    except ScenarioStepStale:
        if attempt.is_finished:
            return redirect("learning:scenario_result", attempt_id=attempt.pk)
        messages.info(
            request, "You had already answered that step; there is no undo. This is where you are now."
        )
        return HttpResponseRedirect(play_url + "#latest-reply")
    except ScenarioChoiceInvalid:
        context = _play_context(request, attempt, error="Choose one of the responses offered.")
        return render(request, "learning/scenario_play.html", context, status=400)
    except ScenarioUnavailable:
        messages.warning(request, "This scenario has changed since you started. Please start again.")
        return redirect("learning:scenario_list")
    if result.finished:
        return redirect(
            reverse("learning:scenario_result", kwargs={"attempt_id": attempt.pk}) + "#result-heading"
        )
    return HttpResponseRedirect(play_url + "#latest-reply")


@login_required
@require_GET
def scenario_result_view(request, attempt_id: int):
    attempt = _own_attempt_or_404(request, attempt_id)
    if not attempt.is_finished:
        return redirect("learning:scenario_attempt", attempt_id=attempt.pk)
    playable = selectors.scenario_playable_for_attempt(attempt=attempt)
    end = playable.node(attempt.end_node) if playable else None
    choices = selectors.scenario_choices(attempt=attempt)
    profile = selectors.scenario_attempt_profile(attempt=attempt, choices=choices)
    initial = (playable.initial_readiness, playable.initial_openness) if playable else None
    summary = profile_summary(
        profile=profile,
        inconsistent_codes=[choice.code for choice in choices if not choice.mi_consistent],
        readiness=(initial[0], attempt.readiness) if initial else None,
        openness=(initial[1], attempt.openness) if initial else None,
    )
    shortfalls = []
    if attempt.status == attempt.Status.BELOW_MINIMUM and playable:
        shortfalls = profile_minimum_shortfalls(
            profile=profile,
            min_mi_consistent_percent=playable.min_mi_consistent_percent,
            min_reflection_question_ratio=playable.min_reflection_question_ratio,
        )
    return render(
        request,
        "learning/scenario_result.html",
        {
            "attempt": attempt,
            "playable": playable,
            "end": end,
            "outcome_label": OUTCOMES.get(getattr(end, "outcome", ""), ""),
            "profile": profile,
            "measures": profile.measures(),
            "summary": summary,
            "shortfalls": shortfalls,
            "turns": _turns(attempt, choices),
        },
    )


@login_required
@require_GET
def scenario_progress_view(request, slug: str):
    scenario = _live_scenario_or_404(slug)
    attempts = selectors.scenario_attempts_finished(user=request.user, scenario=scenario)
    rows = []
    for number, attempt in enumerate(attempts, start=1):
        profile = selectors.attempt_totals_profile(attempt=attempt)
        rows.append(
            {"number": number, "attempt": attempt, "profile": profile, "measures": profile.measures()}
        )
    return render(
        request,
        "learning/scenario_progress.html",
        {
            "scenario": scenario,
            "rows": rows,
            "chart": attempts_chart(profiles=[row["profile"] for row in rows]),
        },
    )


@login_required
@require_GET
def scenario_team_view(request):
    if people.is_learning_and_development(user=request.user):
        team_ids = None
    elif people.is_team_manager(user=request.user):
        team_ids = people.managed_team_ids(user=request.user)
    else:
        raise PermissionDenied("Team figures are for managers and L&D.")
    return render(
        request,
        "learning/scenario_team.html",
        {
            "figures": selectors.scenario_team_figures(team_ids=team_ids),
            "minimum": selectors.TEAM_MINIMUM_LEARNERS,
            "all_teams": team_ids is None,
        },
    )
