"""Periodic tasks for learning (merged into Celery beat by cms/celery.py)."""

from celery.schedules import crontab

SCHEDULE = {
    "learning-enrolments-sync": {
        "task": "learning.tasks.enrolments_sync_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # 07:00 London time all year round: beat runs in CELERY_TIMEZONE (Europe/London),
    # so the hour follows British Summer Time.
    "learning-reminders-scan": {
        "task": "learning.tasks.reminders_scan_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # The readiness dashboard's figures, recomputed before they expire from the cache.
    "learning-readiness-figures": {
        "task": "learning.tasks.readiness_figures_refresh_task",
        "schedule": crontab(minute="*/5"),
    },
    # Statements waiting in the forwarding outbox (also offered to a worker after each stored batch).
    "learning-lrs-forward": {
        "task": "learning.tasks.lrs_forward_task",
        "schedule": crontab(minute="*"),
    },
    # Delivered outbox rows past LRS_OUTBOX_KEEP_DAYS (dead letters are kept).
    "learning-lrs-outbox-prune": {
        "task": "learning.tasks.lrs_outbox_prune_task",
        "schedule": crontab(hour=3, minute=45),
    },
    "learning-retention": {
        "task": "learning.tasks.retention_apply_task",
        "schedule": crontab(hour=3, minute=15),
    },
}
