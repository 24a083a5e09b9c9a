"""Periodic tasks for learning (merged into Celery beat by cms/celery.py)."""

from celery.schedules import crontab

from cms.core.beat import beat_schedule

SCHEDULE = beat_schedule(
    "learning",
    {
        "enrolments-sync": ("enrolments_sync_task", crontab(hour=2, minute=30)),
        # 07:00 London time all year round: beat runs in CELERY_TIMEZONE (Europe/London),
        # so the hour follows British Summer Time.
        "reminders-scan": ("reminders_scan_task", crontab(hour=7, minute=0)),
        # The readiness dashboard's figures, recomputed before they expire from the cache.
        "readiness-figures": ("readiness_figures_refresh_task", crontab(minute="*/5")),
        # Statements waiting in the forwarding outbox (also offered to a worker after each stored batch).
        "lrs-forward": ("lrs_forward_task", crontab(minute="*")),
        # Delivered outbox rows past LRS_OUTBOX_KEEP_DAYS (dead letters are kept).
        "lrs-outbox-prune": ("lrs_outbox_prune_task", crontab(hour=3, minute=45)),
        "retention": ("retention_apply_task", crontab(hour=3, minute=15)),
    },
)
