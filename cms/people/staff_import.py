"""Staff import from an HR export (CSV): parse, check every row, then upsert in one transaction.

Used by `manage.py import_staff` and the admin upload (cms.people.views), so both
accept and refuse exactly the same files.

- Upsert by email, case-insensitively. Running the same file twice changes nothing.
- All or nothing: any bad row and nothing is written; every bad row is reported
  with its line number in the file and the reason.
- Line managers may be people earlier or later in the file, or already on the
  platform. Nobody may manage themselves, and chains of managers may not loop.
- Leavers: a row with `active` false marks the person as a leaver (records kept,
  sign-in stopped). People absent from the file are left exactly as they are: an
  HR export is often partial (one agency, one locality), so absence proves nothing.
- Untrusted input: UTF-8 (with or without a byte-order mark) only, caps on bytes and
  rows, binary files refused. Names and job titles are stored exactly as typed: every
  export neutralises spreadsheet formulas on the way out (cms.core.spreadsheets).
- Emails must be plain addresses (letters, digits and . _ % + - ' before the @, never a
  formula character first, a real-looking domain), and an address that would get a new
  account must be in a domain the sign-up rules allow (cms.people.adapters).
- Adoption: an account that signed itself up and never confirmed its address (so has never
  signed in, and whoever made it chose its password) is taken over as the person HR names:
  its password is made unusable and its confirmation keys and sessions are voided, then it
  is placed like any imported account. The pre-registrant gains nothing.
- Speed: a constant number of queries whatever the file's size (bulk reads and writes, one
  query per kind of write); `progress(done, total)` is called every PROGRESS_EVERY rows
  checked. After commit, `people_changed` is sent with everyone created or changed.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import import_module
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from cms.core.csv_intake import CsvRefused, csv_date, csv_text
from cms.core.selectors import people_facts_cache_key
from cms.people import conf
from cms.people.adapters import domain_is_allowed, email_domain
from cms.people.middleware import user_cache_key
from cms.people.models import Agency, Invitation, Role, StaffImportJob, StaffProfile, Team, User
from cms.people.services import role_groups_sync_many
from cms.people.signals import people_changed

# Canonical column -> the header spellings accepted (compared after normalising case,
# spaces, underscores and hyphens).
COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "email address", "work email"),
    "first_name": ("first name", "forename", "given name"),
    "last_name": ("last name", "surname", "family name"),
    "job_title": ("job title", "title", "position"),
    "role": ("role",),
    "team": ("team",),
    "agency": ("agency", "organisation", "organization"),
    "line_manager_email": ("line manager email", "line manager", "manager email"),
    "start_date": ("start date", "started"),
    "active": ("active",),
}
REQUIRED_COLUMNS = [column for column in COLUMNS if column != "active"]
REQUIRED_VALUES = {"email": "email", "first_name": "first name", "last_name": "last name", "role": "role"}
HEADER_LABELS = {
    "email": "email",
    "first_name": "first name",
    "last_name": "last name",
    "job_title": "job title",
    "role": "role",
    "team": "team",
    "agency": "agency",
    "line_manager_email": "line manager email",
    "start_date": "start date",
    "active": "active",
}
MAX_LENGTHS = {"email": 254, "first_name": 150, "last_name": 150, "job_title": 120}
TRUE_WORDS = {"", "true", "yes", "y", "1", "active"}
FALSE_WORDS = {"false", "no", "n", "0", "inactive", "left", "leaver"}
# A plain work address: what HR systems issue. Anything else in an HR export is a typo or an attack.
EMAIL_LOCAL_PART = re.compile(r"^[a-z0-9._%+'-]{1,64}$")
EMAIL_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
FORMULA_STARTS = ("=", "+", "-", "@")
PROGRESS_EVERY = 500
WRITE_BATCH = 2000
TAKEN_OVER = "sign-in (unconfirmed sign-up taken over)"

Progress = Callable[[int, int], None]
# A job not heard from for this long (no progress written) has lost its worker.
JOB_STALLED_AFTER = timedelta(minutes=15)
RECENT_JOBS = 20

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1-based line in the file; 0 for the file as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class ImportChange:
    line: int
    email: str
    action: str  # "create", "update" or "unchanged"
    fields: tuple[str, ...] = ()


@dataclass
class ImportResult:
    dry_run: bool
    errors: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    changes: list[ImportChange] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def taken_over(self) -> int:
        return sum(1 for change in self.changes if TAKEN_OVER in change.fields)

    def as_dict(self) -> dict:
        """The outcome as JSON-ready data, as a staff import job keeps it."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "taken_over": self.taken_over,
            "errors": [[problem.line, problem.message] for problem in self.errors],
            "warnings": [[problem.line, problem.message] for problem in self.warnings],
        }

    def summary(self) -> str:
        if not self.ok:
            return f"{len(self.errors)} problem(s) found; nothing was imported."
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.rows} row(s): {self.created} {verb} created, {self.updated} {verb} updated, "
            f"{self.unchanged} unchanged." + (" Dry run: nothing was written." if self.dry_run else "")
        )


