"""Settings of the people app, each overridable in Django settings."""

from django.conf import settings

# Caps on an HR export (staff import): far above a county council's workforce
# (about 5,000 staff, ~150 bytes a row), far below what would strain a worker.
STAFF_IMPORT_MAX_BYTES: int = getattr(settings, "STAFF_IMPORT_MAX_BYTES", 4 * 1024 * 1024)
STAFF_IMPORT_MAX_ROWS: int = getattr(settings, "STAFF_IMPORT_MAX_ROWS", 20_000)
