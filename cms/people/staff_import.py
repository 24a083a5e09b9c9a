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
  rows, binary files refused, and text that a spreadsheet would run as a formula
  (a leading =, +, -, @, tab or carriage return) is stored with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from cms.core.spreadsheets import spreadsheet_safe
from cms.people import conf
from cms.people.models import Agency, Role, StaffProfile, Team, User
from cms.people.services import email_address_verify, role_groups_sync

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
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


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
    if not data.strip():
        raise _Refused("The file is empty. Export the staff list from the HR system as CSV and try again.")
    if len(data) > conf.STAFF_IMPORT_MAX_BYTES:
        raise _Refused(
            f"The file is too large ({len(data):,} bytes); the limit is "
            f"{conf.STAFF_IMPORT_MAX_BYTES:,} bytes. Split it into smaller files."
        )
    if b"\x00" in data:
        raise _Refused(
            "This is not a CSV text file (it contains binary data). Save the export as "
            "'CSV UTF-8 (comma delimited)' and try again."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _Refused(
            f"The file is not UTF-8 text (first unreadable byte on line {line}). In Excel, "
            "save it as 'CSV UTF-8 (comma delimited)' and try again."
        ) from error
    return text


def _parse_date(value: str) -> date:
    match = UK_DATE.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    return datetime.strptime(value, "%Y-%m-%d").date()


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

    rows = []
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
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"'{values['email']}' is not a valid email address")
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
            start_date = _parse_date(values["start_date"])
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
        try:
            validate_email(manager_email)
        except ValidationError:
            problems.append(
                f"line manager email '{values['line_manager_email']}' is not a valid email address"
            )
            manager_email = ""
        if manager_email and manager_email == email:
            problems.append("a person cannot be their own line manager")
            manager_email = ""

    if problems:
        result.errors.extend(ImportProblem(line, problem) for problem in problems)
        return None
    texts = {}
    for column in ("first_name", "last_name", "job_title"):
        texts[column] = spreadsheet_safe(values.get(column, ""))
        if texts[column] != values.get(column, ""):
            result.warnings.append(
                ImportProblem(
                    line, f"{HEADER_LABELS[column]} starts with a formula character; stored as text"
                )
            )
    assert role is not None  # noqa: S101 - required above
    return _Row(
        line=line,
        email=email,
        first_name=texts["first_name"][:150],
        last_name=texts["last_name"][:150],
        job_title=texts["job_title"][:120],
        role=role,
        team=team,
        agency=agency,
        line_manager_email=manager_email,
        start_date=start_date,
        active=active,
    )


def _check_managers(rows: list[_Row], existing: dict[str, User], result: ImportResult) -> None:
    """Every line manager exists (in the file or on the platform) and no chain of managers loops."""
    in_file = {row.email: row for row in rows}
    known = set(in_file) | set(existing)
    missing = {
        row.line_manager_email
        for row in rows
        if row.line_manager_email and row.line_manager_email not in known
    }
    if missing:
        found = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=missing)
            .select_related("profile__line_manager")
        )
        for user in found:
            existing[user.email.lower()] = user
    for row in rows:
        if (
            row.line_manager_email
            and row.line_manager_email not in in_file
            and row.line_manager_email not in existing
        ):
            result.errors.append(
                ImportProblem(
                    row.line,
                    f"line manager '{row.line_manager_email}' is not in this file or on the platform",
                )
            )

    # The managers after import: the file's rows, else what the platform holds.
    manager_of: dict[str, str] = {}
    for email, user in existing.items():
        if _has_profile(user) and user.profile.line_manager_id:
            manager_of[email] = user.profile.line_manager.email.lower()
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


def _load_chain(manager_of: dict[str, str], existing: dict[str, User]) -> None:
    """Fetch platform people further up the management chains, so loops through them are seen."""
    frontier = {manager for manager in manager_of.values() if manager not in existing}
    while frontier:
        found = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=frontier)
            .select_related("profile__line_manager")
        )
        frontier = set()
        for user in found:
            email = user.email.lower()
            existing.setdefault(email, user)
            if _has_profile(user) and user.profile.line_manager_id and email not in manager_of:
                manager = user.profile.line_manager.email.lower()
                manager_of[email] = manager
                if manager not in existing:
                    frontier.add(manager)


