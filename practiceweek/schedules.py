"""Celery beat entries for practice week, merged by cms.celery."""

from celery.schedules import crontab

from cms.core.beat import beat_schedule

SCHEDULE = beat_schedule(
    "practiceweek",
    {
        "expire-offers": ("expire_offers", crontab(minute="*/5")),
        "draw-due-ballots": ("draw_due_ballots", crontab(minute="*/5")),
        # Hourly: a visit enters the 48-hour window at any time of day.
        "reminders": ("send_reminders", crontab(minute=15)),
        "ld-digest": ("send_ld_digest", crontab(hour=7, minute=30)),
    },
)
