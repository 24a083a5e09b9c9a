"""The staff import with a 10,000-person HR export: the command line, the admin's check, the job.

Builds a county's organisation (the council, police, two NHS trusts; 300 teams in 12
localities; every role) on a PostgreSQL database of its own (`<DATABASE_URL>_import`,
rebuilt on every run) and writes an HR export of 10,000 people whose line managers form
chains (director, heads of service, service managers, team managers, practitioners),
listed in a shuffled order so many managers come after the people they manage. Then:

- `staff_import_10k_s`: `manage.py import_staff` creating everyone (a process of its own,
  as an operator runs it; Django's start-up included). Target: 15 s.
- `staff_import_10k_repeat_s`: the same file again: everyone unchanged.
- `staff_import_10k_check_s`: the admin's check (a dry run) of the moved file below, in
  this process: it runs inside the upload request, so it must take a couple of seconds
  at most. `staff_import_10k_check_page_s` is the whole upload request of the check page for an
  L&D lead signed in as they would be (password, then their authenticator's code).
- `staff_import_10k_job_s`: the job a Celery worker runs for a file in which everyone
  moves team (10,000 updates), run through the worker's code path in this process.
- `staff_import_queries_per_row`: queries of that job divided by its rows (the import's
  queries do not grow with the file: this falls as files grow).

Run with `make bench-import`.
"""

import os
import random
import secrets
import subprocess
import sys
import time
from pathlib import Path

import _common as bench

PEOPLE = 10_000
LOCALITIES = [
    "Oxford City",
    "Banbury",
    "Bicester",
    "Witney",
    "Abingdon",
    "Didcot",
    "Kidlington",
    "Thame",
    "Wantage",
    "Henley",
    "Chipping Norton",
    "Carterton",
]
TEAMS_PER_LOCALITY = 25
HEADER = "email,first name,last name,job title,role,team,agency,line manager email,start date,active\n"
FIRST_NAMES = ["Ann", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamid", "Isla", "Jon", "Kai", "Lena"]
LAST_NAMES = ["Able", "Brown", "Cole", "Davies", "Evans", "Fox", "Green", "Hughes", "Iqbal", "Jones", "Khan"]
PRACTITIONER_ROLES = [
    ("Social worker", "Social worker"),
    ("Family support worker", "Family support worker"),
    ("Domestic abuse practitioner", "Domestic abuse practitioner"),
    ("Substance misuse practitioner", "Substance misuse practitioner"),
    ("Mental health practitioner", "Mental health practitioner"),
]


def _use_own_database() -> None:
    base = bench.database_url().rsplit("/", 1)
    if not base[1].endswith("_import"):
        os.environ["DATABASE_URL"] = f"{base[0]}/{base[1]}_import"


def organisation_build() -> list[tuple[str, str]]:
    """Agencies and teams as the admin would hold them; returns (team slug, agency slug) pairs."""
    from cms.people.models import Agency, Team

    agencies = [
        Agency(
            name="Oxfordshire County Council", slug="occ", kind="council", email_domain="oxfordshire.gov.uk"
        ),
        Agency(name="Thames Valley Police", slug="tvp", kind="police", email_domain="thamesvalley.police.uk"),
        Agency(
            name="Oxford Health NHS Foundation Trust",
            slug="oxford-health",
            kind="nhs",
            email_domain="nhs.net",
        ),
        Agency(name="Oxford University Hospitals", slug="ouh", kind="nhs", email_domain="nhs.net"),
    ]
    Agency.objects.bulk_create(agencies)
    council = Agency.objects.get(slug="occ")
    teams = [
        Team(
            name=f"Family Safeguarding {locality} {number}",
            slug=f"fs-{locality.lower().replace(' ', '-')}-{number}",
            locality=locality,
            agency=council,
        )
        for locality in LOCALITIES
        for number in range(1, TEAMS_PER_LOCALITY + 1)
    ]
    Team.objects.bulk_create(teams)
    return [(team.slug, "occ") for team in teams]


def hr_export(teams: list[tuple[str, str]], *, move: bool = False) -> str:
    """10,000 people in management chains. `move` sends everyone to the next team along."""
    rng = random.Random(10_000)
    rows: list[list[str]] = []

    def person(n: int, domain: str = "oxfordshire.gov.uk") -> str:
        return f"p{n:05d}@{domain}"

    def add(email, title, role, team, agency, manager, started) -> None:
        rows.append(
            [
                email,
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                title,
                role,
                team,
                agency,
                manager,
                started,
                "true",
            ]
        )

    director = person(0)
    add(director, "Director of Children's Services", "Senior manager", "", "occ", "", "2012-04-01")
    number = 1
    heads = []
    for _ in LOCALITIES[:6]:
        heads.append(person(number))
        add(person(number), "Head of Service", "Senior manager", "", "occ", director, "2015-09-01")
        number += 1
    service_managers = []
    for index, _locality in enumerate(LOCALITIES):
        service_managers.append(person(number))
        add(
            person(number),
            "Service manager",
            "Senior manager",
            "",
            "occ",
            heads[index % len(heads)],
            "2017-01-09",
        )
        number += 1
    team_list = teams[1:] + teams[:1] if move else teams
    team_managers = []
    for index, (team, agency) in enumerate(team_list):
        team_managers.append((person(number), team, agency))
        add(
            person(number),
            "Team manager",
            "Team manager",
            team,
            agency,
            service_managers[index // TEAMS_PER_LOCALITY],
            "2019-04-01",
        )
        number += 1
    domains = [("oxfordshire.gov.uk", "occ")] * 8 + [
        ("thamesvalley.police.uk", "tvp"),
        ("nhs.net", "oxford-health"),
    ]
    while number < PEOPLE:
        manager, team, _team_agency = team_managers[number % len(team_managers)]
        domain, agency = rng.choice(domains)
        title, role = rng.choice(PRACTITIONER_ROLES)
        started = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2010, 2025)}"
        add(person(number, domain), title, role, team, agency, manager, started)
        number += 1
    rng.shuffle(rows)
    return HEADER + "".join(",".join(row) + "\n" for row in rows)


