"""Readiness, My team, My learning and the matrix export with 5,000 staff.

Builds 5,000 staff in 60 teams with 30 modules assigned to everyone (150,000
enrolments) and varied progress, on a PostgreSQL database of its own
(`<DATABASE_URL>_readiness`, rebuilt on every run). Serves with gunicorn as
production does (gunicorn.conf.py) and drives each view over HTTP with wrk, 8 requests in flight. Run with
`make bench-readiness`. L&D sign in with password and authenticator code (the admin's MFA gate
refuses a session made by force_login); the manager and the learner get minted sessions.

The dashboard's figures are cached (READINESS_CACHE_SECONDS, recomputed by beat every
five minutes), so it also prints readiness_figures_compute_ms: the cost of computing them (the
median of COMPUTE_RUNS cold computations; readiness_figures_first_compute_ms is the first).

Prints readiness_dashboard_p95_ms (target <= 300), team_view_p95_ms (150, for a manager of
team_view_people = 60 people: 1,800 assigned items), my_learning_p95_ms (100), csv_export_s
for the full matrix (5), readiness_figures_compute_ms (150), the query counts
dashboard_queries, team_view_queries and my_learning_queries (<= 15 each, not growing with
data) and each page's share of the bare ceiling (`<name>_vs_bare`).
"""

import gc
import os
import random
import statistics
import time
import urllib.request
from datetime import date, timedelta

import _common as bench
import _sign_in

STAFF, TEAMS, MODULES = 5000, 60, 30
# My team is measured for the manager of team 5 (bench.0005), who has 60 people; the other
# 4,880 are spread over the other 59 teams (82 or 83 each, with their managers).
MANAGED_TEAM, MANAGED_PEOPLE = 5, 60
CONNECTIONS = 8
COMPUTE_RUNS = 5  # cold computations of the readiness figures; the median is printed
LD_EMAIL = "bench.ld@oxfordshire.gov.uk"
LD_PASSWORD = "bench-readiness-passphrase-2026"  # noqa: S105 (a bench account on a bench database)
# Base32, as allauth's generate_totp_secret makes; a bench account on a bench database.
LD_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


def team_of(number: int) -> int:
    """The team of staff member `number`: managers 0-59 lead teams 0-59, then 60 people join
    MANAGED_TEAM and everyone else is dealt round the other teams."""
    if number < TEAMS:
        return number
    if number - TEAMS < MANAGED_PEOPLE:
        return MANAGED_TEAM
    others = [team for team in range(TEAMS) if team != MANAGED_TEAM]
    return others[(number - TEAMS - MANAGED_PEOPLE) % len(others)]


def _use_own_database() -> None:
    base = bench.database_url().rsplit("/", 1)
    if not base[1].endswith("_readiness"):
        os.environ["DATABASE_URL"] = f"{base[0]}/{base[1]}_readiness"


def build() -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group, Permission
    from django.utils import timezone

    from cms.pages.demo.seed import home_page_ensure
    from cms.pages.models import HomePage
    from cms.people import roles
    from cms.people.models import Agency, Role, StaffProfile, Team, User
    from learning.models import Assignment, ModuleCompletion, ModuleProgress, Programme
    from learning.services import enrolments_sync
    from modules.models import ModuleIndexPage, ModulePage

    existing = User.objects.filter(email=LD_EMAIL).first()
    if existing is None:
        rng = random.Random(5000)
        home = HomePage.objects.first() or home_page_ensure()
        index = ModuleIndexPage.objects.first()
        if index is None:
            index = ModuleIndexPage(title="Training modules", slug="modules")
            home.add_child(instance=index)
        modules = []
        for number in range(MODULES):
            module = ModulePage(
                title=f"Bench module {number:02d}", slug=f"bench-module-{number:02d}", summary="Bench."
            )
            index.add_child(instance=module)
            modules.append(module)
        agency, _ = Agency.objects.get_or_create(
            slug="bench-council", defaults={"name": "Bench County Council"}
        )
        role, _ = Role.objects.get_or_create(slug=roles.SOCIAL_WORKER, defaults={"name": "Social worker"})
        manager_role, _ = Role.objects.get_or_create(
            slug=roles.TEAM_MANAGER, defaults={"name": "Team manager"}
        )
        teams = Team.objects.bulk_create(
            [
                Team(name=f"Bench team {n:02d}", slug=f"bench-team-{n:02d}", locality="Bench", agency=agency)
                for n in range(TEAMS)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench.{n:04d}@oxfordshire.gov.uk", first_name=f"Person{n:04d}", last_name="Bench"
                )
                for n in range(STAFF)
            ]
        )
        managers = users[:TEAMS]
        StaffProfile.objects.bulk_create(
            [
                StaffProfile(
                    user=user,
                    role=manager_role if n < TEAMS else role,
                    team=teams[team_of(n)],
                    agency=agency,
                    line_manager=None if n < TEAMS else managers[team_of(n)],
                    job_title="Social worker",
                )
                for n, user in enumerate(users)
            ]
        )
        programme = Programme.objects.create(
            name="Bench rollout", slug="bench-rollout", go_live_date=date(2027, 6, 7)
        )
        for module in modules:
            assignment = Assignment.objects.create(
                programme=programme,
                module=module,
                due_mode="fixed",
                due_date=date(2027, 1, 1) + timedelta(days=rng.randint(-60, 120)),
            )
            assignment.agencies.set([agency])
        print("bench: enrolling 150,000 ...", flush=True)
        enrolments_sync(today=timezone.localdate() - timedelta(days=70))
        now = timezone.now()
        completions, progress = [], []
        for user in users:
            for module in modules:
                roll = rng.random()
                if roll < 0.4:
                    completions.append(
                        ModuleCompletion(
                            user=user, module=module, completed_at=now - timedelta(days=rng.randint(1, 60))
                        )
                    )
                elif roll < 0.6:
                    progress.append(
                        ModuleProgress(
                            user=user,
                            module=module,
                            lessons_completed=1,
                            lessons_total=3,
                            started_at=now,
                            last_activity_at=now,
                        )
                    )
        ModuleCompletion.objects.bulk_create(completions, batch_size=5000)
        ModuleProgress.objects.bulk_create(progress, batch_size=5000)
        print("bench: marking completions ...", flush=True)
        enrolments_sync()
        ld = User.objects.create_user(
            email=LD_EMAIL, password=LD_PASSWORD, first_name="Bench", last_name="L&D"
        )
        EmailAddress.objects.create(user=ld, email=LD_EMAIL, verified=True, primary=True)
        ld.groups.add(Group.objects.get_or_create(name=roles.GROUP_LD_EDITORS)[0])
        ld.user_permissions.add(Permission.objects.get(codename="access_admin"))
        # A real authenticator: the admin's MFA gate admits only a session that passed it.
        TOTP.activate(ld, LD_TOTP_SECRET)
        # What autovacuum does after a bulk load on a live database: fresh planner
        # statistics, and the visibility map that lets PostgreSQL read from an index alone.
        bench.database_vacuum()

    return {
        "ld": User.objects.get(email=LD_EMAIL),
        "manager": User.objects.get(email=f"bench.{MANAGED_TEAM:04d}@oxfordshire.gov.uk"),
        "learner": User.objects.get(email=f"bench.{STAFF - 1:04d}@oxfordshire.gov.uk"),
    }


