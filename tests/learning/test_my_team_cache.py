"""My team's prepared lists in the shared cache (learning.selectors.team_cache): a visit after the
first reads only the page's items, and any change to what the list shows is shown at once."""

import socket
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.people.roles import GROUP_TEAM_MANAGERS
from cms.people.services import staff_member_update
from learning.models import Enrolment, ModuleProgress
from learning.selectors import team_cache
from learning.services import enrolments_mark_complete, enrolments_sync
from tests.cms.people.factories import StaffProfileFactory, TeamFactory, UserFactory
from tests.learning.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(site_caches, monkeypatch):
    """Production's caches. Redis when the run has it (CI); otherwise this process's memory
    stands in for it (every request of a test is in this one process, so it is shared)."""
    if not hasattr(cache, "get_many_with_ttl"):
        monkeypatch.setattr(team_cache, "shared_cache_answering", lambda: True)
    assert team_cache.team_cache_shared()


@pytest.fixture
def team(make_module, home_page):
    """A manager of Lee (overdue on one module) and Fran in one team, and another team."""
    # Named, so a random name (Faker's surnames include Lee) never reads as one of the people.
    manager = UserFactory(groups=[GROUP_TEAM_MANAGERS], first_name="Alex", last_name="Manager")
    oxford, banbury = TeamFactory(name="Oxford"), TeamFactory(name="Banbury")
    lee = StaffProfileFactory(team=oxford, line_manager=manager, user__first_name="Lee", job_title="")
    StaffProfileFactory(team=oxford, line_manager=manager, user__first_name="Fran")
    module = make_module("Structured parenting assessment")
    AssignmentFactory(
        module=module, teams=[oxford], due_date=timezone.localdate() - timedelta(days=3), late_joiner_days=0
    )
    enrolments_sync(today=timezone.localdate() - timedelta(days=40))
    return {"manager": manager, "lee": lee, "banbury": banbury, "module": module}


def _lee_progress(team, *, lessons_completed: int) -> ModuleProgress:
    """Lee's progress in the module's two lessons."""
    return ModuleProgress.objects.create(
        user=team["lee"].user,
        module=team["module"],
        lessons_completed=lessons_completed,
        lessons_total=2,
        started_at=timezone.now(),
        last_activity_at=timezone.now(),
    )


def _lee_status(client) -> str:
    """Lee's row's status label on My team."""
    text = client.get(reverse("learning:my_team")).text
    row = text[text.index("Lee ") :]
    return row[row.index("learning-status--") : row.index("</strong>")].split(">")[-1]


def _shown(response) -> list[tuple]:
    """What each row of My team shows (the role and team are unsaved names, unequal as models)."""
    return [
        (
            *(row.enrolment_id, row.person, row.module_title, row.status, row.percent, row.due_date),
            row.profile.job_title,
            str(row.profile.role),
            str(row.profile.team),
        )
        for row in response.context["learning"].rows
    ]


def test_a_visit_after_the_first_reads_only_the_page_and_shows_the_same(
    client, team, shared_cache, django_assert_max_num_queries
):
    """A manager paging or coming back sees the same page, without the list worked out again:
    the people, their items and their progress are not read again (three queries fewer)."""
    client.force_login(team["manager"])
    client.get(reverse("learning:my_team"))  # the frame's first reads
    cache.delete(team_cache.TEAM_GENERATION_KEY)
    with CaptureQueriesContext(connection) as uncached:
        first = client.get(reverse("learning:my_team"))
    with django_assert_max_num_queries(len(uncached.captured_queries) - 3):
        again = client.get(reverse("learning:my_team"))
    assert _shown(again) == _shown(first)
    assert again.context["learning"].status_counts == first.context["learning"].status_counts


def test_a_completion_shows_at_once(client, team, shared_cache, django_capture_on_commit_callbacks):
    """Lee completes the overdue module: their manager's next visit shows it completed."""
    client.force_login(team["manager"])
    assert _lee_status(client) == "Overdue"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enrolments_mark_complete(
            user=team["lee"].user, module_id=team["module"].pk, completed_at=timezone.now()
        )
    assert _lee_status(client) == "Complete"


def test_progress_shows_at_once(client, team, shared_cache, django_capture_on_commit_callbacks):
    """Lee works through one lesson of two: their manager's next visit shows them half way."""
    client.force_login(team["manager"])
    assert "50%" not in client.get(reverse("learning:my_team")).text
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _lee_progress(team, lessons_completed=1)
    assert "50%" in client.get(reverse("learning:my_team")).text


def test_a_person_moving_team_shows_at_once(client, team, shared_cache, django_capture_on_commit_callbacks):
    """HR moves Lee to Banbury: the role line and the team filter show it on the next visit."""
    client.force_login(team["manager"])
    assert "Banbury" not in client.get(reverse("learning:my_team")).text
    lee = team["lee"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        staff_member_update(
            profile=lee,
            first_name=lee.user.first_name,
            last_name=lee.user.last_name,
            job_title="Family practitioner",
            role=lee.role,
            team=team["banbury"],
            agency=lee.agency,
            line_manager=team["manager"],
            start_date=lee.start_date,
            active=True,
        )
    response = client.get(reverse("learning:my_team"))
    assert "Family practitioner, Banbury" in response.text
    assert "Banbury" in [shown.name for shown in response.context["teams"]]


def test_a_list_read_during_a_write_is_not_kept_past_its_commit(
    client, team, shared_cache, django_capture_on_commit_callbacks
):
    """A visit between a completion and its commit reads the rows as they were, and keeps that
    list; once the completion commits, that list is never shown again."""
    client.force_login(team["manager"])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enrolments_mark_complete(
            user=team["lee"].user, module_id=team["module"].pk, completed_at=timezone.now()
        )
        # Another visit before the commit sees the rows without the completion (undone here in a
        # savepoint that is rolled back, since this connection sees its own writes).
        with transaction.atomic():
            Enrolment.objects.filter(user=team["lee"].user).update(completed_at=None)
            assert _lee_status(client) == "Overdue"
            transaction.set_rollback(True)
    assert _lee_status(client) == "Complete"


def test_without_a_shared_cache_every_visit_works_the_list_out(client, team, settings):
    """With Redis absent (or not answering) nothing is kept, and a change shows at once with no
    renewal at all: a per-process cache would miss a renewal made by another process."""
    settings.FRAME_CACHE_SECONDS = 300
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "team-none"},
    }
    assert not team_cache.team_cache_shared()
    client.force_login(team["manager"])
    assert _lee_status(client) == "Overdue"
    Enrolment.objects.filter(user=team["lee"].user).update(completed_at=timezone.now())  # no signal
    assert _lee_status(client) == "Complete"


