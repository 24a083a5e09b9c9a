"""Redis is an accelerator, not a single point of failure: a real redis-server, stopped and restarted.

Each test starts its own redis-server (free port, no persistence, a temporary directory)
and points the cache, sessions, rate limits and, where the flow queues work, the Celery
broker at it; then stops it, checks the site still serves from the database, and starts
it again to check the site returns to normal by itself, without restarting Django.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
import redis
from allauth.account.models import EmailAddress
from redis.backoff import NoBackoff
from redis.retry import Retry

from learning.models import Certificate, ModuleCompletion, XAPIStatement
from tests.cms.pages.factories import StandardPageFactory
from tests.cms.people.factories import UserFactory
from tests.conftest import wait_for
from tests.learning.xapi_statements import statement
from tests.modules.factories import h5p_activity_block, h5p_package_ready, module_with_lessons, text_block

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.redis_server,
    pytest.mark.skipif(
        not Path(REDIS_SERVER).exists(), reason="needs redis-server (.ci/run installs it with apt)"
    ),
]

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-battery-staple"  # tests.cms.people.factories.UserFactory's


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server process of the test's own that it can stop and start again on the same port."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (a fixed binary and our own arguments)
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers)

    def stop(self, *, keep_data: bool = False) -> None:
        """Stop the server; with keep_data, it writes what it holds to disk and loads it when started
        again (as after a network partition: writes meanwhile never arrived, old values are still there)."""
        if self.process is not None:
            if keep_data:
                redis.Redis(port=self.port).shutdown(save=True)
            else:
                self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        assert not self.answers()

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)).ping()
        except redis.ConnectionError:
            return False

    def stored_keys(self) -> list[str]:
        return [key.decode() for key in redis.Redis(port=self.port).keys("*")]


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process is not None:
        server.stop()


@pytest.fixture
def site_on_redis(settings, redis_server, home_page):
    """The cache (and so sessions and rate limits) on this test's Redis, with production's options
    and caches on; the circuit waits a fifth of a second before trying Redis again."""
    settings.FRAME_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.core.cache.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": f"outage-{uuid.uuid4().hex}",
            "OPTIONS": {**settings.REDIS_CACHE_OPTIONS, "CIRCUIT_OPEN_SECONDS": 0.2},
        }
    }
    from cms.pages.services import public_cache_purge

    public_cache_purge()
    return redis_server


@pytest.fixture
def broker_on_redis(site_on_redis):
    """The Celery broker on this test's Redis too (the web process only publishes to it)."""
    from cms.celery import app

    def point_at(url: str, options: dict) -> None:
        app.conf.broker_url = url
        app.conf.broker_transport_options = options
        app._pool = None  # Celery keeps its connection pools per broker: make them anew
        app.amqp._producer_pool = None

    saved = (app.conf.broker_url, app.conf.broker_transport_options)
    point_at(site_on_redis.url, {"socket_connect_timeout": 2, "socket_timeout": 5})
    yield site_on_redis
    point_at(*saved)


def _verified_user(**fields):
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _unique_ip() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _sign_in(client, user, password=PASSWORD):
    return client.post(LOGIN, {"login": user.email, "password": password}, REMOTE_ADDR=_unique_ip())


def test_public_pages_serve_from_the_database_while_redis_is_down_and_cache_again_after(
    client, site_on_redis, home_page, settings
):
    """Redis dies: the home page and a public page still answer (uncached); back, they cache again."""
    # Each process trusts its copies for PUBLIC_CACHE_LOCAL_SECONDS after Redis last confirmed
    # them; with none, every request asks Redis, so the outage shows at once.
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 0
    StandardPageFactory(parent=home_page, slug="accessibility")
    for path in ("/", "/accessibility/"):
        client.get(path)
        assert client.get(path)["X-Public-Cache"] == "hit"

    site_on_redis.stop()
    for path in ("/", "/accessibility/", "/accessibility/?from=search"):
        first, second = client.get(path), client.get(path)
        assert (first.status_code, second.status_code) == (200, 200)
        assert second.get("X-Public-Cache") != "hit"
    assert "Accessibility statement" in client.get("/accessibility/").text

    site_on_redis.start()
    assert wait_for(lambda: client.get("/accessibility/").get("X-Public-Cache") == "hit")
    assert any(":pages:public-cache:" in key for key in site_on_redis.stored_keys())