def _has_profile(user: User) -> bool:
    try:
        user.profile  # noqa: B018 - probing the reverse one-to-one
    except StaffProfile.DoesNotExist:
        return False
    return True


def _changes(row: _Row, user: User | None) -> ImportChange:
    if user is None:
        return ImportChange(row.line, row.email, "create")
    profile = user.profile if _has_profile(user) else None
    current_manager = (
        profile.line_manager.email.lower() if profile is not None and profile.line_manager_id else ""
    )
    pairs = {
        "first name": (user.first_name, row.first_name),
        "last name": (user.last_name, row.last_name),
        "job title": (profile.job_title if profile else None, row.job_title),
        "role": (profile.role_id if profile else None, row.role.pk),
        "team": (profile.team_id if profile else None, row.team.pk if row.team else None),
        "agency": (profile.agency_id if profile else None, row.agency.pk if row.agency else None),
        "line manager": (current_manager if profile else None, row.line_manager_email),
        "start date": (profile.start_date if profile else None, row.start_date),
        "active": (profile.active if profile else None, row.active),
    }
    changed = tuple(name for name, (old, new) in pairs.items() if old != new)
    return ImportChange(row.line, row.email, "update" if changed else "unchanged", changed)


def staff_import(*, data: bytes, dry_run: bool = False) -> ImportResult:
    """Check an HR export and, when every row is good and this is not a dry run, apply it."""
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
    result.rows = len(raw_rows)

    lookup = _Lookup()
    rows: list[_Row] = []
    first_line: dict[str, int] = {}
    for line, values in raw_rows:
        row = _check_row(line, values, lookup, result)
        email = values.get("email", "").strip().lower()
        if email and email in first_line:
            result.errors.append(
                ImportProblem(line, f"{email} appears again (first on line {first_line[email]})")
            )
            continue
        if email:
            first_line[email] = line
        if row is not None:
            rows.append(row)

    emails = [row.email for row in rows]
    existing = {
        user.email.lower(): user
        for user in User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .select_related("profile__line_manager")
    }
    _check_managers(rows, existing, result)
    result.errors.sort(key=lambda problem: problem.line)
    result.warnings.sort(key=lambda problem: problem.line)
    if result.errors:
        result.changes = []
        return result
    result.changes = [_changes(row, existing.get(row.email)) for row in rows]
    if not dry_run:
        _apply(rows, existing, result)
    return result


@transaction.atomic
def _apply(rows: list[_Row], existing: dict[str, User], result: ImportResult) -> None:
    action = {change.email: change.action for change in result.changes}
    users: dict[str, User] = dict(existing)
    profiles: dict[str, StaffProfile] = {}
    for row in rows:
        if action[row.email] == "unchanged":
            continue
        user = users.get(row.email)
        if user is None:
            user = User.objects.create_user(
                email=row.email, password=None, first_name=row.first_name, last_name=row.last_name
            )
            email_address_verify(user=user)
            users[row.email] = user
        else:
            user.first_name, user.last_name = row.first_name, row.last_name
        if not user.is_superuser:
            user.is_active = row.active
        user.save(update_fields=["first_name", "last_name", "is_active"])
        profile = user.profile if _has_profile(user) else StaffProfile(user=user)
        profile.job_title, profile.role, profile.team = row.job_title, row.role, row.team
        profile.agency, profile.start_date, profile.active = row.agency, row.start_date, row.active
        profile.line_manager = None if not row.line_manager_email else profile.line_manager
        profile.save()
        profiles[row.email] = profile
    # Second pass: line managers may be later in the file, so they exist only now.
    for row in rows:
        profile = profiles.get(row.email)
        if profile is None:
            continue
        manager = users[row.line_manager_email] if row.line_manager_email else None
        if profile.line_manager_id != (manager.pk if manager else None):
            profile.line_manager = manager
            profile.save(update_fields=["line_manager", "updated_at"])
        role_groups_sync(user=profile.user)
