"""Slots from L&D: edits that move or withdraw them, and the bulk CSV upload."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from cms.core.csv_intake import CsvRefused, csv_date, csv_text
from cms.core.queue import task_queue_after_commit
from cms.people.models import Team, User
from practiceweek import conf, notifications
from practiceweek.models import (
    Activity,
    Booking,
    PracticeWeek,
    Slot,
)
from practiceweek.selectors import (
    user_is_ld,
)
from practiceweek.services.rules import (
    _record,
    _slot_locked,
)
from practiceweek.services.waitlist import _offer_free_places

# --- slots: edits, proposals, bulk upload -------------------------------------------------


def slot_changed(
    *,
    slot_id: int,
    actor: User,
    old_starts_at: dt.datetime,
    old_ends_at: dt.datetime,
    old_status: str,
    old_meeting_point: str | None = None,
    old_locality: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """After L&D edit a slot: updated invites for a new time or place, cancel if withdrawn, fill new places.

    A new time, meeting point or locality reaches every confirmed person as an .ics REQUEST
    with the same UID and a higher SEQUENCE, so their calendar moves the event, and the
    slot's hosts by email. The old
    place is optional (None: not compared) for callers that only know the old times.
    """
    now = now or timezone.now()
    with transaction.atomic():
        slot = _slot_locked(slot_id)
        if slot is None:
            return
        if old_status == Slot.Status.APPROVED and slot.status != Slot.Status.APPROVED:
            for booking in Booking.objects.filter(slot=slot, status__in=Booking.ACTIVE).select_related(
                "user", "agency"
            ):
                previous = booking.status
                booking.slot = slot
                booking.status = Booking.Status.CANCELLED
                booking.cancelled_at = now
                booking.offer_expires_at = None
                if previous == Booking.Status.CONFIRMED:
                    booking.ics_sequence += 1
                booking.save()
                _record(
                    booking, action="slot withdrawn", from_status=previous, actor=actor, by_ld=True, at=now
                )
                notifications.booking_cancelled(booking=booking, previous_status=previous, by_ld=True)
            Slot.objects.filter(pk=slot.pk).update(places_held=0)
            return
        changes = []
        if (slot.starts_at, slot.ends_at) != (old_starts_at, old_ends_at):
            changes.append("times")
        if old_meeting_point is not None and slot.meeting_point != old_meeting_point:
            changes.append("meeting point")
        if old_locality is not None and slot.locality != old_locality:
            changes.append("locality")
        if changes:
            for booking in Booking.objects.filter(slot=slot, status=Booking.Status.CONFIRMED).select_related(
                "user"
            ):
                booking.slot = slot
                booking.ics_sequence += 1
                booking.save(update_fields=["ics_sequence", "updated_at"])
                _record(
                    booking,
                    action=f"slot {' and '.join(changes)} changed",
                    from_status=booking.status,
                    actor=actor,
                    by_ld=True,
                    at=now,
                )
                notifications.booking_updated(booking=booking)
            # The hosts are told too (services.hosting.slot_change_hosts_tell), after commit.
            task_queue_after_commit(
                "practiceweek.tasks.tell_hosts_slot_changed", slot_id=slot.pk, changes=changes
            )
        _offer_free_places(slot=slot, now=now)


class SlotImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


SLOT_CSV_COLUMNS = ["team", "activity", "date", "start", "end", "capacity", "meeting_point"]
SLOT_CSV_OPTIONAL = ["locality", "hosts", "description", "access_notes"]
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _parse_date(text: str) -> dt.date | None:
    try:
        return csv_date(text)
    except ValueError:
        return None


def slots_import_csv(*, week: PracticeWeek, data: bytes, actor: User) -> list[Slot]:
    """Create open slots from a CSV file: all or nothing, every bad line reported by number.

    Columns: team (slug or name), activity (code or label), date (YYYY-MM-DD or DD/MM/YYYY),
    start and end (HH:MM, Europe/London), capacity, meeting_point; optional locality
    (defaults to the team's), hosts (emails separated by ";"), description, access_notes.
    """
    if not user_is_ld(user=actor):
        raise SlotImportError(["Only the L&D team can upload slots."])
    try:
        text = csv_text(data, max_bytes=conf.CSV_MAX_BYTES)
    except CsvRefused as error:
        raise SlotImportError([str(error)]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        raise SlotImportError([f"Line 1: the file could not be read as CSV ({error})."]) from None
    missing = [column for column in SLOT_CSV_COLUMNS if column not in header]
    if missing:
        raise SlotImportError(
            [
                f"Line 1: missing column(s): {', '.join(missing)}. Expected: "
                f"{', '.join(SLOT_CSV_COLUMNS + SLOT_CSV_OPTIONAL)}."
            ]
        )
    reader.fieldnames = header
    teams = {team.slug.lower(): team for team in Team.objects.all()}
    teams.update({team.name.lower(): team for team in teams.values()})
    activities = {value: value for value, _ in Activity.choices}
    activities.update({label.lower(): value for value, label in Activity.choices})
    tz = timezone.get_current_timezone()
    errors: list[str] = []
    rows: list[tuple[dict, list[str]]] = []
    try:
        for row in reader:
            line = reader.line_num
            if len(rows) + len(errors) >= conf.CSV_MAX_ROWS:
                errors.append(f"Line {line}: too many rows (the limit is {conf.CSV_MAX_ROWS}).")
                break
            values = {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
            if None in row:
                errors.append(f"Line {line}: more values than columns.")
                continue
            if not any(values.values()):
                continue
            problems = []
            team = teams.get(values.get("team", "").lower())
            if team is None:
                problems.append(f"team “{values.get('team', '')}” not found")
            activity = activities.get(values.get("activity", "").lower())
            if activity is None:
                problems.append(
                    f"activity “{values.get('activity', '')}” is not one of: "
                    + ", ".join(label for _, label in Activity.choices)
                )
            day = _parse_date(values.get("date", ""))
            if day is None:
                problems.append(f"date “{values.get('date', '')}” is not a date (use YYYY-MM-DD)")
            elif not week.starts_on <= day <= week.ends_on:
                problems.append(f"date {day:%Y-%m-%d} is outside {week.name}")
            start = _TIME.match(values.get("start", ""))
            end = _TIME.match(values.get("end", ""))
            if not start:
                problems.append(f"start “{values.get('start', '')}” is not a time (use HH:MM)")
            if not end:
                problems.append(f"end “{values.get('end', '')}” is not a time (use HH:MM)")
            starts_at = ends_at = None
            if day and start and end:
                starts_at = dt.datetime(day.year, day.month, day.day, int(start[1]), int(start[2]), tzinfo=tz)
                ends_at = dt.datetime(day.year, day.month, day.day, int(end[1]), int(end[2]), tzinfo=tz)
                if ends_at <= starts_at:
                    problems.append("end must be after start")
            capacity_text = values.get("capacity", "")
            capacity = int(capacity_text) if capacity_text.isdigit() else 0
            if not 1 <= capacity <= 50:
                problems.append(f"capacity “{capacity_text}” must be a whole number from 1 to 50")
            if not values.get("meeting_point"):
                problems.append("meeting_point is empty")
            if len(values.get("meeting_point", "")) > 1000 or len(values.get("description", "")) > 2000:
                problems.append("a text column is too long")
            host_emails = [
                email.strip().lower() for email in values.get("hosts", "").split(";") if email.strip()
            ]
            for email in host_emails:
                try:
                    validate_email(email)
                except ValidationError:
                    problems.append(f"host “{email}” is not an email address")
            if problems:
                errors.append(f"Line {line}: " + "; ".join(problems) + ".")
                continue
            rows.append(
                (
                    {
                        "host_team": team,
                        "activity": activity,
                        "starts_at": starts_at,
                        "ends_at": ends_at,
                        "capacity": capacity,
                        "meeting_point": values["meeting_point"],
                        "locality": values.get("locality") or (team.locality if team else ""),
                        "description": values.get("description", ""),
                        "access_notes": values.get("access_notes", ""),
                        "line": line,
                    },
                    host_emails,
                )
            )
    except csv.Error as error:
        errors.append(f"Line {reader.line_num}: the file could not be read as CSV ({error}).")
    all_emails = {email for _, emails in rows for email in emails}
    hosts = {user.email.lower(): user for user in User.objects.filter(email__in=all_emails)}
    for values, emails in rows:
        unknown = [email for email in emails if email not in hosts]
        if unknown:
            errors.append(f"Line {values['line']}: host(s) not found: {', '.join(unknown)}.")
    if errors:
        raise SlotImportError(sorted(errors, key=lambda message: int(re.findall(r"\d+", message)[0])))
    if not rows:
        raise SlotImportError(["The file has no slots in it."])
    created = []
    with transaction.atomic():
        for values, emails in rows:
            values = {key: value for key, value in values.items() if key != "line"}
            slot = Slot.objects.create(week=week, status=Slot.Status.APPROVED, **values)
            slot.hosts.set([hosts[email] for email in emails])
            created.append(slot)
    return created
