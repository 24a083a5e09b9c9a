"""Demo practice weeks.

- The coming week: starting two to three weeks from today, sign-up open now, forty slots
  across the six Family Safeguarding teams with named hosts, and a few bookings (one slot
  full with a waitlist) so the L&D grid shows fill levels.
- A week that has happened (five to six weeks back): twelve slots, a visit each, attendance
  marked by hosts (one absent, one not yet recorded) and reflections whose authors agreed to
  share their themes, so hosts' attendance, the L&D attendance report and the learning
  record have something to show.

Uses the teams and senior managers the people seeder creates (order 10). If the Family
Safeguarding teams are missing it creates six minimal teams itself. Idempotent: the week
is found by slug, slots by team and start time, bookings by person and slot.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db.models import F
from django.utils import timezone

from cms.core.seeding import SeedContext, register
from cms.core.working_days import working_week_on_or_after, working_week_on_or_before
from cms.people import roles
from cms.people.models import Agency, StaffProfile, Team
from practiceweek.models import AgencyQuota, Booking, BookingEvent, PracticeWeek, Reflection, Slot

WEEK_SLUG = "practice-week-demo"
PAST_WEEK_SLUG = "practice-week-demo-past"
PAST_VISITS_PER_SLOT = 2
TEAM_SLUG_PREFIX = "family-safeguarding-"
# The demo's words (agreement, slot descriptions, reflections) are data, beside this file.
DATA = json.loads((Path(__file__).parent / "practice_week.json").read_text(encoding="utf-8"))
AGREEMENT = "\n\n".join(DATA["confidentiality_agreement"])
PATTERNS: list[dict[str, Any]] = DATA["slot_patterns"]
# Every demo author agreed to share their themes.
REFLECTIONS: list[dict[str, Any]] = DATA["reflections"]


def demo_week_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first whole working week (Monday to Friday, no bank holiday, not the Christmas
    fortnight) starting two weeks or more from today."""
    return working_week_on_or_after(today + dt.timedelta(days=14))


def _teams(context: SeedContext) -> list[Team]:
    teams = list(
        Team.objects.filter(slug__startswith=TEAM_SLUG_PREFIX).select_related("agency").order_by("pk")[:6]
    )
    if len(teams) == 6:
        return teams
    context.say("practice week: Family Safeguarding teams not found; creating six minimal teams")
    council, _ = Agency.objects.get_or_create(
        slug=DATA["fallback_council"]["slug"],
        defaults={"name": DATA["fallback_council"]["name"], "kind": Agency.Kind.COUNCIL},
    )
    return [
        Team.objects.get_or_create(
            slug=TEAM_SLUG_PREFIX + locality.lower().replace(" ", "-"),
            defaults={
                "name": DATA["fallback_team_name"].format(locality=locality),
                "locality": locality,
                "agency": council,
            },
        )[0]
        for locality in DATA["fallback_localities"]
    ]


def _hosts(team: Team) -> list:
    members = (
        StaffProfile.objects.filter(team=team, active=True)
        .exclude(role__slug__in=[roles.TEAM_MANAGER, roles.SENIOR_MANAGER])
        .select_related("user")
        .order_by("user__email")
    )
    users = [profile.user for profile in members]
    # The demo host login (host@...) hosts a slot every day it can.
    users.sort(key=lambda user: not user.email.startswith("host@"))
    return users[:3]


def _agencies_by_kind() -> dict[str, Agency]:
    return {agency.kind: agency for agency in Agency.objects.order_by("pk")}


def _week_ensure(
    *, slug: str, name: str, starts_on: dt.date, ends_on: dt.date, signup_opens_on: dt.date
) -> tuple[PracticeWeek, bool]:
    """A demo week with the demo's rules: sign-up 09:00 on `signup_opens_on` to 17:00 three
    days before the week, 48-hour cut-off, two bookings each, 24-hour offers."""
    tz = timezone.get_current_timezone()
    return PracticeWeek.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "signup_opens_at": dt.datetime.combine(signup_opens_on, dt.time(9), tzinfo=tz),
            "signup_closes_at": dt.datetime.combine(starts_on - dt.timedelta(days=3), dt.time(17), tzinfo=tz),
            "cancellation_cutoff_hours": 48,
            "max_bookings_per_person": 2,
            "offer_hours": 24,
            "confidentiality_agreement": AGREEMENT,
        },
    )


