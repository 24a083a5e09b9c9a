"""Celery beat entries in the one form every app's ``schedules.py`` gives them (cms.celery merges them)."""

from celery.schedules import crontab


def beat_schedule(app: str, entries: dict[str, tuple[str, crontab]]) -> dict[str, dict[str, object]]:
    """An app's beat entries: each ``name: (task, crontab)`` runs ``<app>.tasks.<task>`` and is
    named ``<app>-<name>``, so no two apps' entries can clash."""
    return {
        f"{app}-{name}": {"task": f"{app}.tasks.{task}", "schedule": schedule}
        for name, (task, schedule) in entries.items()
    }