@dataclass
class _Row:
    line: int
    email: str
    first_name: str
    last_name: str
    job_title: str
    role: Role
    team: Team | None
    agency: Agency | None
    line_manager_email: str
    start_date: date | None
    active: bool


class _Refused(Exception):
    """The file as a whole cannot be read."""


def _normalise_header(value: str) -> str:
    return re.sub(r"[\s_\-]+", " ", value.strip().lower()).strip()


def _decode(data: bytes) -> str:
    try:
        return csv_text(
            data,
            max_bytes=conf.STAFF_IMPORT_MAX_BYTES,
            empty_advice="Export the staff list from the HR system as CSV and try again.",
        )
    except CsvRefused as error:
        raise _Refused(str(error)) from error


class _Lookup:
    """Roles, agencies and teams by slug or name, case-insensitively."""

    def __init__(self) -> None:
        self.roles = self._index(Role.objects.all())
        self.agencies = self._index(Agency.objects.all())
        self.teams: dict[str, list[Team]] = {}
        for team in Team.objects.select_related("agency"):
            for key in {team.slug.lower(), team.name.strip().lower()}:
                self.teams.setdefault(key, []).append(team)

    @staticmethod
    def _index(objects) -> dict:
        index = {}
        for obj in objects:
            index[obj.slug.lower()] = obj
            index[obj.name.strip().lower()] = obj
        return index

    def team(self, value: str, agency: Agency | None) -> Team:
        candidates = self.teams.get(value.lower(), [])
        if len(candidates) > 1 and agency is not None:
            candidates = [team for team in candidates if team.agency_id == agency.pk] or candidates
        if not candidates:
            raise ValueError(f"unknown team '{value}'")
        if len(candidates) > 1:
            raise ValueError(
                f"team '{value}' is ambiguous (more than one agency has it); use the team's slug"
            )
        return candidates[0]


