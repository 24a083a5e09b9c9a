from django.apps import AppConfig


def _people_changed_refresh(sender, user_ids, **kwargs) -> None:
    """cms.people announced changes to people: refresh just their enrolments, in the worker."""
    from learning.tasks import enrolments_refresh_queue

    enrolments_refresh_queue(user_ids=user_ids)


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning records"

    def ready(self) -> None:
        from cms.people.signals import people_changed

        people_changed.connect(_people_changed_refresh, dispatch_uid="learning_enrolments_refresh")
