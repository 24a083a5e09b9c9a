"""Practice-week work for Celery: booking notices queued after commit, and the periodic jobs
(see schedules.py). Each periodic task is safe to run twice or concurrently."""

from celery import shared_task

from practiceweek import notifications, services


@shared_task
def send_booking_notice(*, kind: str, booking_id: int, details: dict) -> bool:
    """Build one booking change's emails (and .ics) in the worker, not in the web request."""
    return notifications.booking_notice_send(kind=kind, booking_id=booking_id, details=details)


@shared_task
def tell_hosts_slot_changed(*, slot_id: int, changes: list[str]) -> int:
    """A slot's time or place changed: its hosts are told (once per version of the slot)."""
    return services.slot_change_hosts_tell(slot_id=slot_id, changes=changes)


@shared_task
def send_ballot_result(*, user_id: int, confirmed: list[list[int]], waitlisted: list[int]) -> None:
    notifications.ballot_result_send(user_id=user_id, confirmed=confirmed, waitlisted=waitlisted)


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
