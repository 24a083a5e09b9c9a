"""Practice-week settings, each overridable in Django settings under the same name."""

from django.conf import settings


def ics_domain() -> str:
    """The right-hand side of every calendar UID: stable for the life of the site."""
    return getattr(settings, "PRACTICEWEEK_ICS_DOMAIN", "practice-week.learning.invalid")


def organiser_email() -> str:
    return getattr(settings, "PRACTICEWEEK_ORGANISER_EMAIL", settings.DEFAULT_FROM_EMAIL)


# Bulk slot upload limits: anything bigger is refused before parsing.
CSV_MAX_BYTES = getattr(settings, "PRACTICEWEEK_CSV_MAX_BYTES", 512 * 1024)
CSV_MAX_ROWS = getattr(settings, "PRACTICEWEEK_CSV_MAX_ROWS", 500)
# Reminders go out this long before a visit.
REMINDER_HOURS = getattr(settings, "PRACTICEWEEK_REMINDER_HOURS", 48)