@register(order=50)
def seed_practice_week(context: SeedContext) -> None:
    today = timezone.localdate()
    starts_on, ends_on = demo_week_dates(today)
    week, created = _week_ensure(
        slug=WEEK_SLUG,
        name=f"Practice week {starts_on:%B %Y}",
        starts_on=starts_on,
        ends_on=ends_on,
        signup_opens_on=today - dt.timedelta(days=1),
    )
    kinds = _agencies_by_kind()
    for kind, places in DATA["agency_quotas"].items():
        if kind in kinds:
            AgencyQuota.objects.get_or_create(week=week, agency=kinds[kind], defaults={"max_places": places})
    slots = []
    for team_index, team in enumerate(_teams(context)):
        hosts = _hosts(team)
        for day_index in range(5):
            day = week.starts_on + dt.timedelta(days=day_index)
            patterns = [PATTERNS[(team_index + day_index) % len(PATTERNS)]]
            if (team_index + day_index) % 3 == 0:
                patterns.append(PATTERNS[(team_index + day_index + 4) % len(PATTERNS)])
            first = day_index % len(hosts) if hosts else 0
            for pattern in patterns:
                slot = _slot_ensure(
                    week=week,
                    team=team,
                    day=day,
                    pattern=pattern,
                    hosts=hosts[first : first + 1] + hosts[:1],
                    meeting_point=DATA["meeting_point"].format(team=team.name, locality=team.locality),
                    access_notes=DATA["access_notes"],
                )
                slots.append(slot)
    _demo_bookings(week, slots)
    context.say(
        f"practice week: {week.name} ({week.starts_on:%d %b} to {week.ends_on:%d %b %Y}), "
        f"{Slot.objects.filter(week=week).count()} slots{' (created)' if created else ''}"
    )


def _slot_ensure(
    *,
    week: PracticeWeek,
    team,
    day: dt.date,
    pattern: dict[str, Any],
    hosts: list,
    meeting_point: str,
    access_notes: str = "",
    capacity: int | None = None,
) -> Slot:
    """A demo slot of `pattern` (one of the data's slot_patterns) for `team` on `day`, made once; its
    hosts set when made. `capacity` defaults to the pattern's."""
    starts_at = dt.datetime.combine(
        day, dt.time.fromisoformat(pattern["starts_at"]), tzinfo=timezone.get_current_timezone()
    )
    slot, made = Slot.objects.get_or_create(
        week=week,
        host_team=team,
        starts_at=starts_at,
        defaults={
            "ends_at": starts_at + dt.timedelta(minutes=pattern["minutes"]),
            "activity": pattern["activity"],
            "description": pattern["description"],
            "locality": team.locality or "Oxfordshire",
            "capacity": pattern["capacity"] if capacity is None else capacity,
            "meeting_point": meeting_point,
            "access_notes": access_notes,
            "status": Slot.Status.APPROVED,
        },
    )
    if made and hosts:
        slot.hosts.set(hosts)
    return slot


def _demo_bookings(week: PracticeWeek, slots: list[Slot]) -> None:
    """A handful of senior managers (never the demo login) already booked; one slot full with a waitlist."""
    managers = [
        profile
        for profile in StaffProfile.objects.filter(role__slug=roles.SENIOR_MANAGER, active=True)
        .select_related("user", "agency")
        .order_by("user__email")
        if not profile.user.email.startswith("senior@")
    ][:10]
    if not managers or not slots:
        return
    now = timezone.now()
    full_slot = next((slot for slot in slots if slot.capacity == 1), slots[0])
    plan: list[tuple[StaffProfile, Slot]] = [(managers[0], full_slot)]
    plan += [(profile, full_slot) for profile in managers[1:3]]  # waitlisted
    plan += [
        (profile, slots[(index * 4 + 1) % len(slots)]) for index, profile in enumerate(managers[3:], start=1)
    ]
    for profile, slot in plan:
        if Booking.objects.filter(slot=slot, user=profile.user).exists():
            continue
        slot.refresh_from_db(fields=["places_held"])
        clash = Booking.objects.filter(
            user=profile.user,
            status__in=Booking.HELD,
            slot__starts_at__lt=slot.ends_at,
            slot__ends_at__gt=slot.starts_at,
        ).exists()
        has_place = slot.places_held < slot.capacity
        if clash and has_place:
            continue
        status = Booking.Status.CONFIRMED if has_place else Booking.Status.WAITLISTED
        booking = Booking.objects.create(
            slot=slot, user=profile.user, agency=profile.agency, status=status, queued_at=now, agreed_at=now
        )
        if has_place:
            Slot.objects.filter(pk=slot.pk).update(places_held=F("places_held") + 1)
        BookingEvent.objects.create(
            booking=booking, at=now, action="booked (demo)", to_status=status, note="Seeded demo booking"
        )


