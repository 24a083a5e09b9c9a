"""Wagtail admin registration for people and organisation.

Each registration is its own hook function, so others can be appended below.
"""

from wagtail import hooks

from cms.people.viewsets import PeopleViewSetGroup, invitation_viewset


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()


@hooks.register("register_admin_viewset")
def register_invitation_viewset():
    """Invitations for people outside the allowed email domains (docs/accounts-and-security.md)."""
    return invitation_viewset


@hooks.register("after_create_user")
@hooks.register("after_edit_user")
def announce_user_saved_in_admin(request, user):
    """A user added or edited in Wagtail's Users screen (active state included): learning follows."""
    from cms.people.services import people_changed_announce

    people_changed_announce(user_ids=[user.pk])


@hooks.register("after_bulk_action")
def announce_users_activated_or_deactivated(request, action_type, objects, action_class_instance):
    """Wagtail's bulk "set active state" updates rows without saving each user, so announce them here."""
    from cms.people.models import User
    from cms.people.services import people_changed_announce

    if action_type == "set_active_state" and action_class_instance.model is User:
        people_changed_announce(user_ids=[user.pk for user in objects])
