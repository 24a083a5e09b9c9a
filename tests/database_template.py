"""A migrated PostgreSQL database kept as a template, so each test database is a copy.

Building a test database runs every migration (Wagtail's and Django's are most of them,
about 25 s of CPU). On PostgreSQL the suite instead migrates one *template* database per
migration set, once, and each pytest-xdist worker's test database is created from it with
``CREATE DATABASE ... TEMPLATE`` (a file copy: well under a second). Django's own setup then
finds the database present (``keepdb``), applies nothing, runs the post-migrate signals and
serialises the data for serialized rollback exactly as before.

The template's name carries a digest of everything that decides the migrated state: our
migration files, the locked dependency versions (third-party migrations) and the settings.
A change to any of them names a new template; an old one is never reused. Workers and
concurrent runs coordinate through a PostgreSQL advisory lock, so the template is built once
and never copied while it is being built. SQLite and ``--reuse-db`` keep Django's own path.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cms", "modules", "learning", "practiceweek")
# Any 64-bit constant: all runs on this server agree on it.
LOCK_ID = 7_304_512_118
TEMPLATE_PREFIX = "fsm_tpl_"


def migration_digest() -> str:
    """A digest of the files that decide what a migrated database holds."""
    digest = hashlib.sha256()
    paths = sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("migrations/*.py")
        if "__pycache__" not in path.parts
    )
    paths += [ROOT / "uv.lock", *sorted((ROOT / "cms" / "settings").glob("*.py"))]
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _admin_connection(settings_dict: dict):
    """An autocommit connection to the server's maintenance database (CREATE DATABASE needs one)."""
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        autocommit=True,
    )


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _migrate_into(name: str, settings_dict: dict) -> None:
    """Run every migration into database `name`, in a process of its own."""
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    url = f"postgres://{user}{password}@{host}:{port}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        check=True,
        cwd=ROOT,
        env=env,
    )


def clone_test_database(connection) -> None:
    """Create this worker's test database as a copy of the migrated template.

    `connection` is Django's default connection, before the test database is set up: its
    TEST name (with the xdist worker's suffix) is the database to create.
    """
    from psycopg import sql

    settings_dict = connection.settings_dict
    test_name = connection.creation._get_test_db_name()
    template = f"{TEMPLATE_PREFIX}{migration_digest()}"
    with _admin_connection(settings_dict) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
        try:
            if not _exists(cursor, template):
                building = f"{template}_building"
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(building))
                )
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
                _migrate_into(building, settings_dict)
                # The rename makes the template appear whole or not at all.
                cursor.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(building), sql.Identifier(template)
                    )
                )
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(test_name))
            )
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(test_name), sql.Identifier(template)
                )
            )
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
