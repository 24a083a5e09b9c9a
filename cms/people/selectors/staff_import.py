"""Reads for staff import jobs: the recent ones, and whether one has lost its worker."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cms.people.models import StaffImportJob

# A job not heard from for this long (no progress written) has lost its worker.
JOB_STALLED_AFTER = timedelta(minutes=15)
RECENT_JOBS = 20


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
