"""Celery beat entries for practice week, merged by cms.celery."""

from celery.schedules import crontab

SCHEDULE = {
    "practiceweek-expire-offers": {
        "task": "practiceweek.tasks.expire_offers",
        "schedule": crontab(minute="*/5"),
    },
    "practiceweek-draw-due-ballots": {
        "task": "practiceweek.tasks.draw_due_ballots",
        "schedule": crontab(minute="*/5"),
    },
    # Hourly: a visit enters the 48-hour window at any time of day.
    "practiceweek-reminders": {"task": "practiceweek.tasks.send_reminders", "schedule": crontab(minute=15)},
    "practiceweek-ld-digest": {
        "task": "practiceweek.tasks.send_ld_digest",
        "schedule": crontab(hour=7, minute=30),
    },
}
