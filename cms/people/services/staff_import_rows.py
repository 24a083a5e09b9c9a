"""The staff import's file and rows: decode the CSV, map its columns, check each row on its own.

What the file holds and how each value is read (cms.people.services.staff_import has the rules
as a whole). Nothing here writes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cms.core.csv_intake import CsvRefused, csv_date, csv_text
from cms.core.text import counted
from cms.people import conf
from cms.people.models import Agency, Role, Team

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
TAKEN_OVER = "sign-in (unconfirmed sign-up taken over)"


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
            return f"{counted(len(self.errors), 'problem')} found; nothing was imported."
        if self.dry_run:
            return (
                f"{counted(self.rows, 'row')}: {self.created} would be created, {self.updated} would be "
                f"updated, {self.unchanged} unchanged. Dry run: nothing was written."
            )
        return (
            f"{counted(self.rows, 'row')}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )


@dataclass
class ImportRow:
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


class StaffFileRefused(Exception):
    """The file as a whole cannot be read."""


def _normalise_header(value: str) -> str:
    return re.sub(r"[\s_\-]+", " ", value.strip().lower()).strip()


def staff_file_decode(data: bytes) -> str:
    try:
        return csv_text(
            data,
            max_bytes=conf.STAFF_IMPORT_MAX_BYTES,
            empty_advice="Export the staff list from the HR system as CSV and try again.",
        )
    except CsvRefused as error:
        raise StaffFileRefused(str(error)) from error


class RowLookup:
    """Roles, agencies and teams by slug or name, case-insensitively."""

    def __init__(self) -> None:
        self.roles = self._index(Role.objects.all())
        self.agencies = self._index(Agency.objects.all())
        self.teams: dict[str, list[Team]] = {}
        for team in Team.objects.select_related("agency"):
            for key in {team.slug.lower(), team.name.strip().lower()}:
                self.teams.setdefault(key, []).append(team)

    @staticmethod
    def _index(objects: Iterable[Agency] | Iterable[Role]) -> dict[str, Any]:
        index: dict[str, Any] = {}
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


def rows_read(text: str, result: ImportResult) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise StaffFileRefused(f"The header line cannot be read as CSV ({error}).") from error
    if not header or not any(cell.strip() for cell in header):
        raise StaffFileRefused("The first line must name the columns; it is empty.")
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
            raise StaffFileRefused(f"Line 1: the column '{HEADER_LABELS[column]}' appears more than once.")
        positions[column] = index
    missing = [HEADER_LABELS[column] for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise StaffFileRefused(
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
            raise StaffFileRefused(
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


def row_check(line: int, values: dict[str, str], lookup: RowLookup, result: ImportResult) -> ImportRow | None:
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
    return ImportRow(
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
