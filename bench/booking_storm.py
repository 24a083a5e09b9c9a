"""200 senior managers race for 20 practice-week slots of two places each, over HTTP.

Builds a practice week on the bench database (PostgreSQL, DATABASE_URL), 20 slots of
capacity 2 and 200 senior managers, signs every manager in (sessions made before
timing), serves the site with gunicorn and has manager i POST a booking for slot
i mod 20 (each slot asked for ten times), 50 requests in flight at once. Afterwards
it counts in the database. Run with `make bench-booking`.

Prints: capacity, confirmed, waitlisted, overbooked, errors, p95_ms.
Targets: confirmed equals capacity, overbooked 0, errors 0, p95 at most 500 ms.
"""

import datetime as dt
from pathlib import Path

import _common as bench

MANAGERS = 200
SLOTS = 20
CAPACITY = 2
IN_FLIGHT = 50
WARM_UP_CLIENTS = 16  # enough to reach every gunicorn worker (and thread) before timing
WEEK_SLUG = "bench-booking-storm"
WARM_UP_SLUG = "bench-booking-warm-up"


def build() -> tuple[list[int], int, list[tuple[str, str]]]:
    """The week, its slots and the managers; returns slot ids and each manager's Cookie header."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from cms.people import roles
    from cms.people.models import Agency, Role, StaffProfile, Team, User
    from practiceweek.models import Booking, PracticeWeek, Slot

    # A previous run's weeks: bookings first (they protect their slots), events go with them.
    Booking.objects.filter(slot__week__slug__in=[WEEK_SLUG, WARM_UP_SLUG]).delete()
    PracticeWeek.objects.filter(slug__in=[WEEK_SLUG, WARM_UP_SLUG]).delete()

    agency, _ = Agency.objects.get_or_create(slug="bench-council", defaults={"name": "Bench council"})
    team, _ = Team.objects.get_or_create(slug="bench-team", defaults={"name": "Bench team", "agency": agency})
    role, _ = Role.objects.get_or_create(slug=roles.SENIOR_MANAGER, defaults={"name": "Senior manager"})
    group, _ = Group.objects.get_or_create(name=roles.GROUP_SENIOR_MANAGERS)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    starts_on = today + dt.timedelta(days=14)
    week = PracticeWeek.objects.create(
        name="Bench booking storm",
        slug=WEEK_SLUG,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=4),
        signup_opens_at=timezone.now() - dt.timedelta(days=1),
        signup_closes_at=timezone.now() + dt.timedelta(days=7),
        max_bookings_per_person=2,
        confidentiality_agreement="Confidential.",
    )
    slot_ids = []
    for index in range(SLOTS):
        start = dt.datetime.combine(
            starts_on + dt.timedelta(days=index % 5), dt.time(9 + index // 5), tzinfo=tz
        )
        slot = Slot.objects.create(
            week=week,
            host_team=team,
            activity="home_visit",
            locality="Oxford",
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=50),
            capacity=CAPACITY,
            meeting_point="Reception",
        )
        slot_ids.append(slot.pk)

    # A separate week, a month later, whose one big slot warms every worker's booking path.
    warm_up = PracticeWeek.objects.create(
        name="Bench warm-up",
        slug=WARM_UP_SLUG,
        starts_on=starts_on + dt.timedelta(days=28),
        ends_on=starts_on + dt.timedelta(days=32),
        signup_opens_at=week.signup_opens_at,
        signup_closes_at=week.signup_closes_at + dt.timedelta(days=28),
        confidentiality_agreement="Confidential.",
    )
    warm_start = dt.datetime.combine(warm_up.starts_on, dt.time(9), tzinfo=tz)
    warm_up_slot = Slot.objects.create(
        week=warm_up,
        host_team=team,
        activity="team_meeting",
        locality="Oxford",
        starts_at=warm_start,
        ends_at=warm_start + dt.timedelta(hours=1),
        capacity=MANAGERS,
        meeting_point="Reception",
    )

    cookies = []
    for index in range(MANAGERS):
        user, created = User.objects.get_or_create(
            email=f"bench-sm-{index}@oxfordshire.gov.uk",
            defaults={"first_name": "Bench", "last_name": f"Manager {index}"},
        )
        if created:
            StaffProfile.objects.create(
                user=user, role=role, team=team, agency=agency, job_title="Senior manager"
            )
            user.groups.add(group)
        session = bench.session_cookie(user=user)
        csrf_cookie, csrf_token = bench.csrf_pair()
        cookies.append((f"{session}; {csrf_cookie}", csrf_token))
    return slot_ids, warm_up_slot.pk, cookies


def count() -> dict[str, int]:
    from django.db.models import Count, Q

    from practiceweek.models import Booking, Slot

    slots = Slot.objects.filter(week__slug=WEEK_SLUG).annotate(
        confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
        waitlisted=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
    )
    return {
        "capacity": sum(slot.capacity for slot in slots),
        "confirmed": sum(slot.confirmed for slot in slots),
        "waitlisted": sum(slot.waitlisted for slot in slots),
        "overbooked": sum(max(slot.confirmed - slot.capacity, 0) for slot in slots),
        "places_mismatch": sum(1 for slot in slots if slot.places_held != slot.confirmed),
    }


def broker_folders_ensure() -> None:
    """Without REDIS_URL the site queues email on kombu's filesystem transport, whose folders must exist."""
    from django.conf import settings

    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


def main() -> None:
    bench.database_prepare()
    broker_folders_ensure()
    slot_ids, warm_up_slot_id, cookies = build()
    per_client = MANAGERS // IN_FLIGHT

    def book(manager: int, slot_id: int) -> bench.HttpRequest:
        cookie, token = cookies[manager]
        return bench.HttpRequest(
            method="POST",
            path=f"/practice-week/slots/{slot_id}/book/",
            body=b"agree=on",
            headers={
                "Cookie": cookie,
                "X-CSRFToken": token,
                "Content-Type": "application/x-www-form-urlencoded",
                "Host": bench.HOST,
            },
        )

    def make_request(client: int, number: int) -> bench.HttpRequest:
        manager = client * per_client + number
        return book(manager, slot_ids[manager % SLOTS])

    def warm_up_request(client: int, number: int) -> bench.HttpRequest:
        return book(client * 4 + number, warm_up_slot_id)

    with bench.gunicorn_serve() as server:
        # Untimed: first requests in each process load URLs, templates and connections.
        warm = bench.http_drive(
            server, clients=WARM_UP_CLIENTS, requests_per_client=4, make_request=warm_up_request
        )
        if set(warm.statuses) != {302}:
            raise SystemExit(f"warm-up bookings failed: {dict(warm.statuses)}\n{server.log_tail()}")
        result = bench.http_drive(
            server, clients=IN_FLIGHT, requests_per_client=per_client, make_request=make_request
        )
        log = server.log_tail()
    figures = count()
    errors = sum(n for status, n in result.statuses.items() if status != 302)
    if errors:
        print(f"# statuses: {dict(result.statuses)}\n# gunicorn log tail:\n{log}")
    if figures.pop("places_mismatch"):
        print("# warning: a slot's places_held disagrees with its confirmed bookings")
    bench.print_figures({**figures, "errors": errors, "p95_ms": result.percentile_ms(95)})


if __name__ == "__main__":
    main()
