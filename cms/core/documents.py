"""Serving Wagtail documents with byte ranges, so a lesson video kept as a document can seek.

Wagtail's own document view sends the whole file with 200 whatever the ``Range`` header asks
(its streaming backend has no ranges), so a ``<video>`` cannot seek and a long video holds a
worker. This view keeps every check Wagtail's makes, in the same order: the filename must match
the document's, every ``before_serve_document`` hook may answer instead (Wagtail's collection
privacy is one of them) and the ``document_served`` signal is sent. The body then goes through
``cms.core.file_serving``: one byte range, a front server, or (for audio and video on object
storage) a short-lived signed URL. The headers Wagtail sets on documents are kept: the
content disposition, ``Content-Security-Policy: default-src 'none'`` and ``nosniff``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.models import document_served

from cms.core.file_serving import stored_file_response

# Played by <video>/<audio>: answered by the bucket itself when the documents are on object storage.
PLAYED_EXTENSIONS = frozenset({"mp4", "webm", "ogg", "mp3", "m4a", "wav"})


@require_safe
def document_serve(request: HttpRequest, document_id: int, document_filename: str) -> HttpResponse:
    """One document, to whoever Wagtail's rules (and the project's hooks) let see it."""
    document_model = get_document_model()
    document = get_object_or_404(document_model, id=document_id)
    if document.filename != document_filename:
        raise Http404("This document does not match the given filename.")
    for hook in hooks.get_hooks("before_serve_document"):
        answer = hook(document, request)
        if isinstance(answer, HttpResponse):
            return answer
    document_served.send(sender=document_model, instance=document, request=request)
    extension = document.file_extension.lower()
    try:
        response = stored_file_response(
            request=request,
            storage=document.file.storage,
            name=document.file.name,
            content_type=document.content_type,
            offload=extension in PLAYED_EXTENSIONS,
        )
    except (FileNotFoundError, OSError) as error:
        raise Http404("This document's file is missing.") from error
    if response.status_code in (200, 206):
        response["Content-Disposition"] = document.content_disposition
    if getattr(settings, "WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT", True):
        response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
