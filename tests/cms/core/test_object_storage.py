"""Two web nodes and a worker that share nothing but PostgreSQL, Redis and an S3-compatible bucket.

A real S3 server (moto's standalone server), two gunicorn processes and a Celery worker, each
with its own empty MEDIA_ROOT: an image and an H5P package uploaded through node A's admin are
extracted by the worker and shown by node B: the public image at a stable, unsigned address on
the bucket that node B's CSP allows, a package file as a byte range, a package video handed to
the bucket through a short-lived signed address; a certificate the worker renders downloads
from node A. No process writes media to its own disk.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import boto3
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from PIL import Image as PILImage

from cms.pages.demo.seed import home_page_ensure
from learning.models import Certificate
from learning.services import activity_complete
from learning.tasks import certificate_render
from modules.models import H5PPackage, H5PStatus
from tests.cms.pages.factories import RecruitmentPageFactory
from tests.cms.people.factories import UserFactory, mfa_enrol
from tests.conftest import wait_for
from tests.modules.factories import knowledge_check_block, module_with_lessons
from tests.modules.h5p.corpus import LIB, package

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
BUCKET = "fsm-media-test"
VIDEO = os.urandom(4096)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.object_storage,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the nodes share Redis (REDIS_URL), as in CI"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code < 500
    except requests.RequestException:
        return False


@dataclass
class Cluster:
    s3_url: str
    node_a: str
    node_b: str
    media_roots: list[Path]
    queue: str


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our own interpreter's tools and arguments)
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(processes: list[subprocess.Popen]) -> None:
    # SIGINT: gunicorn's quick shutdown (SIGTERM waits out its graceful timeout), Celery's and
    # moto's ordinary stop; none of them is serving anything by now.
    for process in processes:
        process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def cluster(transactional_db, tmp_path) -> Iterator[Cluster]:
    processes: list[subprocess.Popen] = []
    s3_port, port_a, port_b = _free_port(), _free_port(), _free_port()
    s3_url = f"http://127.0.0.1:{s3_port}"
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    base_env = {**os.environ, **credentials, "AWS_DEFAULT_REGION": "us-east-1"}
    try:
        processes.append(
            _start(
                [str(BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)],
                env=base_env,
                log=tmp_path / "s3.log",
            )
        )
        wait_for(lambda: _answers(s3_url), timeout=20)
        s3 = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", **_boto_keys())
        s3.create_bucket(Bucket=BUCKET)
        # What a deployment sets once: the public prefix is readable by anyone.
        s3.put_bucket_policy(Bucket=BUCKET, Policy=_public_prefix_policy())

        queue = f"objstore-{os.getpid()}-{port_a}"
        node_env = {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": _database_url(),
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": s3_url,
            "AWS_S3_REGION_NAME": "us-east-1",
            # Names the nodes' cache prefix and Celery queue (cms/settings/test.py).
            "PYTEST_XDIST_WORKER": queue,
            "WEB_CONCURRENCY": "1",
        }
        roots = []
        for name, port in (("a", port_a), ("b", port_b), ("worker", None)):
            root = tmp_path / f"media-{name}"
            root.mkdir()
            roots.append(root)
            env = {**node_env, "TEST_MEDIA_ROOT": str(root)}
            if port is None:
                command = [str(BIN / "celery"), "-A", "cms", "worker", "--pool", "solo"]
                command += ["-Q", f"test-{queue}", "--without-gossip", "--without-mingle"]
            else:
                command = [str(BIN / "gunicorn"), "cms.wsgi:application", "-c", "gunicorn.conf.py"]
                command += ["-b", f"127.0.0.1:{port}", "--no-control-socket"]
            processes.append(_start(command, env=env, log=tmp_path / f"{name}.log"))
        node_a, node_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        # Two gunicorns and a worker import the whole site at once: on a loaded 2-core machine
        # (a parallel test run beside it) that has taken over 30 s before the first answer.
        wait_for(lambda: _answers(node_a + "/healthz") and _answers(node_b + "/healthz"), timeout=90)
        yield Cluster(s3_url=s3_url, node_a=node_a, node_b=node_b, media_roots=roots, queue=f"test-{queue}")
    finally:
        _stop(processes)


def _boto_keys() -> dict[str, str]:
    return {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _public_prefix_policy() -> str:
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/public/*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _signed_in_session(user) -> requests.Session:
    """A browser session for `user`, signed in through the shared session store (any node reads it)."""
    client = Client()
    client.force_login(user)
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return browser


def _post_form(browser: requests.Session, url: str, data: dict, files: dict) -> requests.Response:
    form = browser.get(url, timeout=10)
    assert form.status_code == 200, form.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert token, "the form carries a CSRF token"
    return browser.post(
        url,
        data={**data, "csrfmiddlewaretoken": token.group(1)},
        files=files,
        headers={"Referer": url},
        allow_redirects=False,
        timeout=20,
    )


def _csp_sources(response: requests.Response, directive: str) -> list[str]:
    for part in response.headers["Content-Security-Policy"].split(";"):
        words = part.split()
        if words and words[0] == directive:
            return words[1:]
    return []


def test_media_uploaded_on_one_node_is_served_by_the_other_from_the_bucket(cluster: Cluster):
    started = time.monotonic()
    editor = mfa_enrol(UserFactory(is_superuser=True, is_staff=True))
    browser = _signed_in_session(editor)

    # Node A: an image through Wagtail's admin, and an H5P package with a video through ours.
    photo = io.BytesIO()
    PILImage.new("RGB", (1600, 1000), "#1d70b8").save(photo, "JPEG")
    added = _post_form(
        browser,
        cluster.node_a + "/admin/images/add/",
        {"title": "Hero", "collection": "1"},
        {"file": ("hero.jpg", photo.getvalue(), "image/jpeg")},
    )
    assert added.status_code == 302, added.text[:800]
    uploaded = _post_form(
        browser,
        cluster.node_a + "/admin/snippets/modules/h5ppackage/add/",
        {"title": "Video check"},
        {"upload": ("video.h5p", package({"content/videos/clip.mp4": VIDEO}), "application/zip")},
    )
    assert uploaded.status_code == 302, uploaded.text[:800]

    # The worker extracts it, reading the upload from the bucket.
    h5p = H5PPackage.objects.get(title="Video check")
    wait_for(lambda: H5PPackage.objects.get(pk=h5p.pk).status == H5PStatus.READY, timeout=30)
    version = H5PPackage.objects.get(pk=h5p.pk).current_version

    # Node B: the public page, its hero image and og:image at stable addresses the CSP allows.
    from wagtail.images import get_image_model

    image = get_image_model().objects.get(title="Hero")
    RecruitmentPageFactory(parent=home_page_ensure(), hero_image=image)
    page = requests.get(cluster.node_b + "/join-us/", timeout=20)
    assert page.status_code == 200, page.text[:800]
    assert cluster.s3_url in _csp_sources(page, "img-src")
    og_image = unescape(re.search(r'<meta property="og:image" content="([^"]+)"', page.text).group(1))
    assert og_image.startswith(f"{cluster.s3_url}/{BUCKET}/public/images/")
    assert "Signature" not in og_image and "Expires" not in og_image
    shown = requests.get(og_image, timeout=10)
    assert shown.status_code == 200
    assert shown.content[:3] == b"\xff\xd8\xff"  # a JPEG
    hero_sources = re.findall(r'srcset="([^"]+)"', page.text)
    assert hero_sources and all(cluster.s3_url in unescape(source) for source in hero_sources)

    # Node B: a package file as a byte range, and the video from the bucket by a short-lived address.
    script = f"{cluster.node_b}/h5p/{version.pk}/{LIB}/corpus.js"
    part = browser.get(script, headers={"Range": "bytes=4-9"}, timeout=10)
    assert part.status_code == 206, part.text[:500]
    assert part.content == b"var H5P = H5P || {}"[4:10]
    assert part.headers["Content-Range"].startswith("bytes 4-9/")

    video = browser.get(f"{cluster.node_b}/h5p/{version.pk}/content/videos/clip.mp4", allow_redirects=False)
    assert video.status_code == 302
    assert video.headers["Location"].startswith(f"{cluster.s3_url}/{BUCKET}/h5p/")
    assert "Signature" in video.headers["Location"]
    lesson_csp = _csp_sources(page, "media-src")
    assert cluster.s3_url in lesson_csp
    seek = requests.get(video.headers["Location"], headers={"Range": "bytes=100-199"}, timeout=10)
    assert seek.status_code == 206
    assert seek.content == VIDEO[100:200]

    # Nobody may fetch the package through either node without signing in.
    assert requests.get(script, timeout=10).status_code == 403

    # A certificate rendered by the worker into the bucket downloads from node A.
    learner = UserFactory()
    _module, (lesson,) = module_with_lessons(home_page_ensure(), bodies=[[knowledge_check_block(id="kc")]])
    activity_complete(user=learner, lesson=lesson, block_id="kc")
    certificate = Certificate.objects.get(user=learner)
    certificate_render.apply_async(kwargs={"certificate_id": certificate.pk}, queue=cluster.queue)
    wait_for(lambda: Certificate.objects.filter(pk=certificate.pk, rendered_at__isnull=False).exists())
    pdf = _signed_in_session(learner).get(f"{cluster.node_a}/learning/certificates/{certificate.code}.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")

    # Nothing was written to any process's own disk.
    assert [list(root.rglob("*")) for root in cluster.media_roots] == [[], [], []]
    assert time.monotonic() - started < 50