def command_run(path: Path) -> float:
    """`manage.py import_staff` in its own process, as an operator or a cron job runs it."""
    env = {**os.environ, **bench.bench_environment()}
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", "import_staff", str(path)],
        cwd=bench.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"import_staff failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    print("bench: " + completed.stdout.strip().splitlines()[-1], flush=True)
    return elapsed


def lead_signed_in():
    """An L&D lead's browser session, signed in as they would be: allauth's form with the password,
    then the code from their authenticator app (computed with allauth's own TOTP helpers), so the
    admin's MFA gate lets the check page through. A Django test Client, but every step over the
    site's real views, with the CSRF check on."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
    from django.conf import settings
    from django.test import Client

    from cms.people import roles
    from cms.people.models import Role, StaffProfile, User
    from cms.people.services import role_groups_sync

    password = secrets.token_urlsafe(24)
    lead = User.objects.create_user(
        email="bench.ldlead@oxfordshire.gov.uk", password=password, first_name="Bench", last_name="Lead"
    )
    EmailAddress.objects.create(user=lead, email=lead.email, verified=True, primary=True)
    StaffProfile.objects.create(user=lead, role=Role.objects.get(slug=roles.LEARNING_AND_DEVELOPMENT_LEAD))
    role_groups_sync(user=lead)
    secret = generate_totp_secret()
    TOTP.activate(lead, secret)

    client = Client(SERVER_NAME=bench.HOST, enforce_csrf_checks=True)

    def post(path: str, data: dict):
        token = client.cookies[settings.CSRF_COOKIE_NAME].value
        return client.post(path, {**data, "csrfmiddlewaretoken": token})

    client.get("/accounts/login/")
    response = post("/accounts/login/", {"login": lead.email, "password": password})
    if response.status_code != 302 or not response["Location"].startswith("/accounts/2fa/authenticate/"):
        raise SystemExit(f"bench: the sign-in form answered {response.status_code}, not the code step")
    client.get(response["Location"])
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = post("/accounts/2fa/authenticate/", {"code": code})
    if response.status_code != 302:
        raise SystemExit(f"bench: the authenticator code was refused ({response.status_code})")
    client.get("/admin/people/import/")  # the upload page, as the lead opens it (and its CSRF cookie)
    return client


def check_page_seconds(data: bytes) -> float:
    """Upload the file to the admin's check step as a signed-in L&D lead and render the check page."""
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    bench.collect_static()  # the sign-in pages and the check page link the built CSS
    client = lead_signed_in()
    upload = SimpleUploadedFile("hr.csv", data, content_type="text/csv")
    started = time.perf_counter()
    response = client.post(
        "/admin/people/import/",
        {"file": upload, "csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME].value},
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or b"Check the changes in hr.csv" not in response.content:
        raise SystemExit(f"bench: the check page answered {response.status_code}, not the check of hr.csv")
    return elapsed


def main() -> None:
    _use_own_database()
    bench.database_prepare(fresh=True)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.people.models import StaffImportJob, StaffProfile
    from cms.people.services import staff_import, staff_import_job_run

    teams = organisation_build()
    folder = bench.VAR_DIR / "staff-import"
    folder.mkdir(parents=True, exist_ok=True)
    first, moved = folder / "hr-export-10k.csv", folder / "hr-export-10k-moved.csv"
    first.write_text(hr_export(teams), encoding="utf-8")
    moved.write_text(hr_export(teams, move=True), encoding="utf-8")
    figures: dict[str, float | int | str] = {}

    figures["staff_import_10k_s"] = round(command_run(first), 2)
    print(f"bench: created in {figures['staff_import_10k_s']} s", flush=True)
    if StaffProfile.objects.count() != PEOPLE:
        raise SystemExit(f"expected {PEOPLE} profiles, found {StaffProfile.objects.count()}")
    figures["staff_import_10k_repeat_s"] = round(command_run(first), 2)

    data = moved.read_bytes()
    started = time.perf_counter()
    checked = staff_import(data=data, dry_run=True)
    figures["staff_import_10k_check_s"] = round(time.perf_counter() - started, 2)
    if not checked.ok or checked.updated < PEOPLE - 100:
        raise SystemExit(
            f"the moved file did not check as expected: {checked.summary()} {checked.errors[:3]}"
        )
    figures["staff_import_10k_check_page_s"] = round(check_page_seconds(data), 2)

    job = StaffImportJob.objects.create(file_name=moved.name, data=data, rows_total=PEOPLE)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        status = staff_import_job_run(job_id=job.pk)
        figures["staff_import_10k_job_s"] = round(time.perf_counter() - started, 2)
    job.refresh_from_db()
    if status != "succeeded":
        raise SystemExit(f"the job ended {status}: {job.summary}")
    print(f"bench: job: {job.summary}", flush=True)
    figures["staff_import_job_queries"] = len(queries.captured_queries)
    figures["staff_import_queries_per_row"] = f"{len(queries.captured_queries) / PEOPLE:.4f}"
    bench.print_figures(figures)


if __name__ == "__main__":
    main()
