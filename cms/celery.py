"""The Celery application: configured from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each app may declare its periodic tasks in `<app>/schedules.py` as SCHEDULE, a
# dict in Celery's beat_schedule form; beat merges them here, so settings stay
# free of app knowledge.
SCHEDULE_MODULES = ("cms.people", "cms.pages", "modules", "learning", "practiceweek")


@app.on_after_configure.connect
def _collect_schedules(sender, **kwargs):
    import importlib

    for name in SCHEDULE_MODULES:
        try:
            module = importlib.import_module(f"{name}.schedules")
        except ModuleNotFoundError as error:
            if error.name != f"{name}.schedules":
                raise
            continue
        sender.conf.beat_schedule.update(module.SCHEDULE)
