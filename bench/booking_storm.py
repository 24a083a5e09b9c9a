"""200 senior managers race for 20 practice-week slots of two places each, over HTTP.

Builds a practice week on the bench database (PostgreSQL, DATABASE_URL), 20 slots of
capacity 2 and 200 senior managers with a password and a verified address, serves the
site with gunicorn, and has every manager sign in over HTTP as a browser does (GET the
sign-in page, POST allauth's form with its CSRF token, keep the cookies; bench/_sign_in.py),
50 at a time. Then manager i POSTs a booking for slot i mod 20 (each slot asked for ten
times) with the session and CSRF cookie sign-in gave them, 50 requests in flight at once.
Afterwards it counts in the database. Run with `make bench-booking`.

Prints: signin_page_p95_ms, signin_p95_ms (the form POST, where the password is checked
with production's hasher at full cost), signin_per_s, capacity, booked (confirmed),
waitlisted, overbooked, errors, booking_p95_ms.
Targets: booked equals capacity, overbooked 0, errors 0, booking p95 at most 500 ms.
Fails unless every manager signed in and every booking answered a redirect.
"""

import datetime as dt
from pathlib import Path

import _common as bench
import _sign_in

MANAGERS = 200
SLOTS = 20
CAPACITY = 2
IN_FLIGHT = 50
# Managers sign in over the minutes before sign-up opens, not all in the same instant: 8 at
# a time (wrk's usual load). Each sign-in checks a password with production's hasher (PBKDF2,
# about a second of one core here), so at 50 at a time the queue alone would be half a minute.
SIGN_IN_IN_FLIGHT = 8
WARM_UP_CLIENTS = 16  # enough to reach every gunicorn worker (and thread) before timing
WEEK_SLUG = "bench-booking-storm"
WARM_UP_SLUG = "bench-booking-warm-up"


PASSWORD = "bench-storm-passphrase-2026"  # noqa: S105 (bench accounts on a bench database)


def build() -> tuple[list[int], int, list[str]]:
    """The week, its slots and the managers; returns slot ids and the managers' addresses."""
    from allauth.account.models import EmailAddress
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

    emails = [f"bench-sm-{index}@oxfordshire.gov.uk" for index in range(MANAGERS)]
    password_hash = _sign_in.password_hash_shared(password=PASSWORD)
    for index, email in enumerate(emails):
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": "Bench", "last_name": f"Manager {index}"}
        )
        if created:
            StaffProfile.objects.create(
                user=user, role=role, team=team, agency=agency, job_title="Senior manager"
            )
            user.groups.add(group)
            # Sign-in is by email address, which must be verified (ACCOUNT_EMAIL_VERIFICATION).
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        # Every run: an earlier run's hash may be from a cheaper hasher (or none at all).
        User.objects.filter(pk=user.pk).update(password=password_hash)
    return slot_ids, warm_up_slot.pk, emails


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
    slot_ids, warm_up_slot_id, emails = build()
    per_client = MANAGERS // IN_FLIGHT
    people: list[_sign_in.SignedIn] = []

    def book(manager: int, slot_id: int) -> bench.HttpRequest:
        person = people[manager]
        return bench.HttpRequest(
            method="POST",
            path=f"/practice-week/slots/{slot_id}/book/",
            body=b"agree=on",
            headers={
                "Cookie": person.cookie_header,
                "X-CSRFToken": person.csrf_token,
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
        signed_in = _sign_in.http_sign_in(server, emails=emails, password=PASSWORD, clients=SIGN_IN_IN_FLIGHT)
        if signed_in.failures:
            failed = signed_in.failures
            raise SystemExit(f"{len(failed)} sign-ins failed, e.g. {failed[:3]}\n{server.log_tail()}")
        people.extend(signed_in.people)
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
    bench.print_figures(
        {
            "signin_page_p95_ms": bench.percentile(signed_in.page_ms, 95),
            "signin_p95_ms": bench.percentile(signed_in.post_ms, 95),
            "signin_per_s": len(signed_in.post_ms) / signed_in.elapsed_s,
            "capacity": figures["capacity"],
            "booked": figures["confirmed"],
            "waitlisted": figures["waitlisted"],
            "overbooked": figures["overbooked"],
            "errors": errors,
            "booking_p95_ms": result.percentile_ms(95),
            "booking_p50_ms": result.percentile_ms(50),
        }
    )
    answered = figures["confirmed"] + figures["waitlisted"]
    if figures["overbooked"] or errors or figures["confirmed"] != figures["capacity"] or answered != MANAGERS:
        raise SystemExit("the storm overbooked a slot, left places free or saw errors")


if __name__ == "__main__":
    main()
