"""multipart/mixed bodies (xAPI attachments): reading a request's, writing a response's.

The first part is the statement(s) as application/json; every other part is one attachment's
bytes with ``Content-Transfer-Encoding: binary`` and ``X-Experience-API-Hash`` (its SHA-256),
which must match the bytes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from email.parser import BytesHeaderParser

from learning.lrs.http import LrsError
from learning.services.lrs import AttachmentPart

BOUNDARY = re.compile(r'boundary="?([^";]{1,200})"?', re.IGNORECASE)
MAX_PARTS = 200


def boundary_of(content_type: str) -> str:
    match = BOUNDARY.search(content_type or "")
    if not match:
        raise LrsError("A multipart/mixed body needs a boundary in its Content-Type.")
    return match.group(1)


def _part(raw: bytes) -> tuple[dict[str, str], bytes]:
    head, separator, body = raw.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = raw.partition(b"\n\n")
    if not separator:
        raise LrsError("A part of the multipart body has no headers.")
    headers = BytesHeaderParser().parsebytes(head.lstrip(b"\r\n") + b"\r\n\r\n")
    return {name.lower(): value.strip() for name, value in headers.items()}, body


def multipart_read(body: bytes, content_type: str) -> tuple[bytes, dict[str, AttachmentPart]]:
    """The first part's JSON bytes and the attachments by SHA-256; LrsError 400 if malformed."""
    delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise LrsError("The multipart body is not complete.")
    raw_parts = chunks[1:-1]
    if len(raw_parts) > MAX_PARTS:
        raise LrsError("The multipart body has too many parts.")
    parts = []
    for raw in raw_parts:
        if not raw.startswith(b"\r\n") or not raw.endswith(b"\r\n"):
            raise LrsError("A part of the multipart body is malformed.")
        parts.append(_part(raw[2:-2]))
    headers, first = parts[0]
    if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise LrsError("The first part of a multipart body must be application/json.")
    attachments: dict[str, AttachmentPart] = {}
    for headers, content in parts[1:]:
        sha2 = headers.get("x-experience-api-hash", "").lower()
        if not sha2:
            raise LrsError("Every attachment part needs an X-Experience-API-Hash header.")
        if headers.get("content-transfer-encoding", "").lower() != "binary":
            raise LrsError("Every attachment part needs Content-Transfer-Encoding: binary.")
        if hashlib.sha256(content).hexdigest() != sha2:
            raise LrsError("An attachment's X-Experience-API-Hash does not match its content.")
        content_type = headers.get("content-type", "application/octet-stream")
        attachments[sha2] = AttachmentPart(content_type=content_type, content=content, sha2=sha2)
    return first, attachments


def multipart_write(first: bytes, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed body: JSON first, then (sha2, content type, bytes) parts; and its type."""
    boundary = secrets.token_hex(16)
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), first, b"\r\n"]
    for sha2, content_type, content in attachments:
        head = (
            f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n"
        )
        out += [head.encode(), content, b"\r\n"]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f'multipart/mixed; boundary="{boundary}"'
