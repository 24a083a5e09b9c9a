"""Bookers' pages: browse and book slots, their bookings, cancelling, offers, reflections, invites.

Each view checks who may see it; rules live in services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from practiceweek import notifications, selectors, services
from practiceweek.forms import (
    BookingForm,
    CancelForm,
    OfferResponseForm,
    ReflectionForm,
    SlotFilterForm,
)
from practiceweek.ics import booking_ics
from practiceweek.models import Booking, Slot
from practiceweek.views.common import _form_errors, _not_found, _refusal_errors, _refuse, booker_required


@booker_required
def index(request):
    """The current week's slots as a week view or a list; filters: day, locality, activity, availability."""
    week = selectors.week_current()
    if week is None:
        return render(request, "practiceweek/no_week.html", {})
    form = SlotFilterForm(
        request.GET or None,
        days=selectors.week_days(week=week),
        localities=selectors.slot_localities(week=week),
        activities=selectors.slot_activities(week=week),
    )
    filters = selectors.SlotFilters()
    view = "week"
    if form.is_bound and form.is_valid():
        filters = selectors.SlotFilters(
            day=form.day_value(),
            locality=form.cleaned_data["locality"],
            activity=form.cleaned_data["activity"],
            availability=form.cleaned_data["availability"],
        )
        view = form.cleaned_data.get("view") or "week"
    slots = selectors.slots_browse(week=week, filters=filters)
    mine = {
        b.slot_id: b
        for b in selectors.bookings_of(user=request.user, week=week)
        if b.status in Booking.ACTIVE
    }
    for slot in slots:
        slot.my_booking = mine.get(slot.pk)
    query = request.GET.copy()
    query.pop("view", None)
    return render(
        request,
        "practiceweek/practice_week.html",
        {
            "week": week,
            "form": form,
            "view": view,
            "slots": slots,
            "days": selectors.slots_by_day(week=week, slots=slots),
            "state": selectors.signup_state(week=week),
            "my_active": list(mine.values()),
            "filter_query": query.urlencode(),
            "filtered": any([filters.day, filters.locality, filters.activity, filters.availability]),
        },
    )


def _slot_page(request, slot: Slot, *, form=None, errors=None, status: int = 200):
    booking = selectors.booking_active_for(user=request.user, slot=slot)
    confirmed = booking is not None and booking.status == Booking.Status.CONFIRMED
    return render(
        request,
        "practiceweek/slot.html",
        {
            "slot": slot,
            "week": slot.week,
            "booking": booking,
            "confirmed": confirmed,
            "position": selectors.waitlist_position(booking=booking) if booking else None,
            "state": selectors.signup_state(week=slot.week),
            "form": form or BookingForm(),
            "errors": errors or [],
            "deadline": services.cancellation_deadline(slot=slot),
            "hosts": list(slot.hosts.all()),
        },
        status=status,
    )


@booker_required
def slot_detail(request, slot_id: int):
    slot = selectors.slot_for_booking(slot_id=slot_id)
    if slot is None:
        return _not_found(request, "That slot does not exist or is not open for booking.")
    return _slot_page(request, slot)


@require_POST
@booker_required
def slot_book(request, slot_id: int):
    form = BookingForm(request.POST)
    refusal = None
    if form.is_valid():
        try:
            booking = services.booking_create(user=request.user, slot_id=slot_id, agreed=True)
        except services.BookingRefused as error:
            refusal = error
        else:
            if booking.status == Booking.Status.CONFIRMED:
                messages.success(
                    request, "Your place is confirmed. We have emailed you a calendar invitation."
                )
            elif booking.status == Booking.Status.WAITLISTED:
                # The slot page shows the place in the queue; this answer stays one transaction long.
                messages.success(request, "This slot is full: you are on its waitlist.")
            else:
                messages.success(
                    request,
                    "Your ballot request is in. We will email you the result when the ballot is drawn.",
                )
            return redirect("practiceweek:slot", slot_id=slot_id)
    # Refused or incomplete: show the slot again with the reason (the slot is read only on this path).
    slot = selectors.slot_for_booking(slot_id=slot_id)
    if slot is None:
        return _not_found(request, "That slot does not exist or is not open for booking.")
    if refusal is not None:
        return _slot_page(request, slot, form=form, errors=_refusal_errors(refusal), status=409)
    errors = [{"text": form.errors["agree"][0], "href": "#id_agree"}]
    return _slot_page(request, slot, form=form, errors=errors, status=400)


