from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _people_changed_refresh(sender, user_ids, **kwargs) -> None:
    """cms.people announced changes to people: refresh just their enrolments, in the worker."""
    from learning.tasks import enrolments_refresh_queue

    enrolments_refresh_queue(user_ids=user_ids)


def _person_saved(sender, instance, update_fields=None, **kwargs) -> None:
    """A person's name or address may show on My team; signing in (last_login alone) does not."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    from learning.selectors import team_learning_forget

    team_learning_forget()


def _progress_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    """A new progress row starts an item on My team, and its lesson counts show there; a save of
    anything else (an answer, a visit) leaves My team's lists as they are."""
    from learning.selectors.team_cache import TEAM_READS_OF_PROGRESS, team_learning_forget

    if created or update_fields is None or TEAM_READS_OF_PROGRESS.intersection(update_fields):
        team_learning_forget()


def _team_learning_forget_at_once(sender, cache, **kwargs) -> None:
    from learning.selectors.team_cache import TEAM_GENERATION_KEY

    cache.delete(TEAM_GENERATION_KEY)


def _team_learning_forget_connect(app) -> None:
    """My team's cached lists (learning.selectors.team_cache) are stale when a record they read
    changes: enrolments and progress, assignments, people, their profiles, teams and roles."""
    from django.contrib.auth import get_user_model

    from cms.core.cache import redis_recovered
    from cms.people.models import Role, StaffProfile, Team
    from cms.people.signals import people_changed
    from learning.selectors import team_learning_forget

    # Enrolments and progress rows are deleted only with their assignment, person or module (a
    # page change, in the key), each of which renews, so only their saves are watched (a receiver
    # of their deletes would be called once for every row a deletion cascades to).
    post_save.connect(
        team_learning_forget, sender=app.get_model("Enrolment"), dispatch_uid="learning-team-Enrolment"
    )
    post_save.connect(
        _progress_saved, sender=app.get_model("ModuleProgress"), dispatch_uid="learning-team-ModuleProgress"
    )
    for signal in (post_save, post_delete):
        for model in (app.get_model("Assignment"), StaffProfile, Team, Role):
            uid = f"learning-team-{model.__name__}-{id(signal)}"
            signal.connect(team_learning_forget, sender=model, dispatch_uid=uid)
    person = get_user_model()
    post_save.connect(_person_saved, sender=person, dispatch_uid="learning-team-person")
    post_delete.connect(team_learning_forget, sender=person, dispatch_uid="learning-team-person-gone")
    people_changed.connect(team_learning_forget, dispatch_uid="learning-team-people-changed")
    # A renewal lost while Redis was unreachable (and its process gone since) is made good when
    # Redis answers again, as the page tree's generation is.
    redis_recovered.connect(_team_learning_forget_at_once, dispatch_uid="learning-team-redis-recovered")


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
        _team_learning_forget_connect(self)
