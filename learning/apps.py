from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


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
        # Storing a statement reads the active forwarding targets from the cache, under the page
        # tree's generation (learning.selectors.forwarding_targets_active) until one changes.
        from cms.core.page_cache import tree_forget

        for signal in (post_save, post_delete):
            signal.connect(
                tree_forget,
                sender=self.get_model("LrsForwardingTarget"),
                dispatch_uid=f"learning-forwarding-targets-forget-{id(signal)}",
            )
