"""The test suite: fast hashing, in-memory files where possible, debug off."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import AWS_STORAGE_BUCKET_NAME, BASE_DIR, CACHES, REDIS_URL, STORAGES

SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Files on disk, unless a bucket is configured (the object-storage test's web nodes and worker,
# tests/integration/test_object_storage.py, run these settings against an S3-compatible server).
if not AWS_STORAGE_BUCKET_NAME:
    STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT") or BASE_DIR / "var" / "test-media")
if "TEST_MEDIA_ROOT" not in os.environ:
    MEDIA_ROOT = MEDIA_ROOT / os.environ.get("PYTEST_XDIST_WORKER", "main")
if REDIS_URL:
    # Each xdist worker gets its own key prefix so parallel tests never share counters.
    CACHES["default"]["KEY_PREFIX"] = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_BASE_URL = "http://testserver"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Celery in tests: Redis when configured (CI), kombu's in-process memory broker
# otherwise. Each xdist worker has its own queue so one test run's worker never
# takes another's tasks. Tests that need the asynchronous flow start a real
# worker with the `celery_worker` fixture (tests/conftest.py).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
CELERY_TASK_DEFAULT_QUEUE = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")

# The site frame's cached reads (cms.core.selectors) would outlive each test's
# rolled-back data; tests of that cache turn it on themselves.
FRAME_CACHE_SECONDS = 0
# No page rendering behind a test's back after each publish (a worker fixture would run it
# beside the test); tests of warming turn it on (tests/cms/pages/test_public_rendering.py).
PUBLIC_CACHE_WARM_PAGES = 0
# Likewise the readiness figures (tests of that cache turn it on themselves).
READINESS_CACHE_SECONDS = 0