def test_redis_not_answering_serves_my_team_from_the_database(client, team, settings):
    """Redis down: My team still answers, from the database, and shows changes at once."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.FRAME_CACHE_SECONDS = 300
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "cms.core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, "CIRCUIT_OPEN_SECONDS": 5},
        },
    }
    client.force_login(team["manager"])
    assert _lee_status(client) == "Overdue"
    Enrolment.objects.filter(user=team["lee"].user).update(completed_at=timezone.now())  # no signal
    assert _lee_status(client) == "Complete"


def test_lists_kept_before_an_outage_are_not_read_after_redis_returns(client, team, shared_cache):
    """A renewal lost while Redis was unreachable is made good when it answers again: the
    generation the lists were kept under is dropped with the rest of the outage's stale keys."""
    from cms.core.cache import redis_recovered

    client.force_login(team["manager"])
    client.get(reverse("learning:my_team"))
    kept = cache.get(team_cache.TEAM_GENERATION_KEY)
    assert kept is not None
    redis_recovered.send(sender=type(cache), cache=cache)
    assert cache.get(team_cache.TEAM_GENERATION_KEY) is None
    client.get(reverse("learning:my_team"))
    assert cache.get(team_cache.TEAM_GENERATION_KEY) not in (None, kept)


def test_a_save_of_progress_my_team_does_not_show_keeps_the_lists(
    client, team, shared_cache, django_capture_on_commit_callbacks
):
    """An answer or a visit saves the progress row's lesson states alone: My team shows none of
    that, so the lists stay kept (every learner's click would otherwise renew every manager's);
    a save of the lesson counts renews them."""
    progress = _lee_progress(team, lessons_completed=0)
    client.force_login(team["manager"])
    client.get(reverse("learning:my_team"))
    kept = cache.get(team_cache.TEAM_GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        progress.lesson_states = {"1": {"status": "in_progress"}}
        progress.save(update_fields=["lesson_states", "last_activity_at"])
    assert cache.get(team_cache.TEAM_GENERATION_KEY) == kept
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        progress.lessons_completed = 1
        progress.save(update_fields=["lesson_states", "lessons_completed"])
    assert cache.get(team_cache.TEAM_GENERATION_KEY) != kept
    assert "50%" in client.get(reverse("learning:my_team")).text


@pytest.mark.parametrize("made_up", [{"module_id": 987654321}, {"team_id": 987654321}])
def test_a_made_up_filter_is_answered_but_not_kept(client, team, shared_cache, made_up):
    """A module or team id that is not one of theirs, typed into the address, is answered (with
    nothing matched, or no team filter) but never kept: each would be an entry of its own.
    Their own module and team are kept, so a second read of them is three queries fewer."""
    from cms.people.selectors import staff_visible_to
    from learning.selectors import team_learning

    profiles = staff_visible_to(user=team["manager"])
    oxford = team["lee"].team_id

    def queries(**filters) -> int:
        with CaptureQueriesContext(connection) as read:
            team_learning(profiles=profiles, today=timezone.localdate(), **filters)
        return len(read.captured_queries)

    theirs = {"module_id": team["module"].pk} if "module_id" in made_up else {"team_id": oxford}
    uncached = queries(**theirs)  # also fills the caches every filter reads (module titles)
    assert queries(**theirs) <= uncached - 3
    first = queries(**made_up)
    assert queries(**made_up) == first
    client.force_login(team["manager"])
    address = {key.removesuffix("_id"): 987654321 for key in made_up}
    assert client.get(reverse("learning:my_team"), address).status_code == 200


def test_one_managers_kept_list_is_never_shown_to_another(client, team, shared_cache):
    """Two managers, each of their own team, look at My team in turn with the lists kept: each
    sees their own people only, first visit and second (the key digests whose people they are)."""
    other_manager = UserFactory(groups=[GROUP_TEAM_MANAGERS], first_name="Sam", last_name="Other")
    StaffProfileFactory(team=team["banbury"], line_manager=other_manager, user__first_name="Robin")
    AssignmentFactory(module=team["module"], teams=[team["banbury"]], due_date=timezone.localdate())
    enrolments_sync(today=timezone.localdate())
    for _visit in ("first", "from the cache"):
        client.force_login(team["manager"])
        mine = client.get(reverse("learning:my_team")).text
        assert "Lee " in mine and "Robin " not in mine
        client.force_login(other_manager)
        theirs = client.get(reverse("learning:my_team")).text
        assert "Robin " in theirs and "Lee " not in theirs and "Fran " not in theirs