def _query_count_ok(path: str, *, cookie: str) -> int:
    """SQL queries of one GET in this process with a session cookie (the second of two); it must be a 200."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    name, value = cookie.split("=", 1)
    client = Client(SERVER_NAME=bench.HOST)
    client.cookies[name] = value
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code} in this process, not 200")
    return len(captured.captured_queries)


def main() -> None:
    _use_own_database()
    # Rebuilt every run: a half-built database from an interrupted run would skew the figures.
    bench.database_prepare(fresh=True)
    people = build()
    figures: dict[str, float | int] = {}
    from django.utils import timezone

    from learning.models import Programme
    from learning.selectors import readiness_figures

    # What the beat task (or the first viewer after expiry) pays to compute the figures: each
    # computation is cold (the figures are not read from the cache), so the median of
    # COMPUTE_RUNS, each after a full garbage collection (building the data leaves hundreds of
    # thousands of objects for the first one to sweep), with the first also printed.
    programme = Programme.objects.get(slug="bench-rollout")
    timings = []
    for _run in range(COMPUTE_RUNS):
        gc.collect()
        started = time.perf_counter()
        readiness_figures(programme=programme, today=timezone.localdate())
        timings.append(1000 * (time.perf_counter() - started))
    figures["readiness_figures_first_compute_ms"] = round(timings[0], 1)
    figures["readiness_figures_compute_ms"] = round(statistics.median(timings), 1)
    # L&D sign in with their password and authenticator code: the admin's MFA gate sends a
    # session made by force_login back to sign in (a 302 that would be measured instead).
    ld_cookie = _sign_in.mfa_session_cookie(email=LD_EMAIL, password=LD_PASSWORD, totp_secret=LD_TOTP_SECRET)
    figures["dashboard_queries"] = _query_count_ok("/admin/readiness/", cookie=ld_cookie)
    _status, figures["my_learning_queries"] = bench.query_count("/learning/", user=people["learner"])
    from cms.people.selectors import team_members

    team_view_people = team_members(manager=people["manager"]).count()
    if team_view_people != MANAGED_PEOPLE:
        raise SystemExit(f"the bench manager has {team_view_people} people, not {MANAGED_PEOPLE}")
    figures["team_view_people"] = team_view_people
    _status, figures["team_view_queries"] = bench.query_count("/learning/team/", user=people["manager"])
    views = {
        "readiness_dashboard": ("/admin/readiness/", people["ld"]),
        "team_view": ("/learning/team/", people["manager"]),
        "my_learning": ("/learning/", people["learner"]),
    }
    shares: dict[str, bench.Share] = {}
    with bench.bare_beside(connections=CONNECTIONS) as ceiling, bench.gunicorn_serve() as server:
        for name, (path, user) in views.items():
            cookie = ld_cookie if user == people["ld"] else bench.session_cookie(user=user)
            url = server.url(path)
            bench.http_expect_ok(url, cookie=cookie)
            bench.wrk_run(url, connections=CONNECTIONS, threads=2, duration=2, cookie=cookie)
            result, shares[name] = ceiling.wrk(url, connections=CONNECTIONS, threads=2, cookie=cookie)
            figures[f"{name}_rps"] = result.requests_per_second
            figures[f"{name}_p95_ms"] = result.p95_ms
        request = urllib.request.Request(
            server.url("/admin/readiness/export/matrix.csv"),
            headers={"Cookie": ld_cookie},
        )
        started = time.perf_counter()
        rows = 0
        with urllib.request.urlopen(request, timeout=120) as response:
            # Read in large blocks, as a browser saves a download, and count the lines.
            while block := response.read(1 << 20):
                rows += block.count(b"\n")
        figures["csv_export_s"] = round(time.perf_counter() - started, 2)
        figures["csv_export_rows"] = rows - 1
    ceiling.figures_add(figures, **shares)
    bench.print_figures(figures)


if __name__ == "__main__":
    main()