def test_rendered_public_pages_show_edits_at_once_while_redis_is_down_and_after_it_returns(
    client, site_on_redis, home_page, settings
):
    """The page fragments kept under the public cache's generation are neither read nor kept while
    Redis is down, so an edit published meanwhile shows at once; and when Redis comes back with its
    old data, no fragment from before the outage is served."""
    from wagtail.models import Site

    from tests.cms.pages.factories import RecruitmentPageFactory

    settings.PUBLIC_CACHE_LOCAL_SECONDS = 0
    Site.clear_site_root_paths_cache()
    page = RecruitmentPageFactory(parent=home_page)
    campaign = "/join-us/?utm_source=newsletter"
    assert "Do the social work" in client.get(campaign).text
    assert any(":pages:public-cache:fragment:" in key for key in site_on_redis.stored_keys())

    site_on_redis.stop(keep_data=True)
    page.hero_heading = "Published during the outage"
    page.save_revision().publish()
    for _visit in ("first", "second"):
        assert "Published during the outage" in client.get(campaign).text

    site_on_redis.start()
    assert wait_for(lambda: "Published during the outage" in client.get("/join-us/").text)
    for _visit in ("first, keeping the fragments again", "second, from them"):
        assert "Published during the outage" in client.get(campaign).text


@pytest.fixture
def lesson(home_page):
    _module, (lesson,) = module_with_lessons(home_page, bodies=[[text_block()]])
    return lesson


def test_signed_in_people_stay_signed_in_and_can_sign_in_while_redis_is_down(client, site_on_redis, lesson):
    """A social worker keeps learning through an outage, and a colleague can still sign in."""
    from django.test import Client

    worker = _verified_user()
    assert _sign_in(client, worker).status_code == 302
    assert client.get("/learning/").status_code == 200

    site_on_redis.stop()
    my_learning = client.get("/learning/")
    assert my_learning.status_code == 200
    assert "Sign out" in my_learning.text
    page = client.get(lesson.url)
    assert page.status_code == 200
    assert lesson.title in page.text

    colleague, other = _verified_user(), Client()
    assert other.get(LOGIN).status_code == 200
    signed_in = _sign_in(other, colleague)
    assert signed_in.status_code == 302
    assert other.get("/learning/").status_code == 200
    assert other.session["_auth_user_id"] == str(colleague.pk)

    site_on_redis.start()
    assert wait_for(
        lambda: (
            client.get("/learning/").status_code == 200
            and any(":people:user:" in key for key in site_on_redis.stored_keys())
        )
    )
    for visitor in (client, other):
        assert visitor.get("/learning/").status_code == 200
        assert visitor.get(lesson.url).status_code == 200


@pytest.fixture
def h5p_lesson(settings, tmp_path, home_page):
    settings.MEDIA_ROOT = tmp_path / "media"
    package = h5p_package_ready()
    module, (lesson,) = module_with_lessons(
        home_page, bodies=[[text_block(), h5p_activity_block(package=package, id="h5p-1")]]
    )
    return module, lesson


def test_statements_are_recorded_and_certificates_rendered_while_redis_and_the_broker_are_down(
    client, broker_on_redis, h5p_lesson, django_capture_on_commit_callbacks
):
    """A learner finishes a module during an outage: the statement, completion and certificate are kept."""
    module, lesson = h5p_lesson
    learner = _verified_user()
    client.force_login(learner)

    broker_on_redis.stop()
    body = {"lesson_id": lesson.pk, "block_id": "h5p-1", "statement": statement()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/learning/xapi/statements/", data=json.dumps(body), content_type="application/json"
        )

    assert response.status_code == 201
    assert XAPIStatement.objects.filter(user=learner).count() == 1
    assert ModuleCompletion.objects.filter(user=learner, module=module).exists()
    certificate = Certificate.objects.get(user=learner, module_id=module.pk)
    assert certificate.rendered_at is not None  # the broker did not take it: rendered in place
    assert certificate.pdf.name


def test_healthz_names_redis_while_it_is_down_and_recovers_by_itself(client, broker_on_redis):
    """An operator's probe sees 503 naming Redis during the outage and 200 once Redis is back."""
    assert client.get("/healthz").status_code == 200

    broker_on_redis.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "fail", "broker": "fail"}
    assert response.json()["unavailable"] == ["redis"]

    broker_on_redis.start()
    assert wait_for(lambda: client.get("/healthz").status_code == 200)


