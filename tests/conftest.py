"""Fixtures shared by the whole suite."""

import pytest
from django.db import connection

from cms.pages.demo.seed import home_page_ensure


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    fixtures = getattr(item, "fixturenames", [])
    return "transactional_db" in fixtures or "live_server" in fixtures


def _restore_content_types_first() -> None:
    """Make a serialized rollback restore content types before the rows that point at them.

    Django restores the migrated data in serialization order. Wagtail's default workflow
    task (a GroupApprovalTask) is rebuilt from its own row without its parent's content
    type, so its constructor looks the content type up; when Django's in-process cache
    of content types has been cleared and the content type rows are not back yet, that
    lookup *creates* one with a new id, and restoring the real row then fails ("duplicate
    key ... (wagtailcore, groupapprovaltask)"), failing whichever transactional test came
    next. Restoring content types first, with the cache emptied before and after, makes
    every transactional test start from exactly the migrated data.
    """
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.db.backends.base.creation import BaseDatabaseCreation

    restore = BaseDatabaseCreation.deserialize_db_from_string
    if getattr(restore, "content_types_first", False):
        return
    # A private Django method (6.1): fail loudly if its shape changes rather than patch blind.
    import inspect

    assert list(inspect.signature(restore).parameters) == ["self", "data"], "Django changed the restore"

    def restore_content_types_first(self, data):
        objects = json.loads(data)
        first = [item for item in objects if item["model"] == "contenttypes.contenttype"]
        rest = [item for item in objects if item["model"] != "contenttypes.contenttype"]
        ContentType.objects.clear_cache()
        try:
            return restore(self, json.dumps(first + rest))
        finally:
            ContentType.objects.clear_cache()

    restore_content_types_first.content_types_first = True
    BaseDatabaseCreation.deserialize_db_from_string = restore_content_types_first


_restore_content_types_first()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Keep Django's test order under pytest-randomly, and skip PostgreSQL-only tests on SQLite.

    pytest-randomly shuffles after pytest-django has put database tests before
    transactional ones; shuffled, a transactional test's flush would strip the data
    Wagtail's migrations made (root page, collection, locale) from the tests after it.
    This wrapper runs last, re-sorts stably (random order is kept within each group) and
    makes every transactional test restore the migrated data (serialized rollback), so
    no test depends on which ran before it.
    """
    result = yield
    from pytest_django.plugin import pytest_collection_modifyitems as django_order

    for item in items:
        if _is_transactional(item):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)
    django_order(items)
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (row locking and concurrency); CI runs it there")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
    return result


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's setup, with each PostgreSQL test database copied from a migrated template.

    See tests/database_template.py. Django's setup then keeps the copy (nothing is left to
    migrate) and serialises it for serialized rollback; teardown drops it as before. SQLite,
    --reuse-db and --no-migrations behave as pytest-django's own fixture does.
    """
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from tests.database_template import clone_test_database

    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    default = connections["default"]
    from_template = default.vendor == "postgresql" and django_db_use_migrations and not keepdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock():
        if from_template:
            clone_test_database(default)
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=keepdb or from_template,
        )
    shared = _serialized_contents_for_every_context(aliases)
    _caches_emptied_of_earlier_runs()
    yield
    for wrapper_class in shared:
        del wrapper_class._test_serialized_contents
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


