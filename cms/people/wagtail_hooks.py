"""Wagtail admin registration for people and organisation.

Each registration is its own hook function, so others can be appended below.
"""

from wagtail import hooks

from cms.people.viewsets import PeopleViewSetGroup


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()


@hooks.register("register_admin_viewset")
def register_invitation_viewset():
    """Invitations for people outside the allowed email domains (docs/accounts-and-security.md)."""
    from cms.people.viewsets_invitations import invitation_viewset

    return invitation_viewset