def _read_rows(text: str, result: ImportResult) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _Refused(f"The header line cannot be read as CSV ({error}).") from error
    if not header or not any(cell.strip() for cell in header):
        raise _Refused("The first line must name the columns; it is empty.")
    positions: dict[str, int] = {}
    aliases = {alias: column for column, names in COLUMNS.items() for alias in names}
    extra = []
    for index, cell in enumerate(header):
        name = _normalise_header(cell)
        column = aliases.get(name)
        if column is None:
            if name:
                extra.append(cell.strip())
            continue
        if column in positions:
            raise _Refused(f"Line 1: the column '{HEADER_LABELS[column]}' appears more than once.")
        positions[column] = index
    missing = [HEADER_LABELS[column] for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise _Refused(
            "Line 1: missing column(s): "
            + ", ".join(missing)
            + ". The columns are: "
            + ", ".join(HEADER_LABELS[column] for column in REQUIRED_COLUMNS)
            + " (and optionally active)."
        )
    if extra:
        result.warnings.append(ImportProblem(1, "ignored column(s): " + ", ".join(extra[:20])))

    rows: list[tuple[int, dict[str, str]]] = []
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.errors.append(ImportProblem(start, f"cannot be read as CSV ({error})"))
            break
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= conf.STAFF_IMPORT_MAX_ROWS:
            raise _Refused(
                f"The file has more than {conf.STAFF_IMPORT_MAX_ROWS:,} rows. Split it into smaller files."
            )
        values = {
            column: (cells[index].strip() if index < len(cells) else "")
            for column, index in positions.items()
        }
        rows.append((start, values))
    return rows


def email_problem(email: str) -> str:
    """Why `email` (lower-case) is not a plain work email address, or "" when it is one."""
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        return "it needs a name, an @ and a domain"
    if "@" in local:
        return "it has more than one @"
    if local.startswith(FORMULA_STARTS):
        return f"it starts with {local[0]}, which a spreadsheet would run as a formula"
    if not EMAIL_LOCAL_PART.match(local):
        return "before the @ it may only have letters, digits and . _ % + - '"
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return "a dot cannot start or end the name before the @, or follow another dot"
    if not EMAIL_DOMAIN.match(domain):
        return f"'{domain}' is not an email domain"
    return ""


def _check_row(line: int, values: dict[str, str], lookup: _Lookup, result: ImportResult) -> _Row | None:
    problems: list[str] = []
    for column, label in REQUIRED_VALUES.items():
        if not values.get(column):
            problems.append(f"{label} is missing")
    for column, limit in MAX_LENGTHS.items():
        if len(values.get(column, "")) > limit:
            problems.append(f"{HEADER_LABELS[column]} is longer than {limit} characters")

    email = values.get("email", "").lower()
    if email:
        reason = email_problem(email)
        if reason:
            problems.append(f"'{values['email']}' is not a valid email address: {reason}")
    role = agency = team = None
    if values.get("role"):
        role = lookup.roles.get(values["role"].lower())
        if role is None:
            problems.append(f"unknown role '{values['role']}'")
    if values.get("agency"):
        agency = lookup.agencies.get(values["agency"].lower())
        if agency is None:
            problems.append(f"unknown agency '{values['agency']}'")
    if values.get("team"):
        try:
            team = lookup.team(values["team"], agency)
        except ValueError as error:
            problems.append(str(error))
    if agency is None and team is not None and not values.get("agency"):
        agency = team.agency
    start_date = None
    if values.get("start_date"):
        try:
            start_date = csv_date(values["start_date"])
        except ValueError:
            problems.append(
                f"start date '{values['start_date']}' is not a date; use YYYY-MM-DD or DD/MM/YYYY"
            )
    active_word = values.get("active", "").lower()
    active = True
    if active_word in FALSE_WORDS:
        active = False
    elif active_word not in TRUE_WORDS:
        problems.append(f"active '{values['active']}' must be true or false")
    manager_email = values.get("line_manager_email", "").lower()
    if manager_email:
        reason = email_problem(manager_email)
        if reason:
            problems.append(
                f"line manager email '{values['line_manager_email']}' is not a valid email address: {reason}"
            )
            manager_email = ""
        if manager_email and manager_email == email:
            problems.append("a person cannot be their own line manager")
            manager_email = ""

    if problems:
        result.errors.extend(ImportProblem(line, problem) for problem in problems)
        return None
    assert role is not None  # noqa: S101 - required above
    return _Row(
        line=line,
        email=email,
        first_name=values.get("first_name", ""),
        last_name=values.get("last_name", ""),
        job_title=values.get("job_title", ""),
        role=role,
        team=team,
        agency=agency,
        line_manager_email=manager_email,
        start_date=start_date,
        active=active,
    )


class _Person(NamedTuple):
    """What the import needs of someone already on the platform (read as plain values: fast)."""

    pk: int
    email: str
    first_name: str
    last_name: str
    is_active: bool
    is_superuser: bool
    profile_pk: int | None
    job_title: str | None
    role_id: int | None
    team_id: int | None
    agency_id: int | None
    line_manager_email: str | None
    start_date: date | None
    active: bool | None


PERSON_FIELDS = (
    "pk",
    "email",
    "first_name",
    "last_name",
    "is_active",
    "is_superuser",
    "profile__pk",
    "profile__job_title",
    "profile__role_id",
    "profile__team_id",
    "profile__agency_id",
    "profile__line_manager__email",
    "profile__start_date",
    "profile__active",
)
# Above this many addresses, reading everyone once is cheaper than sending them all in a query.
WHOLE_TABLE_FROM = 2000
# A profile's placement, in the order the import writes it.
PLACEMENT = (
    "job_title",
    "role_id",
    "team_id",
    "agency_id",
    "line_manager_id",
    "start_date",
    "active",
    "updated_at",
)


def _users_by_email(emails: Iterable[str]) -> dict[str, _Person]:
    """People with these (lower-case) addresses, with their profile, in one query."""
    wanted = set(emails)
    if not wanted:
        return {}
    people = User.objects.order_by()
    if len(wanted) < WHOLE_TABLE_FROM:
        people = people.annotate(email_lower=Lower("email")).filter(email_lower__in=list(wanted))
    found = {}
    for values in people.values_list(*PERSON_FIELDS):
        person = _Person(*values)
        email = person.email.lower()
        if email in wanted:
            manager = person.line_manager_email
            found[email] = person._replace(line_manager_email=manager.lower() if manager else None)
    return found


def _unconfirmed_sign_ups(people: dict[str, _Person]) -> set[str]:
    """The addresses among `people` of accounts that signed themselves up and never confirmed.

    Such an account has an allauth address record, none of its addresses verified, came
    through no invitation and no single sign-on, and is no superuser. Mandatory
    verification means it has never signed in, and whoever created it chose its password.
    Unconfirmed address records are few (sign-ups in their first days), so they are read first.
    """
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    candidates = {person.pk: email for email, person in people.items() if not person.is_superuser}
    if not candidates:
        return set()
    suspects = set(EmailAddress.objects.filter(verified=False).values_list("user_id", flat=True)) & set(
        candidates
    )
    if suspects:
        suspects -= set(
            EmailAddress.objects.filter(user_id__in=list(suspects), verified=True).values_list(
                "user_id", flat=True
            )
        )
    if suspects:
        suspects -= set(
            Invitation.objects.filter(accepted_user_id__in=list(suspects)).values_list(
                "accepted_user_id", flat=True
            )
        )
    if suspects:
        suspects -= set(
            SocialAccount.objects.filter(user_id__in=list(suspects)).values_list("user_id", flat=True)
        )
    return {candidates[user_id] for user_id in suspects}


def _check_domains(
    rows: list[_Row], existing: dict[str, _Person], unconfirmed: set[str], result: ImportResult
) -> None:
    """An address that gets an account now (a new one, or a sign-up taken over) follows the sign-up
    domain rule; people already admitted (invited, confirmed, imported) are placed wherever they are."""
    for row in rows:
        if (row.email not in existing or row.email in unconfirmed) and not domain_is_allowed(row.email):
            result.errors.append(
                ImportProblem(
                    row.line,
                    f"'{email_domain(row.email)}' is not an email domain accounts can be created for "
                    "(ALLOWED_SIGNUP_DOMAINS); invite people from other organisations, and import "
                    "them once they have an account",
                )
            )


def _check_managers(
    rows: list[_Row], existing: dict[str, _Person], unconfirmed: set[str], result: ImportResult
) -> None:
    """Every line manager exists (in the file or on the platform, confirmed) and no chain loops."""
    in_file = {row.email: row for row in rows}
    for row in rows:
        manager = row.line_manager_email
        if not manager or manager in in_file:
            continue
        if manager not in existing:
            result.errors.append(
                ImportProblem(row.line, f"line manager '{manager}' is not in this file or on the platform")
            )
        elif manager in unconfirmed:
            result.errors.append(
                ImportProblem(
                    row.line,
                    f"line manager '{manager}' signed up but never confirmed the address, so may not be "
                    "the person HR means; add them to this file and the import takes the account over",
                )
            )

    # The managers after import: the file's rows, else what the platform holds.
    manager_of: dict[str, str] = {}
    for email, person in existing.items():
        if person.line_manager_email:
            manager_of[email] = person.line_manager_email
    for row in rows:
        if row.line_manager_email:
            manager_of[row.email] = row.line_manager_email
        else:
            manager_of.pop(row.email, None)
    _load_chain(manager_of, existing)
    for row in rows:
        chain = [row.email]
        current = manager_of.get(row.email)
        while current is not None and current not in chain and len(chain) <= len(manager_of) + 1:
            chain.append(current)
            current = manager_of.get(current)
        if current == row.email:
            result.errors.append(
                ImportProblem(row.line, "line managers form a loop: " + " → ".join([*chain, row.email]))
            )


def _load_chain(manager_of: dict[str, str], existing: dict[str, _Person]) -> None:
    """Fetch platform people further up the management chains, so loops through them are seen."""
    frontier = {manager for manager in manager_of.values() if manager not in existing}
    while frontier:
        found = _users_by_email(frontier)
        frontier = set()
        for email, person in found.items():
            existing.setdefault(email, person)
            manager = person.line_manager_email
            if manager and email not in manager_of:
                manager_of[email] = manager
                if manager not in existing:
                    frontier.add(manager)


def _changes(row: _Row, person: _Person | None, *, takes_over: bool) -> ImportChange:
    if person is None:
        return ImportChange(row.line, row.email, "create")
    has_profile = person.profile_pk is not None
    pairs = {
        "first name": (person.first_name, row.first_name),
        "last name": (person.last_name, row.last_name),
        "job title": (person.job_title, row.job_title),
        "role": (person.role_id, row.role.pk),
        "team": (person.team_id, row.team.pk if row.team else None),
        "agency": (person.agency_id, row.agency.pk if row.agency else None),
        "line manager": ((person.line_manager_email or "") if has_profile else None, row.line_manager_email),
        "start date": (person.start_date, row.start_date),
        "active": (person.active, row.active),
    }
    changed = tuple(name for name, (old, new) in pairs.items() if old != new)
    if takes_over:
        changed = (TAKEN_OVER, *changed)
    return ImportChange(row.line, row.email, "update" if changed else "unchanged", changed)


def staff_import(*, data: bytes, dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    """Check an HR export and, when every row is good and this is not a dry run, apply it.

    `progress(rows_done, rows_total)` is called every PROGRESS_EVERY rows checked and once
    at the end (after the writes have committed).
    """
    result = ImportResult(dry_run=dry_run)
    try:
        text = _decode(data)
        raw_rows = _read_rows(text, result)
    except _Refused as refusal:
        result.errors.append(ImportProblem(0, str(refusal)))
        return result
    if not raw_rows and not result.errors:
        result.errors.append(ImportProblem(0, "The file has a header line but no people in it."))
        return result
    result.rows = total = len(raw_rows)

    lookup = _Lookup()
    rows: list[_Row] = []
    first_line: dict[str, int] = {}
    for done, (line, values) in enumerate(raw_rows, start=1):
        row = _check_row(line, values, lookup, result)
        email = values.get("email", "").strip().lower()
        if email and email in first_line:
            result.errors.append(
                ImportProblem(line, f"{email} appears again (first on line {first_line[email]})")
            )
        else:
            if email:
                first_line[email] = line
            if row is not None:
                rows.append(row)
        if progress is not None and done % PROGRESS_EVERY == 0 and done < total:
            progress(done, total)

    existing = _users_by_email(
        [row.email for row in rows] + [row.line_manager_email for row in rows if row.line_manager_email]
    )
    unconfirmed = _unconfirmed_sign_ups(existing)
    _check_domains(rows, existing, unconfirmed, result)
    _check_managers(rows, existing, unconfirmed, result)
    result.errors.sort(key=lambda problem: problem.line)
    if result.errors:
        result.changes = []
        return result
    result.changes = [
        _changes(row, existing.get(row.email), takes_over=row.email in unconfirmed) for row in rows
    ]
    for change in result.changes:
        if TAKEN_OVER in change.fields:
            result.warnings.append(
                ImportProblem(
                    change.line,
                    f"{change.email} signed up but never confirmed the address: the import takes the "
                    "account over as the person HR names (the password chosen at sign-up is removed; "
                    "they set one with 'Forgot password')",
                )
            )
    result.warnings.sort(key=lambda problem: problem.line)
    if not dry_run:
        _apply(rows, existing, unconfirmed, result)
    if progress is not None:
        progress(total, total)
    return result


@transaction.atomic
def _apply(
    rows: list[_Row], existing: dict[str, _Person], unconfirmed: set[str], result: ImportResult
) -> None:
    """Write every created or changed row with one query per kind of write (in batches)."""
    from allauth.account.models import EmailAddress

    action = {change.email: change.action for change in result.changes}
    writes = [row for row in rows if action[row.email] != "unchanged"]
    if not writes:
        return
    by_email = {row.email: row for row in writes}
    now = timezone.now()

    created = [
        User(
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            is_active=row.active,
            password=make_password(None),
        )
        for row in writes
        if row.email not in existing
    ]
    User.objects.bulk_create(created, batch_size=WRITE_BATCH)
    user_ids = {email: person.pk for email, person in existing.items()}
    user_ids.update({user.email: user.pk for user in created})

    updated = []
    for row in writes:
        person = existing.get(row.email)
        if person is not None:
            active = person.is_active if person.is_superuser else row.active
            updated.append((person.pk, row.first_name, row.last_name, active))
    _rows_update(User, ["first_name", "last_name", "is_active"], updated)

    # Unconfirmed sign-ups become the person HR names: the self-chosen password goes, and with
    # their address records go any confirmation links (HMAC keys name the record) and sessions.
    taken_over = [existing[email] for email in sorted(unconfirmed) if email in by_email]
    if taken_over:
        _rows_update(User, ["password"], [(person.pk, make_password(None)) for person in taken_over])
        EmailAddress.objects.filter(user_id__in=[person.pk for person in taken_over]).delete()
        _sessions_void(user_ids={person.pk for person in taken_over})
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for pk, email in [
                *((user.pk, user.email) for user in created),
                *((person.pk, person.email) for person in taken_over),
            ]
        ],
        batch_size=WRITE_BATCH,
    )

    new_profiles: list[StaffProfile] = []
    changed_profiles: list[tuple] = []
    managers_before: set[int] = set()
    for row in writes:
        person = existing.get(row.email)
        placement = (
            row.job_title,
            row.role.pk,
            row.team.pk if row.team else None,
            row.agency.pk if row.agency else None,
            user_ids[row.line_manager_email] if row.line_manager_email else None,
            row.start_date,
            row.active,
            now,
        )
        if person is not None and person.profile_pk is not None:
            changed_profiles.append((person.profile_pk, *placement))
            if person.line_manager_email in user_ids:
                managers_before.add(user_ids[person.line_manager_email])
        else:
            new_profiles.append(
                StaffProfile(user_id=user_ids[row.email], **dict(zip(PLACEMENT, placement, strict=True)))
            )
    StaffProfile.objects.bulk_create(new_profiles, batch_size=WRITE_BATCH)
    _rows_update(StaffProfile, list(PLACEMENT), changed_profiles)

    written = [user_ids[row.email] for row in writes]
    role_groups_sync_many(user_ids=written)
    managers = managers_before | {
        user_ids[row.line_manager_email] for row in writes if row.line_manager_email
    }
    _cached_people_forget(user_ids=written, manager_ids=managers)
    transaction.on_commit(
        lambda: people_changed.send(sender="cms.people.staff_import", user_ids=list(written))
    )


