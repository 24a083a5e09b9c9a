"""The signed-in person's row is cached between requests (cms.people.middleware); signing out
still happens when it must."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache, caches
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


def _cache_reads(monkeypatch) -> list[list[str]]:
    """The keys of each read the default cache is asked for from now on (a list per call; the
    reads a backend makes inside its own get_many, as the local-memory one does, are not calls)."""
    backend = caches["default"]
    reads: list[list[str]] = []
    inside_many = []
    get, get_many = backend.get, backend.get_many

    def reading_one(key, *args, **kwargs):
        if not inside_many:
            reads.append([key])
        return get(key, *args, **kwargs)

    def reading_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside_many.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside_many.pop()

    monkeypatch.setattr(backend, "get", reading_one)
    monkeypatch.setattr(backend, "get_many", reading_many)
    return reads


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_person_is_read_with_the_frame_once_this_process_has_seen_their_session(
    site_caches, monkeypatch, method
):
    """The person's row (and on a page, their frame facts) come in the frame's own round trip, with
    the tree's generation and the session, not in one of their own, once this process knows
    whose session it is (the first request tells it)."""
    user = UserFactory()
    client = signed_in_client(user)
    assert client.get(MY_LEARNING).status_code == 200
    reads = _cache_reads(monkeypatch)
    getattr(client, method)(MY_LEARNING)
    person = f"people:user:{user.pk}"
    frame = reads[0]
    assert "core:tree:generation" in frame
    assert any(key.startswith(SessionStore.cache_key_prefix) for key in frame)
    assert person in frame
    assert ("core:frame:people:v2:" + str(user.pk) in frame) is (method == "get")
    assert [keys for keys in reads[1:] if person in keys] == []


def test_a_remembered_person_who_is_not_the_sessions_is_never_used(site_caches):
    """The process's note of whose session a key was is only a guess of what to read: the session
    itself says who is signed in, and another person's row read on the guess is ignored."""
    from cms.people import middleware

    owner, other = UserFactory(), UserFactory()
    owners_client, others_client = signed_in_client(owner), signed_in_client(other)
    assert owners_client.get(MY_LEARNING).status_code == 200
    assert others_client.get(MY_LEARNING).status_code == 200  # the other person's row is cached too
    session_key = owners_client.cookies[settings.SESSION_COOKIE_NAME].value
    middleware._session_people.set(session_key, str(other.pk), 60)
    response = owners_client.get(MY_LEARNING)
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == owner.pk
    assert middleware._session_people.get(session_key) == str(owner.pk)


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
