"""Writing an accepted package's files to storage, and reading its stored upload back.

Shared by every kind of package: the storage is the caller's (H5P's, SCORM's), so local
disk and S3 behave the same. A sink remembers what it wrote, so a package refused part-way
through extraction leaves nothing behind.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage

from modules.packages.archive import PackageRefused

logger = logging.getLogger(__name__)

SPOOL_BYTES = 1024 * 1024


def stored_local_copy(storage: Storage, name: str, limit: int) -> IO[bytes]:
    """The stored upload as a local seekable file (zip reading needs random access)."""
    local = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned to the caller
    with storage.open(name, "rb") as stored:
        copied = 0
        while chunk := stored.read(64 * 1024):
            copied += len(chunk)
            if copied > limit:
                raise PackageRefused(
                    "upload-too-large", "The stored package is larger than the upload limit."
                )
            local.write(chunk)
    local.seek(0)
    return local


class StorageSink:
    """Writes each extracted file to storage under a version's prefix, remembering what it wrote."""

    def __init__(self, storage: Storage, prefix: str):
        self.prefix = prefix
        self.storage = storage
        self.written: list[str] = []

    def __call__(self, path: str, stream: IO[bytes]) -> None:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            shutil.copyfileobj(stream, spool, 64 * 1024)
            spool.seek(0)
            name = self.storage.save(self.prefix + path, File(spool, name=path.rsplit("/", 1)[-1]))
        self.written.append(name)
        if name != self.prefix + path:
            raise PackageRefused("storage-name", f"Storage could not keep the name of {path!r}.")

    def discard(self) -> None:
        for name in self.written:
            try:
                self.storage.delete(name)
            except OSError:
                logger.warning("could not delete extracted package file %s", name)
        self.written.clear()
