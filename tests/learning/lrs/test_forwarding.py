"""Forwarding to another LRS: the outbox is filled in the storing transaction, the sender settles
each row (delivered, retried with backoff, dead letter), two workers never send a row twice, and
L&D hear once per outage."""

import base64
import json
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.people.roles import GROUP_LD_EDITORS, GROUP_LD_LEADS
from cms.people.services import groups_ensure
from learning.models import LrsForwardingTarget, LrsOutbox, XAPIStatement
from learning.services.lrs import (
    BACKOFF_CAP,
    ForwardingCredentialsMissing,
    forwarding_alerts_send,
    forwarding_backoff,
    forwarding_target_auth,
    lrs_forward_send,
    lrs_statements_store,
    outbox_resend,
)
from learning.tasks import lrs_forward_task
from tests.cms.people.factories import UserFactory
from tests.learning.factories import AssignmentFactory, ProgrammeFactory
from tests.learning.lrs.remote import RemoteLrs, remote_start
from tests.learning.lrs.statements import lrs_statement
from tests.learning.xapi_statements import statement
from tests.modules.factories import h5p_activity_block, h5p_package_ready, module_with_lessons, text_block

pytestmark = pytest.mark.django_db

Status = LrsOutbox.Status
AUTHORITY = {"objectType": "Agent", "mbox": "mailto:tests@example.org"}
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


@pytest.fixture
def remote():
    lrs = RemoteLrs()
    server, url = remote_start(lrs)
    lrs.url = url
    yield lrs
    server.shutdown()
    server.server_close()


def _target(url="http://127.0.0.1:9/xapi/", **fields):
    fields = {"name": "Council LRS", "endpoint": url, "username": "key", "password": "secret", **fields}
    return LrsForwardingTarget.objects.create(**fields)


def _store(*statements, version="1.0.3"):
    return lrs_statements_store(
        statements=list(statements), credential=None, authority=AUTHORITY, version=version
    )


def _rows(target, status=None):
    rows = LrsOutbox.objects.filter(target=target)
    return rows.filter(status=status) if status else rows


# Queueing


def test_a_batch_that_rolls_back_leaves_no_outbox_row():
    """The outbox row and the statement live or die together: a failed transaction queues nothing."""
    target = _target()
    with pytest.raises(RuntimeError), transaction.atomic():
        _store(lrs_statement(), lrs_statement())
        assert _rows(target).count() == 2
        raise RuntimeError("the request failed after storing")
    assert not LrsOutbox.objects.exists() and not XAPIStatement.objects.exists()
    _store(lrs_statement(), lrs_statement())
    assert _rows(target, Status.PENDING).count() == 2


def test_statements_stored_again_are_not_queued_again():
    target = _target()
    same = lrs_statement()
    _store(same)
    _store(same)
    assert _rows(target).count() == 1


def test_an_inactive_target_queues_nothing_and_each_active_one_gets_its_copy():
    council = _target()
    _target(name="Old LRS", is_active=False)
    regional = _target(name="Regional partnership")
    _store(lrs_statement())
    assert _rows(council).count() == 1 and _rows(regional).count() == 1
    assert LrsOutbox.objects.count() == 2


def test_targets_filter_by_verb_and_activity_prefix():
    completions = _target(name="Completions", verbs=[COMPLETED])
    safeguarding = _target(name="Safeguarding", activity_prefix="http://example.org/activities/safeguarding")
    done = lrs_statement(verb={"id": COMPLETED})
    other = lrs_statement(object={"id": "http://example.org/activities/data-protection"})
    _store(done, other)
    assert [str(r.statement.statement_id) for r in _rows(completions)] == [done["id"]]
    assert [str(r.statement.statement_id) for r in _rows(safeguarding)] == [done["id"]]