def test_wrong_passwords_are_still_limited_while_redis_is_down(client, site_on_redis):
    """Someone guessing a password during an outage is stopped after five tries; others still sign in."""
    from django.test import Client

    target, bystander = _verified_user(), _verified_user()
    site_on_redis.stop()
    ip = _unique_ip()
    answers = [
        client.post(LOGIN, {"login": target.email, "password": f"guess-{n}"}, REMOTE_ADDR=ip).text
        for n in range(30)
    ]
    assert all("not correct" in text for text in answers[:5])
    assert all("Too many failed login attempts" in text for text in answers[5:])
    # The right password is refused too: past 30 posts a minute from the address, and past
    # five failures for the account from anywhere.
    assert (
        client.post(LOGIN, {"login": target.email, "password": PASSWORD}, REMOTE_ADDR=ip).status_code == 429
    )
    elsewhere = client.post(LOGIN, {"login": target.email, "password": PASSWORD}, REMOTE_ADDR=_unique_ip())
    assert "Too many failed login attempts" in elsewhere.text
    assert "_auth_user_id" not in client.session
    assert _sign_in(Client(), bystander).status_code == 302


def test_a_publish_during_an_outage_shows_at_once_when_redis_returns(
    client, site_on_redis, home_page, lesson, settings
):
    """An editor retitles pages while Redis cannot be reached (its data kept): once back, everyone sees it."""
    from django.test import Client

    settings.PUBLIC_CACHE_LOCAL_SECONDS = 0  # every request asks Redis for the public cache's generation

    page = StandardPageFactory(parent=home_page, slug="about", title="About the model")
    learner = Client()
    learner.force_login(_verified_user())
    client.get("/about/")
    assert client.get("/about/")["X-Public-Cache"] == "hit"
    assert lesson.title in learner.get(lesson.url).text

    site_on_redis.stop(keep_data=True)
    page.title = "About Family Safeguarding"
    page.save_revision().publish()
    lesson.title = "Working with fathers and partners"
    lesson_url = lesson.url
    lesson.save_revision().publish()
    site_on_redis.start()

    served_from_cache = wait_for(
        lambda: (page := client.get("/about/")).get("X-Public-Cache") == "hit" and page
    )
    assert "About Family Safeguarding" in served_from_cache.text
    for _visit in ("first, filling the caches", "second, from them"):
        assert "Working with fathers and partners" in learner.get(lesson_url).text