def past_week_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last whole working week starting five weeks or more before today."""
    return working_week_on_or_before(today - dt.timedelta(days=35))


@register(order=55)
def seed_past_practice_week(context: SeedContext) -> None:
    """A practice week that has happened: visits with attendance marked by hosts and reflections.

    Shows the hosts' attendance page, the L&D attendance report (with anonymised themes,
    four people having agreed to share) and the practice-week part of a learning record
    (senior@ attended a visit and wrote a reflection).
    """
    today = timezone.localdate()
    starts_on, ends_on = past_week_dates(today)
    week, created = _week_ensure(
        slug=PAST_WEEK_SLUG,
        name=f"Practice week {starts_on:%B %Y} (held)",
        starts_on=starts_on,
        ends_on=ends_on,
        signup_opens_on=starts_on - dt.timedelta(days=28),
    )
    slots = []
    for team_index, team in enumerate(_teams(context)):
        hosts = _hosts(team)
        for day_index in (team_index % 5, (team_index + 2) % 5):
            slot = _slot_ensure(
                week=week,
                team=team,
                day=starts_on + dt.timedelta(days=day_index),
                pattern=PATTERNS[(team_index + day_index) % len(PATTERNS)],
                capacity=PAST_VISITS_PER_SLOT,
                hosts=hosts[:1],
                meeting_point=DATA["past_meeting_point"].format(team=team.name, locality=team.locality),
            )
            slots.append(slot)
    _past_visits(week, slots)
    context.say(
        f"practice week: {week.name} ({week.starts_on:%d %b} to {week.ends_on:%d %b %Y}), "
        f"{Slot.objects.filter(week=week).count()} slots, "
        f"{Booking.objects.filter(slot__week=week, status=Booking.Status.CONFIRMED).count()} visits"
        f"{' (created)' if created else ''}"
    )


def _past_visits(week: PracticeWeek, slots: list[Slot]) -> None:
    """Senior managers (senior@ first) with a visit each: most attended, one absent, one unrecorded."""
    managers = sorted(
        StaffProfile.objects.filter(role__slug=roles.SENIOR_MANAGER, active=True).select_related(
            "user", "agency"
        ),
        key=lambda profile: (not profile.user.email.startswith("senior@"), profile.user.email),
    )[: len(slots)]
    for index, (profile, slot) in enumerate(zip(managers, slots, strict=False)):
        if Booking.objects.filter(slot=slot, user=profile.user).exists():
            continue
        booked_at = dt.datetime.combine(
            week.starts_on - dt.timedelta(days=14), dt.time(10), tzinfo=slot.starts_at.tzinfo
        )
        if index == len(managers) - 1:
            attendance = ""  # the host has not recorded this one yet
        elif index == len(managers) - 2:
            attendance = Booking.Attendance.ABSENT
        else:
            attendance = Booking.Attendance.ATTENDED
        host = slot.hosts.first()
        booking = Booking.objects.create(
            slot=slot,
            user=profile.user,
            agency=profile.agency,
            status=Booking.Status.CONFIRMED,
            queued_at=booked_at,
            agreed_at=booked_at,
            attendance=attendance,
            attendance_marked_by=host if attendance else None,
            attendance_marked_at=slot.ends_at if attendance else None,
        )
        Slot.objects.filter(pk=slot.pk).update(places_held=F("places_held") + 1)
        BookingEvent.objects.create(
            booking=booking,
            at=booked_at,
            action="booked (demo)",
            to_status=booking.status,
            note="Seeded demo booking",
        )
        if attendance == Booking.Attendance.ATTENDED and index < len(REFLECTIONS) + 1:
            reflection = REFLECTIONS[index % len(REFLECTIONS)]
            Reflection.objects.get_or_create(
                booking=booking,
                defaults={"text": reflection["text"], "themes": reflection["themes"], "share_themes": True},
            )