def test_a_programme_target_takes_statements_about_lessons_of_the_modules_it_assigns(
    client, home_page, settings, tmp_path
):
    """The council's LRS wants the rollout's learning only: an H5P answer in an assigned module goes,
    one in a module outside the programme, and a statement about no lesson, do not."""
    settings.MEDIA_ROOT = tmp_path
    package = h5p_package_ready()
    assigned, (lesson,) = module_with_lessons(
        home_page, bodies=[[text_block(), h5p_activity_block(package=package, id="h5p-1")]]
    )
    _elsewhere, (other_lesson,) = module_with_lessons(
        home_page, bodies=[[text_block(), h5p_activity_block(package=package, id="h5p-2")]]
    )
    programme = ProgrammeFactory()
    AssignmentFactory(programme=programme, module=assigned)
    target = _target(programme=programme)
    learner = UserFactory()
    client.force_login(learner)
    sent = []
    for lesson_id, block in ((lesson.pk, "h5p-1"), (other_lesson.pk, "h5p-2")):
        sent.append(statement())
        response = client.post(
            "/learning/xapi/statements/",
            data=json.dumps({"lesson_id": lesson_id, "block_id": block, "statement": sent[-1]}),
            content_type="application/json",
        )
        assert response.status_code == 201
    _store(lrs_statement())
    assert [str(r.statement.statement_id) for r in _rows(target)] == [sent[0]["id"]]


def test_queries_per_batch_stay_constant_with_a_target(make_xapi):
    """The outbox costs one look-up of targets and one bulk insert, whatever the batch's size."""
    _target()
    xapi = make_xapi()

    def post(size):
        batch = [lrs_statement(actor={"mbox": f"mailto:p{i}@example.org"}) for i in range(size)]
        with CaptureQueriesContext(connection) as queries:
            assert xapi.post_statements(batch).status_code == 200
        return len(queries)

    post(1)
    assert post(50) == post(1)
    assert LrsOutbox.objects.count() == 52


# Sending


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    assert [forwarding_backoff(attempts=n).total_seconds() for n in range(1, 9)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
    ]
    assert forwarding_backoff(attempts=40) == BACKOFF_CAP == timedelta(hours=1)


def test_a_batch_goes_as_one_post_with_ids_version_and_credentials(remote):
    target = _target(remote.url, version="2.0.0", batch_size=2)
    stored = [lrs_statement() for _ in range(3)]
    _store(*stored, version="2.0.0")
    report = lrs_forward_send(target_id=target.pk)
    assert report.delivered == 3 and report.batches == 2
    assert [r.method for r in remote.received] == ["POST", "POST"]
    assert sorted(remote.ids()) == sorted(s["id"] for s in stored)
    assert {r.version for r in remote.received} == {"2.0.0"}
    assert remote.received[0].authorization == "Basic " + base64.b64encode(b"key:secret").decode()
    assert _rows(target, Status.DELIVERED).count() == 3
    target.refresh_from_db()
    assert target.last_delivered_at is not None and target.failing_since is None


def test_a_409_for_the_batch_is_settled_by_put_and_409_or_204_each_count_as_delivered(remote):
    """The council's LRS already holds some of them: each statement gets its own verdict."""
    remote.answer = lambda method, ids: 409 if method == "POST" else (409 if ids[0] == held["id"] else 204)
    held = lrs_statement()
    target = _target(remote.url)
    _store(held, lrs_statement())
    report = lrs_forward_send(target_id=target.pk)
    assert report.delivered == 2
    assert [r.method for r in remote.received] == ["POST", "PUT", "PUT"]
    assert _rows(target, Status.DELIVERED).count() == 2


def test_a_400_for_one_statement_makes_only_it_a_dead_letter_with_the_reason(remote):
    bad = lrs_statement()
    remote.answer = lambda method, ids: 400 if method == "POST" or ids == [bad["id"]] else 204
    target = _target(remote.url)
    _store(lrs_statement(), bad)
    lrs_forward_send(target_id=target.pk)
    dead = _rows(target, Status.DEAD).get()
    assert str(dead.statement.statement_id) == bad["id"]
    assert "HTTP 400" in dead.last_error
    assert _rows(target, Status.DELIVERED).count() == 1


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_make_dead_letters_with_the_reason(remote, status):
    remote.answer = lambda method, ids: status
    target = _target(remote.url)
    _store(lrs_statement())
    lrs_forward_send(target_id=target.pk)
    row = _rows(target).get()
    assert row.status == Status.DEAD and f"HTTP {status}" in row.last_error
    target.refresh_from_db()
    assert target.failing_since is not None and f"HTTP {status}" in target.last_error