def _rows_update(model, fields: list[str], rows: list[tuple]) -> None:
    """Set `fields` (attribute names) of many rows given as (pk, *values), with one statement.

    Django's bulk_update writes a CASE with a branch per row for each field, which
    PostgreSQL evaluates row by row (quadratic: minutes for 10,000 people). Joining a list
    of values is linear: on PostgreSQL the values travel as one array per column (so the
    driver does not parse thousands of placeholders); elsewhere (SQLite 3.33+) as
    UPDATE ... FROM (VALUES ...), in batches.
    """
    if not rows:
        return
    opts = model._meta
    columns = [opts.pk, *(next(f for f in opts.concrete_fields if f.attname == name) for name in fields)]
    quote = connection.ops.quote_name
    table, key = quote(opts.db_table), quote(opts.pk.column)
    assignments = ", ".join(
        f"{quote(column.column)} = v.column{index}" for index, column in enumerate(columns[1:], start=2)
    )
    prepared = [
        [column.get_db_prep_save(value, connection) for column, value in zip(columns, row, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
            names = ", ".join(f"column{index}" for index in range(1, len(columns) + 1))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({names}) "  # noqa: S608 - names from the model, values as parameters
                f"WHERE {table}.{key} = v.column1",
                [list(values) for values in zip(*prepared, strict=True)],
            )
            return
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(prepared), WRITE_BATCH):
            batch = prepared[start : start + WRITE_BATCH]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row_sql] * len(batch))}) AS v "  # noqa: S608 - names from the model, values as parameters
                f"WHERE {table}.{key} = v.column1",
                [value for values in batch for value in values],
            )


