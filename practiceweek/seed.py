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

from django.db.models import F
from django.utils import timezone

from cms.core.seeding import SeedContext, register
from cms.people import roles
from cms.people.models import Agency, StaffProfile, Team
from practiceweek.models import Activity, AgencyQuota, Booking, BookingEvent, PracticeWeek, Reflection, Slot

WEEK_SLUG = "practice-week-demo"
TEAM_SLUG_PREFIX = "family-safeguarding-"
FALLBACK_LOCALITIES = ["Oxford City", "Banbury", "Bicester", "Witney", "Abingdon", "Didcot"]

AGREEMENT = (
    "You will meet children, parents and professionals at a difficult time in their lives. "
    "Everything you see, hear or read about a family stays confidential: you will not discuss it "
    "outside the visit, note names or identifying details, or take photographs.\n\n"
    "You are there to observe. Follow the host practitioner's lead; if a family does not want a "
    "visitor, you will step out without question. If you see or hear something that worries you "
    "about a child's safety, tell the host practitioner straight away."
)

# (activity, start hour, start minute, duration in minutes, capacity, what you will see)
PATTERNS = [
    (Activity.HOME_VISIT, 9, 30, 90, 1, "A planned home visit with a social worker and an adult specialist."),
    (
        Activity.GROUP_SUPERVISION,
        10,
        0,
        120,
        3,
        "The whole team discusses families together, every discipline.",
    ),
    (
        Activity.CP_CONFERENCE,
        13,
        30,
        120,
        2,
        "An initial child protection conference, observed with consent.",
    ),
    (Activity.TEAM_MEETING, 9, 0, 60, 4, "The team's weekly meeting: allocations, risks and good news."),
    (Activity.DUTY_DESK, 14, 0, 150, 2, "Contacts and referrals as they arrive at the duty desk."),
    (Activity.HOME_VISIT, 15, 30, 90, 1, "An after-school home visit focused on the children's views."),
    (Activity.COURT, 10, 0, 180, 1, "Care proceedings at the family court, with the allocated worker."),
    (Activity.FAMILY_MEETING, 11, 0, 90, 2, "A family group meeting planning support with the wider family."),
]


def demo_week_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday two to three weeks ahead, through that Friday."""
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7 + 14)
    return monday, monday + dt.timedelta(days=4)


def _teams(context: SeedContext) -> list[Team]:
    teams = list(
        Team.objects.filter(slug__startswith=TEAM_SLUG_PREFIX).select_related("agency").order_by("pk")[:6]
    )
    if len(teams) == 6:
        return teams
    context.say("practice week: Family Safeguarding teams not found; creating six minimal teams")
    council, _ = Agency.objects.get_or_create(
        slug="oxfordshire-county-council",
        defaults={"name": "Oxfordshire County Council", "kind": Agency.Kind.COUNCIL},
    )
    return [
        Team.objects.get_or_create(
            slug=TEAM_SLUG_PREFIX + locality.lower().replace(" ", "-"),
            defaults={
                "name": f"Family Safeguarding Team {locality}",
                "locality": locality,
                "agency": council,
            },
        )[0]
        for locality in FALLBACK_LOCALITIES
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
    for kind, places in ((Agency.Kind.POLICE, 8), (Agency.Kind.NHS, 8)):
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
                    meeting_point=f"Reception, {team.name} office, {team.locality}. "
                    "Ask for the host practitioner by name.",
                    access_notes="Step-free access. Visitor parking is limited; public transport is "
                    "easier. Wear your ID badge.",
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
    pattern: tuple,
    hosts: list,
    meeting_point: str,
    access_notes: str = "",
    capacity: int | None = None,
) -> Slot:
    """A demo slot of `pattern` (see PATTERNS) for `team` on `day`, made once; its hosts set when
    made. `capacity` defaults to the pattern's."""
    activity, hour, minute, minutes, pattern_capacity, description = pattern
    starts_at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())
    slot, made = Slot.objects.get_or_create(
        week=week,
        host_team=team,
        starts_at=starts_at,
        defaults={
            "ends_at": starts_at + dt.timedelta(minutes=minutes),
            "activity": activity,
            "description": description,
            "locality": team.locality or "Oxfordshire",
            "capacity": pattern_capacity if capacity is None else capacity,
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


PAST_WEEK_SLUG = "practice-week-demo-past"
PAST_VISITS_PER_SLOT = 2
# (what the visitor wrote, the themes they chose); every demo author agreed to share themes.
REFLECTIONS = [
    (
        "Seeing the adult mental health practitioner and the social worker plan the visit together "
        "changed how I think about referrals between our services.",
        ["multi_agency", "whole_family"],
    ),
    (
        "The worker's open questions and reflections kept the parent talking about what they wanted "
        "for their children, even when the conversation was hard.",
        ["mi", "childs_voice"],
    ),
    (
        "Group supervision gave every discipline a say in the plan. I want our managers to see it.",
        ["group_supervision", "multi_agency"],
    ),
    (
        "The team was clear with the family about the concerns while staying warm. Caseloads are high.",
        ["risk", "workload"],
    ),
]


def past_week_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday five to six weeks back, through that Friday."""
    monday = today - dt.timedelta(days=today.weekday() + 35)
    return monday, monday + dt.timedelta(days=4)


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
                meeting_point=f"Reception, {team.name} office, {team.locality}.",
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
            text, themes = REFLECTIONS[index % len(REFLECTIONS)]
            Reflection.objects.get_or_create(
                booking=booking, defaults={"text": text, "themes": themes, "share_themes": True}
            )