def test_a_server_error_leaves_rows_pending_with_backoff_until_the_last_attempt(remote):
    remote.answer = lambda method, ids: 503
    target = _target(remote.url, max_attempts=3)
    _store(lrs_statement())
    now = timezone.now()
    lrs_forward_send(target_id=target.pk, now=now)
    row = _rows(target).get()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert row.next_attempt_at == now + timedelta(seconds=30)
    assert "HTTP 503" in row.last_error
    lrs_forward_send(target_id=target.pk, now=now)  # not due yet: nothing is sent
    assert len(remote.received) == 1
    lrs_forward_send(target_id=target.pk, now=now + timedelta(seconds=31))
    lrs_forward_send(target_id=target.pk, now=now + timedelta(minutes=5))
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.DEAD, 3)


def test_an_unreachable_target_keeps_rows_pending_and_records_the_error():
    """A network outage degrades: nothing raises, the rows wait, the screen shows why."""
    target = _target("http://127.0.0.1:9/xapi/")
    _store(lrs_statement())
    report = lrs_forward_send(target_id=target.pk)
    assert report.retried == 1
    row = _rows(target).get()
    assert row.status == Status.PENDING and "ConnectionError" in row.last_error
    target.refresh_from_db()
    assert target.failing_since is not None and target.last_error_at is not None


def test_a_recovered_target_clears_its_outage(remote):
    target = _target(remote.url, failing_since=timezone.now() - timedelta(hours=2))
    _store(lrs_statement())
    lrs_forward_send(target_id=target.pk)
    target.refresh_from_db()
    assert target.failing_since is None


def test_the_task_sends_every_active_target(remote):
    target = _target(remote.url)
    _store(lrs_statement())
    assert lrs_forward_task()["delivered"] == 1
    assert _rows(target, Status.DELIVERED).count() == 1


def test_credentials_from_the_environment(monkeypatch):
    target = _target(credentials_env="COUNCIL_LRS_CREDENTIALS", username="", password="")
    monkeypatch.setenv("COUNCIL_LRS_CREDENTIALS", "council-key:council:secret")
    assert forwarding_target_auth(target=target) == ("council-key", "council:secret")
    monkeypatch.setenv("COUNCIL_LRS_CREDENTIALS", "no-colon")
    with pytest.raises(ForwardingCredentialsMissing):
        forwarding_target_auth(target=target)


def test_missing_environment_credentials_keep_rows_pending_and_say_why(monkeypatch):
    monkeypatch.delenv("COUNCIL_LRS_CREDENTIALS", raising=False)
    target = _target(credentials_env="COUNCIL_LRS_CREDENTIALS", username="", password="")
    _store(lrs_statement())
    lrs_forward_send(target_id=target.pk)
    assert _rows(target).get().status == Status.PENDING
    target.refresh_from_db()
    assert "COUNCIL_LRS_CREDENTIALS" in target.last_error