def _cached_people_forget(*, user_ids: list[int], manager_ids: set[int]) -> None:
    """Forget the cached sign-in rows and frame facts of everyone written, once committed
    (bulk writes send no post_save, so cms.people.apps and cms.core.signals do not see them)."""
    keys = [user_cache_key(user_id) for user_id in user_ids]
    keys += [people_facts_cache_key(user_id) for user_id in {*user_ids, *manager_ids}]
    transaction.on_commit(lambda: cache.delete_many(keys))


def _pending_user(pending) -> int | None:
    """The user a session is part-way through signing in (allauth keeps their id in base 36)."""
    from allauth.account.utils import url_str_to_user_pk

    if not isinstance(pending, dict) or not pending.get("user_pk"):
        return None
    try:
        return url_str_to_user_pk(pending["user_pk"])
    except (ValueError, TypeError):
        return None


def _sessions_void(*, user_ids: set[int]) -> None:
    """End every session signed in as, or part-way through signing in as, these people.

    Sessions are scanned (there is no index by user), which is fine for the rare takeover.
    """
    from allauth.account.internal.stagekit import LOGIN_SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
    from django.contrib.sessions.models import Session

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store_class, DatabaseSessionStore):
        return  # sessions not kept server-side: the changed password hash ends signed-in ones
    wanted = {str(user_id) for user_id in user_ids}
    doomed = []
    for key, data in Session.objects.filter(expire_date__gt=timezone.now()).values_list(
        "session_key", "session_data"
    ):
        session = store_class().decode(data)
        if (
            str(session.get(SESSION_KEY)) in wanted
            or _pending_user(session.get(LOGIN_SESSION_KEY)) in user_ids
        ):
            doomed.append(key)
    for key in doomed:
        store_class(session_key=key).delete()


