"""Clear the frame's cached reads (cms.core.selectors) when what they show changes."""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete


def forget_branding(sender=None, **kwargs) -> None:
    """Every cached branding is stale (a new generation): settings, a site or a logo changed."""
    from cms.core.page_cache import branding_forget

    branding_forget()


def _forget_changed_branding(sender, instance, created=False, **kwargs) -> None:
    # Wagtail creates the settings row, with its defaults, on the first request that
    # reads it; that changes nothing anyone sees.
    if not created:
        forget_branding()


def _forget_logo(sender, instance, **kwargs) -> None:
    from cms.core.models import BrandingSettings

    if BrandingSettings.objects.filter(logo_id=instance.pk).exists():
        forget_branding()


def _forget_groups(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    from cms.core.selectors import GROUP_NAMES_ATTRIBUTE, PEOPLE_FACTS_ATTRIBUTE, people_facts_cache_key

    if not action.startswith("post_"):
        return
    if not reverse:
        instance.__dict__.pop(GROUP_NAMES_ATTRIBUTE, None)
        instance.__dict__.pop(PEOPLE_FACTS_ATTRIBUTE, None)
    user_ids = (pk_set or []) if reverse else [instance.pk]
    if reverse and action == "post_clear":
        user_ids = []  # a group emptied: rare; the cache expires within minutes
    cache.delete_many([people_facts_cache_key(user_id) for user_id in user_ids])


def _forget_person(sender, instance, **kwargs) -> None:
    """A person's own row changed (superuser, active): their admin access may have too."""
    from cms.core.selectors import PEOPLE_FACTS_ATTRIBUTE, people_facts_cache_key

    instance.__dict__.pop(PEOPLE_FACTS_ATTRIBUTE, None)
    cache.delete(people_facts_cache_key(instance.pk))


def _forget_permissions(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Permissions of a person, or of a group (so of its members), changed: admin access may have."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cms.core.selectors import people_facts_cache_key

    if not action.startswith("post_"):
        return
    if isinstance(instance, Group):
        user_ids = list(instance.user_set.values_list("pk", flat=True))
    elif not reverse:
        user_ids = [instance.pk]
    elif sender is Group.permissions.through:
        user_ids = list(get_user_model().objects.filter(groups__in=pk_set or []).values_list("pk", flat=True))
    else:
        user_ids = list(pk_set or [])
    cache.delete_many([people_facts_cache_key(user_id) for user_id in user_ids])


def _forget_line_manager(sender, instance, **kwargs) -> None:
    from cms.core.selectors import people_facts_cache_key

    manager_id = getattr(instance, "line_manager_id", None)
    if manager_id is not None:
        cache.delete(people_facts_cache_key(manager_id))


def _forget_tree_on_page_change(sender, instance=None, **kwargs) -> None:
    from wagtail.models import Page

    from cms.core.page_cache import tree_forget

    if isinstance(instance, Page):
        tree_forget()


def connect() -> None:
    from django.apps import apps
    from django.contrib.auth.models import Group
    from wagtail.images import get_image_model
    from wagtail.models import Site

    from cms.core.models import BrandingSettings

    for signal in (post_save, post_delete):
        signal.connect(
            _forget_changed_branding, sender=BrandingSettings, dispatch_uid=f"core-branding-{id(signal)}"
        )
        signal.connect(forget_branding, sender=Site, dispatch_uid=f"core-site-{id(signal)}")
    # The page tree's cached answers (cms.core.page_cache): sites, routes, restricted paths.
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    from cms.core.page_cache import tree_forget

    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(tree_forget, dispatch_uid=f"core-tree-{id(signal)}")
    # A change made while Redis was unavailable may not have reached it: renew the
    # generations once it answers again (cms.core.cache).
    from cms.core.cache import redis_recovered

    redis_recovered.connect(tree_forget, dispatch_uid="core-tree-redis-recovered")
    redis_recovered.connect(forget_branding, dispatch_uid="core-branding-redis-recovered")
    for signal in (post_save, post_delete):
        signal.connect(_forget_tree_on_page_change, dispatch_uid=f"core-tree-page-{id(signal)}")
        signal.connect(tree_forget, sender=Site, dispatch_uid=f"core-tree-site-{id(signal)}")
        signal.connect(
            tree_forget, sender=PageViewRestriction, dispatch_uid=f"core-tree-restriction-{id(signal)}"
        )
    # pre_delete: by post_delete the logo field has already been set to null.
    for signal in (post_save, pre_delete):
        signal.connect(_forget_logo, sender=get_image_model(), dispatch_uid=f"core-logo-{id(signal)}")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    m2m_changed.connect(_forget_groups, sender=user_model.groups.through, dispatch_uid="core-groups")
    m2m_changed.connect(
        _forget_permissions, sender=user_model.user_permissions.through, dispatch_uid="core-user-permissions"
    )
    m2m_changed.connect(
        _forget_permissions, sender=Group.permissions.through, dispatch_uid="core-group-permissions"
    )
    post_save.connect(_forget_person, sender=user_model, dispatch_uid="core-person")
    # The staff profile (in cms.people) is reached through the user's `direct_reports`
    # relation, so cms.core needs no import of it.
    reports = getattr(user_model, "direct_reports", None)
    if reports is not None:
        profile_model = reports.rel.related_model
        for signal in (post_save, post_delete):
            signal.connect(
                _forget_line_manager, sender=profile_model, dispatch_uid=f"core-line-manager-{id(signal)}"
            )
