"""Reading a request body without trusting it: the declared length and JSON decoding, each
refused the same way wherever a body is read (the LRS, the session xAPI endpoint, the size
guard middleware). Callers turn the refusal into their own error response."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest


class BodyUnreadable(ValueError):
    """The body cannot be read as asked; the message says why, for the client."""


def declared_length(request: HttpRequest) -> int:
    """The Content-Length the client declared (0 when absent). Raises BodyUnreadable when it is not
    a number."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise BodyUnreadable("Invalid Content-Length.") from error


def json_decoded(raw: bytes) -> Any:
    """The JSON value of a UTF-8 body. Raises BodyUnreadable for bad bytes, bad JSON or nesting
    too deep to parse."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BodyUnreadable("The body is not valid JSON.") from error
