"""The signed-in person's row is cached between requests (cms.people.middleware); signing out
still happens when it must."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms.core.selectors import audiences_for
from learning.services import person_erase
from tests.cms.people.factories import UserFactory

pytestmark = pytest.mark.django_db

MY_LEARNING = "/learning/"


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(MY_LEARNING)
    return sum('FROM "people_user"' in query["sql"] for query in captured.captured_queries)


def test_a_signed_in_person_is_read_from_the_cache(site_caches):
    """After the first request, neither the session nor the person's row is read from the database."""
    client = signed_in_client(UserFactory())
    assert client.get(MY_LEARNING).status_code == 200
    assert user_queries(client) == 0


def test_a_session_ended_elsewhere_is_not_read_from_the_frame_round_trip(site_caches):
    """A session ended on the server (signed out, or cleared by L&D) signs its browser out at once,
    although the request reads the session's cached data with the page tree's generation."""
    client = signed_in_client(UserFactory())
    assert client.get(MY_LEARNING).status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    SessionStore(session_key).delete()
    response = client.get(MY_LEARNING)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_session_missing_from_the_cache_is_read_from_the_database(site_caches):
    """After a cache flush the person stays signed in: the session store reads its row as before."""
    client = signed_in_client(UserFactory())
    assert client.get(MY_LEARNING).status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    cache.delete(SessionStore.cache_key_prefix + session_key)
    assert client.get(MY_LEARNING).status_code == 200
    assert cache.get(SessionStore.cache_key_prefix + session_key) is not None


def test_a_made_up_session_cookie_is_someone_signed_out(site_caches):
    """A hand-made session cookie (not one Django made) signs nobody in and breaks nothing."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "not a session key \x7f"
    response = client.get(MY_LEARNING)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_changing_the_password_signs_out_other_sessions(site_caches):
    """Someone who changes their password (say, after a lost laptop) is signed out everywhere else."""
    user = UserFactory()
    laptop = signed_in_client(user)
    assert laptop.get(MY_LEARNING).status_code == 200
    user.set_password("a-new-long-passphrase-2026")
    user.save()
    response = laptop.get(MY_LEARNING)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_deactivated_person_is_signed_out(site_caches):
    """A leaver deactivated by the L&D team cannot go on using an open session."""
    user = UserFactory()
    client = signed_in_client(user)
    assert client.get(MY_LEARNING).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(MY_LEARNING).status_code == 302


def test_an_erased_person_is_signed_out(site_caches):
    """Erasing a person's data (a bulk update, no signals) also ends their sessions."""
    user = UserFactory()
    client = signed_in_client(user)
    assert client.get(MY_LEARNING).status_code == 200
    person_erase(user=user, erased_by=UserFactory(is_superuser=True), reason="Asked to be forgotten.")
    assert client.get(MY_LEARNING).status_code == 302


def test_admin_access_granted_through_a_group_shows_at_once(site_caches):
    """Admin access is part of the cached frame facts; granting it to a group shows on the next page."""
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Editors of something")
    user = UserFactory()
    user.groups.add(group)
    assert "admin" not in audiences_for(user=user)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    fresh = type(user).objects.get(pk=user.pk)
    assert "admin" in audiences_for(user=fresh)