@booker_required
def my_bookings(request):
    bookings = list(selectors.bookings_of(user=request.user))
    for booking in bookings:
        booking.position = selectors.waitlist_position(booking=booking)
        booking.offer_link = (
            reverse("practiceweek:offer", args=[notifications.offer_token(booking=booking)])
            if booking.status == Booking.Status.OFFERED
            else ""
        )
    now = timezone.now()
    return render(
        request,
        "practiceweek/my_bookings.html",
        {
            "active": [b for b in bookings if b.is_active and b.slot.starts_at > now],
            "past": [b for b in bookings if b.status == Booking.Status.CONFIRMED and b.slot.starts_at <= now],
            "ended": [b for b in bookings if not b.is_active],
        },
    )


@require_http_methods(["GET", "POST"])
@booker_required
def booking_cancel(request, booking_id: int):
    booking = selectors.booking_of(user=request.user, booking_id=booking_id)
    if booking is None or not booking.is_active:
        return _not_found(request, "We could not find that booking among your active bookings.")
    errors = []
    if request.method == "POST" and CancelForm(request.POST).is_valid():
        try:
            services.booking_cancel(booking_id=booking.pk, user=request.user)
        except services.BookingRefused as refusal:
            errors = _refusal_errors(refusal)
        else:
            messages.success(
                request, "Your booking is cancelled. We have emailed you to update your calendar."
            )
            return redirect("practiceweek:my_bookings")
    return render(
        request,
        "practiceweek/booking_cancel.html",
        {"booking": booking, "errors": errors, "deadline": services.cancellation_deadline(slot=booking.slot)},
        status=409 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def offer_respond(request, token: str):
    """Accept or decline a waitlist offer from the signed link in the offer email."""
    read = notifications.offer_token_read(token=token)
    booking = selectors.booking_of(user=request.user, booking_id=read[0]) if read is not None else None
    if read is None or booking is None:
        return _refuse(
            request,
            "This offer link is not valid for your account. Check you are signed in as the person it was "
            "sent to, or open your practice week bookings.",
            status=404,
            title="Offer link not valid",
        )
    # Bound on every POST, even one with no fields, so a missing answer is asked for (not a 500).
    form = OfferResponseForm(request.POST if request.method == "POST" else None)
    errors = []
    still_open = booking.status == Booking.Status.OFFERED and booking.offer_round == read[1]
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.offer_respond(
                booking_id=booking.pk, offer_round=read[1], user=request.user, accept=accept
            )
        except services.BookingRefused as refusal:
            errors = _refusal_errors(refusal)
            booking.refresh_from_db()
            still_open = False
        else:
            if accept:
                messages.success(
                    request, "Your place is confirmed. We have emailed you a calendar invitation."
                )
                return redirect("practiceweek:slot", slot_id=booking.slot_id)
            messages.success(request, "You have declined the place. It will be offered to the next person.")
            return redirect("practiceweek:my_bookings")
    elif request.method == "POST":
        errors = [{"text": form.errors["decision"][0], "href": "#id_decision_0"}]
    return render(
        request,
        "practiceweek/offer.html",
        {"booking": booking, "form": form, "errors": errors, "still_open": still_open},
        status=409 if errors and not form.errors else (400 if errors else 200),
    )


@require_http_methods(["GET", "POST"])
@login_required
def reflection(request, booking_id: int):
    booking = selectors.booking_of(user=request.user, booking_id=booking_id)
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        return _not_found(request, "We could not find that visit among your bookings.")
    existing = getattr(booking, "reflection", None) if hasattr(booking, "reflection") else None
    initial = (
        {"text": existing.text, "themes": existing.themes, "share_themes": existing.share_themes}
        if existing
        else None
    )
    form = ReflectionForm(request.POST or None, initial=initial)
    errors = []
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reflection_save(
                    booking_id=booking.pk,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    themes=form.cleaned_data["themes"],
                    share_themes=form.cleaned_data["share_themes"],
                )
            except services.BookingRefused as refusal:
                errors = _refusal_errors(refusal)
            else:
                messages.success(request, "Your reflection is saved. It appears in your learning record.")
                return redirect("practiceweek:my_bookings")
        else:
            errors = _form_errors(form)
    return render(
        request,
        "practiceweek/reflection.html",
        {"booking": booking, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@booker_required
def booking_invite(request, booking_id: int):
    """Download the calendar invite of one's own confirmed booking again."""
    booking = selectors.booking_of(user=request.user, booking_id=booking_id)
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        return _not_found(request, "We could not find that confirmed booking.")
    response = HttpResponse(
        booking_ics(booking=booking, method="REQUEST"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="practice-week.ics"'
    return response
