"""Fixtures shared by the whole suite."""

import pytest
from django.db import connection

from cms.pages.seed import home_page_ensure


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need row locking; on SQLite they are skipped with that reason."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (row locking and concurrency); CI runs it there")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def home_page(db):
    """The seeded home page as the default site's root."""
    return home_page_ensure()
