"""Serving a stored file that a view has already authorised: byte ranges, and handing the body off.

Three ways to deliver the body, chosen by settings (docs/h5p.md, "Serving package files"):

* a front server: with ``PROTECTED_MEDIA_ACCEL_REDIRECT`` (nginx) or ``PROTECTED_MEDIA_SENDFILE_HEADER``
  (Apache's mod_xsendfile, lighttpd), Django answers with headers only and the front server sends
  the file, ranges included, without holding a Django worker;
* object storage: a file the view marks ``offload`` (audio and video) is answered with a redirect to
  a short-lived signed URL, and the bucket answers its ranges;
* otherwise Django answers itself: the whole file through ``FileResponse`` (the WSGI server's
  file wrapper), or one byte range read in chunks from an open file, never the whole file in memory.

Range rules (RFC 9110 section 14): only a single ``bytes`` range is honoured; a malformed
header, another unit or several ranges are ignored and the whole file is sent with 200 (the RFC
allows ignoring Range); a syntactically valid range that starts past the end answers 416 with
``Content-Range: bytes */size``; ``If-Range`` that does not match the current ETag or date sends
the whole file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.files.storage import Storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

CHUNK_BYTES = 64 * 1024
# Longer headers are not a single range; they are ignored rather than parsed.
MAX_RANGE_HEADER = 100
SINGLE_RANGE = re.compile(r"bytes=([0-9]{0,19})-([0-9]{0,19})")


@dataclass(frozen=True)
class ByteRange:
    """Inclusive first and last byte positions, both inside the file."""

    first: int
    last: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1


class RangeNotSatisfiable(Exception):
    """A well-formed single range that selects nothing of the file (answer 416)."""


def byte_range_parse(header: str | None, *, size: int) -> ByteRange | None:
    """The one range to send, None to send the whole file, or RangeNotSatisfiable for 416."""
    if not header or len(header) > MAX_RANGE_HEADER:
        return None
    match = SINGLE_RANGE.fullmatch(header.strip().replace(" ", ""))
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text:
        if not last_text:
            return None
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(first=max(size - suffix, 0), last=size - 1)
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None  # an invalid range-spec: the header is ignored
    if first >= size:
        raise RangeNotSatisfiable
    last = min(int(last_text), size - 1) if last_text else size - 1
    return ByteRange(first=first, last=last)


@dataclass(frozen=True)
class StoredFile:
    storage: Storage
    name: str
    size: int
    modified: datetime

    @property
    def etag(self) -> str:
        return f'"{self.size:x}-{int(self.modified.timestamp() * 1_000_000):x}"'

    @property
    def local_path(self) -> str | None:
        return _local_path(self.storage, self.name)


def _local_path(storage: Storage, name: str) -> str | None:
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def stored_file_look(*, storage: Storage, name: str) -> StoredFile:
    """Size and modification time, raising FileNotFoundError (or OSError) when there is no such file."""
    path = _local_path(storage, name)
    if path is None:
        if not storage.exists(name):
            raise FileNotFoundError(name)
        modified = storage.get_modified_time(name)
        return StoredFile(storage=storage, name=name, size=storage.size(name), modified=modified)
    stat = os.stat(path)
    modified = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
    return StoredFile(storage=storage, name=name, size=stat.st_size, modified=modified)


def _if_range_holds(request: HttpRequest, stored: StoredFile) -> bool:
    validator = request.headers.get("If-Range")
    if validator is None:
        return True
    validator = validator.strip()
    if validator.startswith('"'):
        return validator == stored.etag
    since = parse_http_date_safe(validator)
    return since is not None and since == int(stored.modified.timestamp())


def _chunks(handle, *, first: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(first)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _front_server_response(stored: StoredFile) -> HttpResponse | None:
    accel_prefix = getattr(settings, "PROTECTED_MEDIA_ACCEL_REDIRECT", "")
    sendfile_header = getattr(settings, "PROTECTED_MEDIA_SENDFILE_HEADER", "")
    path = stored.local_path
    if path is None or not (accel_prefix or sendfile_header):
        return None
    response = HttpResponse()
    if accel_prefix:
        response["X-Accel-Redirect"] = accel_prefix.rstrip("/") + "/" + stored.name.lstrip("/")
    else:
        response[sendfile_header] = path
    return response


def stored_file_response(
    *,
    request: HttpRequest,
    storage: Storage,
    name: str,
    content_type: str,
    offload: bool = False,
    attachment_filename: str | None = None,
) -> HttpResponse:
    """The response for one authorised file. Raises FileNotFoundError/OSError when it is missing."""
    if offload and _local_path(storage, name) is None:
        if not storage.exists(name):
            raise FileNotFoundError(name)
        seconds = int(getattr(settings, "PROTECTED_MEDIA_URL_SECONDS", 300))
        redirect = HttpResponseRedirect(storage.url(name, expire=seconds))  # type: ignore[call-arg]
        # Never kept longer than the signed address lives.
        redirect["Cache-Control"] = f"private, max-age={seconds // 5}"
        return redirect
    stored = stored_file_look(storage=storage, name=name)
    response = _front_server_response(stored)
    if response is None:
        response = _django_response(request, stored)
    response["Accept-Ranges"] = "bytes"
    if response.status_code in (200, 206):
        response["Content-Type"] = content_type
        response["ETag"] = stored.etag
        response["Last-Modified"] = http_date(stored.modified.timestamp())
        if attachment_filename:
            response["Content-Disposition"] = content_disposition_header(True, attachment_filename)
    return response


def _django_response(request: HttpRequest, stored: StoredFile) -> HttpResponse:
    conditional = get_conditional_response(
        request, etag=stored.etag, last_modified=int(stored.modified.timestamp())
    )
    if conditional is not None:
        return conditional
    try:
        byte_range = byte_range_parse(request.headers.get("Range"), size=stored.size)
    except RangeNotSatisfiable:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{stored.size}"
        return refused
    if byte_range is not None and not _if_range_holds(request, stored):
        byte_range = None
    handle = stored.storage.open(stored.name, "rb")
    if byte_range is None:
        return FileResponse(handle)
    partial = StreamingHttpResponse(
        _chunks(handle, first=byte_range.first, length=byte_range.length), status=206
    )
    partial["Content-Range"] = f"bytes {byte_range.first}-{byte_range.last}/{stored.size}"
    partial["Content-Length"] = str(byte_range.length)
    return partial