@pytest.mark.postgres
def test_two_workers_never_send_the_same_row(transactional_db, remote):
    """Two Celery workers drain at once: SKIP LOCKED hands each batch to one of them."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locking (SKIP LOCKED) needs PostgreSQL.")
    remote.delay = 0.05
    target = _target(remote.url, batch_size=5)
    _store(*[lrs_statement() for _ in range(60)])

    reports = []

    def drain():
        try:
            reports.append(lrs_forward_send(target_id=target.pk))
        finally:
            connection.close()

    workers = [threading.Thread(target=drain) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ids = remote.ids()
    assert len(ids) == len(set(ids)) == 60
    assert _rows(target, Status.DELIVERED).count() == 60
    assert all(report.batches for report in reports)  # both worked, side by side


# Resending and the outage email


def test_resend_requeues_only_this_targets_dead_letters():
    council, other = _target(), _target(name="Other")
    _store(lrs_statement(), lrs_statement())
    mine = list(_rows(council))
    theirs = _rows(other).first()
    LrsOutbox.objects.update(status=Status.DEAD, attempts=5)
    _rows(council).filter(pk=mine[1].pk).update(status=Status.DELIVERED)
    assert outbox_resend(target=council, outbox_ids=[theirs.pk, mine[1].pk]) == 0
    assert outbox_resend(target=council, outbox_ids=[mine[0].pk]) == 1
    mine[0].refresh_from_db()
    assert (mine[0].status, mine[0].attempts) == (Status.PENDING, 0)
    assert outbox_resend(target=other) == 2  # "Resend all": both of its dead letters


def test_ld_hear_once_per_outage_after_an_hour(settings):
    groups_ensure()
    UserFactory(email="ld@example.org", groups=[GROUP_LD_EDITORS])
    UserFactory(email="lead@example.org", groups=[GROUP_LD_LEADS])
    UserFactory(email="learner@example.org")
    now = timezone.now()
    target = _target(failing_since=now - timedelta(minutes=50), last_error="HTTP 503")
    assert forwarding_alerts_send(now=now) == 0
    later = now + timedelta(minutes=15)
    assert forwarding_alerts_send(now=later) == 1
    assert forwarding_alerts_send(now=later + timedelta(minutes=30)) == 0
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["ld@example.org", "lead@example.org"]
    assert "Council LRS" in mail.outbox[0].subject and "HTTP 503" in mail.outbox[0].body
    assert f"/admin/lrs-forwarding/{target.pk}/" in mail.outbox[0].body
    # It recovers, then fails again: a new outage, told again after its own hour.
    target.failing_since = later + timedelta(hours=1)
    target.save()
    assert forwarding_alerts_send(now=later + timedelta(hours=2, minutes=1)) == 1
    assert len(mail.outbox) == 2


def test_an_h5p_statement_just_after_the_caches_were_emptied_reads_the_targets_with_its_insert(
    client, home_page, settings, tmp_path, site_caches
):
    """After a Redis flush or a restart, the first H5P answer is still queued for the target
    whose verbs it matches, and not for the one it does not. It reads the targets once (on
    PostgreSQL before the one statement that stores it and queues it); the next reads them cached."""
    from django.core.cache import cache

    from cms.core import page_cache

    settings.MEDIA_ROOT = tmp_path
    package = h5p_package_ready()
    _module, (lesson,) = module_with_lessons(
        home_page, bodies=[[text_block(), h5p_activity_block(package=package, id="h5p-1")]]
    )
    answers = _target(verbs=["http://adlnet.gov/expapi/verbs/answered"])
    completions = _target(name="Completions", verbs=[COMPLETED])
    client.force_login(UserFactory())
    sent = []
    for _ in range(2):
        cache.clear()
        page_cache._local_tier.clear()
        sent.append(statement())
        body = {"lesson_id": lesson.pk, "block_id": "h5p-1", "statement": sent[-1]}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/learning/xapi/statements/", data=json.dumps(body), content_type="application/json"
            )
        assert response.status_code == 201
        reads = [
            q["sql"] for q in queries if q["sql"].startswith("SELECT") and "lrsforwardingtarget" in q["sql"]
        ]
        assert len(reads) == 1
        sent.append(statement())
        body = {"lesson_id": lesson.pk, "block_id": "h5p-1", "statement": sent[-1]}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/learning/xapi/statements/", data=json.dumps(body), content_type="application/json"
            )
        assert response.status_code == 201
        assert not [q for q in queries if "lrsforwardingtarget" in q["sql"]]
    queued = sorted(str(row.statement.statement_id) for row in _rows(answers))
    assert queued == sorted(s["id"] for s in sent)
    assert not _rows(completions).exists()


def test_with_the_frame_caches_targets_are_read_once_and_forgotten_when_one_changes(site_caches):
    """Production keeps the active targets cached: a new or paused target counts at once."""
    _store(lrs_statement())  # warm: no target yet, and that is cached
    target = _target()
    _store(lrs_statement())
    assert _rows(target).count() == 1
    with CaptureQueriesContext(connection) as queries:
        _store(lrs_statement())
    assert not [q for q in queries if "learning_lrsforwardingtarget" in q["sql"]]
    target.is_active = False
    target.save()
    _store(lrs_statement())
    assert _rows(target).count() == 2
