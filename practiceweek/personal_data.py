"""What practiceweek/personal_data.toml names that a field list cannot say: which slots a person
hosted or proposed, and how booking notes are cleared (see cms.core.personal_data)."""

from django.db.models import Q, QuerySet

from practiceweek.models import Slot


def slots_hosted_or_proposed(user) -> QuerySet:
    return Slot.objects.filter(Q(hosts=user) | Q(proposed_by=user)).distinct().select_related("week")


def notes_clear(rows: QuerySet, user) -> None:
    rows.update(note="")