@pytest.fixture
def hanging_redis():
    """An address that accepts connections and never answers (a Redis wedged, or a black hole)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    accepted: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0", accepted
    done.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_hanging_redis_is_tried_once_then_answered_for_without_waiting(hanging_redis, caplog):
    """Redis hangs: the first call waits out the short timeout, the next hundred do not even connect."""
    from cms.core.cache import RedisCache

    url, accepted = hanging_redis
    backend = RedisCache(
        url,
        {
            "KEY_PREFIX": f"hang-{uuid.uuid4().hex}",
            "OPTIONS": {"CIRCUIT_OPEN_SECONDS": 60, "LOCAL_FALLBACK_PREFIXES": ("allauth:rl:",)},
        },
    )
    assert backend.get("greeting", "default") == "default"
    assert backend.unavailable
    tried = len(accepted)
    assert 1 <= tried <= 2  # the attempt and its one immediate retry

    for n in range(100):
        assert backend.get(f"page:{n}") is None
        backend.set(f"page:{n}", n, 30)
    assert backend.get_many(["page:1", "page:2"]) == {}
    assert backend.add("page:1", 1) is False
    with pytest.raises(ValueError, match="not found"):
        backend.incr("page:1")
    # Rate-limit counters and their locks still count, in this process.
    assert backend.add("allauth:rl:login:lock", True, 10) is True
    assert backend.add("allauth:rl:login:lock", True, 10) is False
    backend.set("allauth:rl:login", [1.0, 2.0], 60)
    assert backend.get("allauth:rl:login") == [1.0, 2.0]
    assert len(accepted) == tried
    outage_logs = [record for record in caplog.records if record.name == "cms.core.cache"]
    assert len(outage_logs) == 1  # once per outage, not per call
    assert "unavailable" in outage_logs[0].getMessage()


def test_forwarded_statements_wait_in_the_outbox_while_redis_and_the_broker_are_down(
    broker_on_redis, django_capture_on_commit_callbacks
):
    """A client posts to /xapi during an outage: the statement is stored and queued for the council's
    LRS; its sending is not run in the request (it waits for the minute's beat), and nothing fails."""
    from learning.models import LrsForwardingTarget, LrsOutbox
    from learning.services.lrs import lrs_credential_issue
    from tests.learning.lrs.conftest import XapiClient
    from tests.learning.lrs.remote import RemoteLrs, remote_start
    from tests.learning.lrs.statements import lrs_statement

    remote = RemoteLrs()
    server, url = remote_start(remote)
    try:
        LrsForwardingTarget.objects.create(name="Council LRS", endpoint=url, username="k", password="s")
        credential, secret = lrs_credential_issue(
            name="Storyline", scopes=["statements/write"], authority=None
        )
        xapi = XapiClient(credential.key, secret)
        broker_on_redis.stop()
        with django_capture_on_commit_callbacks(execute=True):
            response = xapi.post_statements([lrs_statement(), lrs_statement()])
        assert response.status_code == 200
        assert LrsOutbox.objects.filter(status=LrsOutbox.Status.PENDING).count() == 2
        assert remote.received == []
    finally:
        server.shutdown()
        server.server_close()


def test_a_lesson_page_shows_an_edit_and_a_completion_at_once_while_redis_is_down(
    client, site_on_redis, home_page
):
    """With Redis down, a lesson page is routed, framed and filled from the database: an edit
    published and a check answered meanwhile both show on the learner's next view."""
    from learning.services import activity_complete
    from tests.modules.factories import knowledge_check_block, reflection_block

    module, (first, second) = module_with_lessons(
        home_page,
        bodies=[
            [text_block(), knowledge_check_block(id="kc-1")],
            [text_block(), knowledge_check_block(id="kc-2"), reflection_block(id="rf-2")],
        ],
    )
    learner = _verified_user()
    assert _sign_in(client, learner).status_code == 302
    assert client.get(second.url).status_code == 200

    site_on_redis.stop()
    page = client.get(second.url)
    assert page.status_code == 200
    assert "lesson 2 of 2" in page.text
    second = second.specific
    second.title = "Edited during the outage"
    second.save_revision().publish()
    activity_complete(user=learner, lesson=first, block_id="kc-1")
    page = client.get(second.url)
    assert "Edited during the outage" in page.text
    assert page.text.count("(Complete)") == 1
    assert client.get(f"{module.url}no-such-lesson/").status_code == 404


def test_a_kept_lesson_body_yields_to_an_edit_and_each_learners_own_marks_while_redis_is_down(
    client, site_on_redis, h5p_lesson
):
    """The lesson body kept rendered in Redis (modules.fragments) is not trusted while Redis is
    down: an edit published meanwhile shows at once, each learner sees only their own done mark,
    and once Redis is back the kept body is the edited one."""
    import re

    from django.test import Client

    from learning.services import activity_complete

    _module, lesson = h5p_lesson
    first, second = _verified_user(), _verified_user()
    other = Client()
    assert _sign_in(client, first).status_code == 302
    assert _sign_in(other, second).status_code == 302
    assert "Parents are capable of change." in client.get(lesson.url).text  # kept in Redis

    site_on_redis.stop(keep_data=True)
    lesson = lesson.specific
    lesson.body = [text_block("<p>Edited during the outage.</p>"), lesson.body.raw_data[1]]
    lesson.save_revision().publish()
    activity_complete(user=first, lesson=lesson, block_id="h5p-1")
    mine, theirs = client.get(lesson.url).text, other.get(lesson.url).text
    for html in (mine, theirs):
        assert "Edited during the outage." in html
        assert "Parents are capable of change." not in html
    assert re.search(r"data-activity-done>", mine)
    assert re.search(r"data-activity-done hidden>", theirs)

    site_on_redis.start()
    for _visit in ("first, filling the caches", "second, from them"):
        html = wait_for(lambda: (page := other.get(lesson.url)).status_code == 200 and page.text)
        assert "Edited during the outage." in html
        assert re.search(r"data-activity-done hidden>", html)
