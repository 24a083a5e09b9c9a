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

import logging
from collections.abc import Callable

from django.utils import timezone

from cms.core.queue import task_queue_after_commit
from cms.people.models import StaffImportJob, User
from cms.people.services.staff_import_people import (
    changes_of,
    domains_check,
    managers_check,
    people_by_email,
    unconfirmed_sign_ups,
)
from cms.people.services.staff_import_rows import (
    TAKEN_OVER,
    ImportProblem,
    ImportResult,
    ImportRow,
    RowLookup,
    StaffFileRefused,
    row_check,
    rows_read,
    staff_file_decode,
)
from cms.people.services.staff_import_writes import staff_import_apply

PROGRESS_EVERY = 500
Progress = Callable[[int, int], None]

logger = logging.getLogger(__name__)


def staff_import(*, data: bytes, dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    """Check an HR export and, when every row is good and this is not a dry run, apply it.

    `progress(rows_done, rows_total)` is called every PROGRESS_EVERY rows checked and once
    at the end (after the writes have committed).
    """
    result = ImportResult(dry_run=dry_run)
    try:
        text = staff_file_decode(data)
        raw_rows = rows_read(text, result)
    except StaffFileRefused as refusal:
        result.errors.append(ImportProblem(0, str(refusal)))
        return result
    if not raw_rows and not result.errors:
        result.errors.append(ImportProblem(0, "The file has a header line but no people in it."))
        return result
    result.rows = total = len(raw_rows)

    lookup = RowLookup()
    rows: list[ImportRow] = []
    first_line: dict[str, int] = {}
    for done, (line, values) in enumerate(raw_rows, start=1):
        row = row_check(line, values, lookup, result)
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

    existing = people_by_email(
        [row.email for row in rows] + [row.line_manager_email for row in rows if row.line_manager_email]
    )
    unconfirmed = unconfirmed_sign_ups(existing)
    domains_check(rows, existing, unconfirmed, result)
    managers_check(rows, existing, unconfirmed, result)
    result.errors.sort(key=lambda problem: problem.line)
    if result.errors:
        result.changes = []
        return result
    result.changes = [
        changes_of(row, existing.get(row.email), takes_over=row.email in unconfirmed) for row in rows
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
        staff_import_apply(rows, existing, unconfirmed, result)
    if progress is not None:
        progress(total, total)
    return result


def staff_import_job_create(
    *, data: bytes, file_name: str, created_by: User | None, rows_total: int = 0
) -> StaffImportJob:
    """Keep a checked file as a job and queue it for a worker after commit."""
    job = StaffImportJob.objects.create(
        data=data, file_name=file_name[:255], created_by=created_by, rows_total=rows_total
    )
    # By path: tasks.py imports this module, so this one does not import tasks.py.
    task_queue_after_commit("cms.people.tasks.staff_import_job_run", job_id=job.pk)
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