def _caches_emptied_of_earlier_runs() -> None:
    """Empty this worker's key space in every cache before its tests start.

    The test databases are new, their ids counted from 1 again, while Redis keeps what an earlier
    run cached under the same prefix (a rendition of image 1 whose file was in that run's media
    folder, say). Each cache's clear() deletes its own prefix's keys only (cms.core.cache), so the
    other workers' keys and the broker's queues are untouched."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


def _serialized_contents_for_every_context(aliases) -> list[type]:
    """Let every connection object see the serialised data, not only this context's.

    Django keeps the data for serialized rollback on the connection object, and connection
    objects are per context (asgiref's Local). Playwright's sync API runs each browser test
    in a greenlet with a context of its own, so a browser test gets a fresh connection
    without the data: Django then skips the restore, and the test meets the empty database
    the previous test's flush left (no root page, content type rows gone while Django's
    cache still holds their ids). Putting the data on the wrapper class makes every
    connection of that backend find it, so browser tests start from the migrated data too.
    """
    from django.db import connections

    shared = []
    for alias in aliases:
        connection_ = connections[alias]
        contents = connection_.__dict__.get("_test_serialized_contents")
        if contents is not None:
            type(connection_)._test_serialized_contents = contents
            shared.append(type(connection_))
    return shared


@pytest.fixture
def home_page(db):
    """The seeded home page as the default site's root."""
    return home_page_ensure()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker, in a thread of this process, consuming this run's queue.

    Use with data committed to the database (the fixture implies a transactional DB):
    the worker reads it over its own connection, as production workers do.
    """
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from cms.celery import app

    app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
    # Tasks queued by earlier tests (after their commits) must not run against this one.
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE)
    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[settings.CELERY_TASK_DEFAULT_QUEUE]
    ) as worker:
        yield worker


def wait_for(predicate, *, timeout: float = 10.0, interval: float = 0.05):
    """Poll until `predicate()` is truthy (for work a real worker does asynchronously)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def caches_of_their_own(caches: dict) -> dict:
    """`caches` (a CACHES setting), each under a key prefix no other test shares: what one test
    caches (rows its rollback removes, rate-limit counts, used TOTP codes) never reaches another."""
    import uuid

    run = uuid.uuid4().hex
    return {
        name: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}-{run}"}
        for name, config in caches.items()
    }


@pytest.fixture
def site_caches(settings):
    """Turn on the cross-request caches production uses (FRAME_CACHE_SECONDS), in a key space
    of this test's own, so nothing cached outlives the test's rolled-back data."""
    settings.FRAME_CACHE_SECONDS = 300
    settings.CACHES = caches_of_their_own(settings.CACHES)


def _force_login_is_a_finished_sign_in(sender, request, user, **kwargs) -> None:
    """The test client's force_login stands for a sign-in completed through allauth.

    allauth records in the session how someone signed in, and the admin's MFA gate
    (cms.core.sign_in) reads those records. force_login skips allauth, so it records
    here what allauth's flow would: the password and, for someone enrolled in MFA, the
    authenticator's code. Only the test client's stand-in request (it has no path) is
    touched; sign-ins through real views keep what allauth recorded. Tests of the gate
    itself sign in through allauth's views, or enrol after signing in.
    """
    if request is None or request.path:
        return
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    from cms.core.sign_in import ENROLLED_MFA_TYPES

    record_authentication(request, user, "password", email=user.email)
    authenticator = Authenticator.objects.filter(user=user, type__in=ENROLLED_MFA_TYPES).first()
    if authenticator is not None:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


@pytest.fixture(autouse=True, scope="session")
def force_login_records_the_sign_in():
    """Connect _force_login_is_a_finished_sign_in for the whole run."""
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_force_login_is_a_finished_sign_in, dispatch_uid="tests-force-login-sign-in")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-force-login-sign-in")


@pytest.fixture
def media(settings, tmp_path):
    """Uploads and extracted packages go to a folder of this test's own (returned); a test module
    asks for it with `pytest.mark.usefixtures("media")`."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    """pytest-django's, with the block standing for a transaction of its own.

    A test's database work is one transaction that never commits, so after-commit work asked
    for by its fixtures is still waiting when the block starts. Django's block captures only
    what is asked for inside it, but `cms.core.transactions.on_commit_once` asks once a
    transaction: the fixtures' waiting registration would stand for the block's, and the
    block would capture nothing. So the block starts with nothing waiting (as a request's
    transaction does) and puts the fixtures' registrations back when it ends; they never run,
    as without the block.
    """
    from contextlib import contextmanager

    from django.db import DEFAULT_DB_ALIAS, connections

    @contextmanager
    def capture(*, using=DEFAULT_DB_ALIAS, execute=False):
        connection = connections[using]
        waiting, connection.run_on_commit = connection.run_on_commit, []
        try:
            with django_capture_on_commit_callbacks(using=using, execute=execute) as callbacks:
                yield callbacks
        finally:
            connection.run_on_commit = waiting + connection.run_on_commit

    return capture
