"""Hosts' pages: their slots and visitors, attendance, and proposing a slot. Rules live in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from practiceweek import selectors, services
from practiceweek.forms import (
    AttendanceForm,
    SlotProposalForm,
)
from practiceweek.views.common import _form_errors, _not_found, _refusal_errors, _refuse


@login_required
def hosting(request):
    """A host's slots with who is coming (role and agency)."""
    if not (
        selectors.hosted_slots(user=request.user).exists() or selectors.user_home_team(user=request.user)
    ):
        return _refuse(
            request,
            "This page is for frontline teams hosting practice week visitors. You are not in a team or named "
            "on any slot.",
        )
    return render(
        request,
        "practiceweek/hosting.html",
        {
            "slots": selectors.host_slots_with_visitors(user=request.user),
            "now": timezone.now(),
            "week": selectors.week_current(),
            "team": selectors.user_home_team(user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def hosting_slot(request, slot_id: int):
    """Who is coming to one hosted slot, and attendance once it has started."""
    slot = next((s for s in selectors.host_slots_with_visitors(user=request.user) if s.pk == slot_id), None)
    if slot is None:
        return _not_found(request, "We could not find that slot among the ones you host.")
    form = AttendanceForm(request.POST or None, bookings=slot.visitors)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.attendance_record(slot_id=slot.pk, actor=request.user, marks=form.marks())
        except services.BookingRefused as refusal:
            errors = _refusal_errors(refusal)
        else:
            messages.success(request, f"Attendance saved ({changed} change{'s' if changed != 1 else ''}).")
            return redirect("practiceweek:hosting_slot", slot_id=slot.pk)
    return render(
        request,
        "practiceweek/hosting_slot.html",
        {"slot": slot, "form": form, "errors": errors, "started": slot.starts_at <= timezone.now()},
        status=409 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def hosting_propose(request):
    """A team member proposes a slot for their team; L&D approve it in the admin."""
    team = selectors.user_home_team(user=request.user)
    week = selectors.week_current()
    if team is None:
        return _refuse(request, "You can propose a slot once you belong to a team.")
    if week is None:
        return render(request, "practiceweek/no_week.html", {})
    form = SlotProposalForm(
        request.POST or None, week=week, initial={"date": week.starts_on, "locality": team.locality}
    )
    errors = []
    if request.method == "POST":
        if form.is_valid():
            starts_at, ends_at = form.times()
            try:
                services.slot_propose(
                    user=request.user,
                    week=week,
                    team=team,
                    activity=form.cleaned_data["activity"],
                    description=form.cleaned_data["description"],
                    locality=form.cleaned_data["locality"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    capacity=form.cleaned_data["capacity"],
                    meeting_point=form.cleaned_data["meeting_point"],
                    access_notes=form.cleaned_data["access_notes"],
                )
            except services.BookingRefused as refusal:
                errors = _refusal_errors(refusal, href="#id_date")
            else:
                messages.success(
                    request, "Thank you. L&D will review your slot and email you when it is open."
                )
                return redirect("practiceweek:hosting")
        else:
            errors = _form_errors(form)
    return render(
        request,
        "practiceweek/hosting_propose.html",
        {"form": form, "errors": errors, "team": team, "week": week},
        status=400 if errors else 200,
    )
