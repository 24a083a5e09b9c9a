"""Periodic practice-week work (see schedules.py). Each task is safe to run twice or concurrently."""

from celery import shared_task

from practiceweek import services


@shared_task
def expire_offers() -> int:
    return services.offers_expire_due()


@shared_task
def send_reminders() -> int:
    return services.reminders_send_due()


@shared_task
def send_ld_digest() -> int:
    return services.ld_digest_send()


@shared_task
def draw_due_ballots() -> int:
    return services.ballots_draw_due()