# Big imports run as Celery jobs (cms.people.tasks): confirmed in the admin, run by a worker.


def staff_import_job_create(
    *, data: bytes, file_name: str, created_by: User | None, rows_total: int = 0
) -> StaffImportJob:
    """Keep a checked file as a job and queue it for a worker after commit."""
    from cms.people.tasks import staff_import_job_queue

    job = StaffImportJob.objects.create(
        data=data, file_name=file_name[:255], created_by=created_by, rows_total=rows_total
    )
    staff_import_job_queue(job_id=job.pk)
    return job


def staff_import_job_run(*, job_id: int) -> str:
    """Run a queued job: the file is checked again (the platform may have changed since the
    admin's check) and applied, all or nothing. Every ending is kept as the job's outcome."""
    job = StaffImportJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return "gone" if job is None else job.status
    jobs = StaffImportJob.objects.filter(pk=job_id)
    jobs.update(status=StaffImportJob.Status.RUNNING, started_at=timezone.now(), updated_at=timezone.now())

    def progress(done: int, total: int) -> None:
        jobs.update(rows_done=done, rows_total=total, updated_at=timezone.now())

    try:
        result = staff_import(data=bytes(job.data), progress=progress)
    except Exception:
        logger.exception("staff import job %s failed", job_id)
        status = StaffImportJob.Status.FAILED
        summary = (
            "The import stopped because of an unexpected error, and nothing was imported. "
            "Try again; if it happens again, ask an administrator to check the worker's log."
        )
        outcome: dict = {"errors": [[0, summary]]}
    else:
        status = StaffImportJob.Status.SUCCEEDED if result.ok else StaffImportJob.Status.FAILED
        summary, outcome = result.summary(), result.as_dict()
    jobs.update(
        status=status,
        summary=summary[:500],
        outcome=outcome,
        data=b"",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return status


def staff_import_job_stalled(*, job: StaffImportJob) -> bool:
    """Whether an unfinished job has gone quiet for so long that its worker must have stopped."""
    return not job.finished and job.updated_at < timezone.now() - JOB_STALLED_AFTER


def staff_import_jobs_recent() -> list[StaffImportJob]:
    """The latest imports, newest first, for everyone who may import (an L&D team tool)."""
    return list(
        StaffImportJob.objects.defer("data")
        .select_related("created_by")
        .order_by("-created_at")[:RECENT_JOBS]
    )
