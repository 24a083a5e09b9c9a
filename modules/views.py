"""Serving extracted H5P, SCORM, xAPI and cmi5 files to signed-in people, from whichever storage holds them.

The views authorise; cms.core.file_serving sends the body (ranges, front server, object storage)."""

import mimetypes

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from cms.core.file_serving import stored_file_response
from modules.h5p.conf import h5p_storage
from modules.h5p.csp import H5P_ASSET_CSP
from modules.h5p.selectors import h5p_asset_path_valid, h5p_version_ready_prefix
from modules.scorm.conf import scorm_storage
from modules.scorm.csp import SCORM_ASSET_CSP
from modules.scorm.selectors import scorm_asset_path_valid, scorm_version_ready
from modules.selectors import ContentUnavailable, lesson_viewable_get
from modules.xapi_packages.conf import xapi_storage
from modules.xapi_packages.csp import XAPI_ASSET_CSP
from modules.xapi_packages.selectors import xapi_version_ready

# Types browsers must get exactly right for H5P to run (and for nosniff to allow them).
CONTENT_TYPES = {
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "svg": "image/svg+xml",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "vtt": "text/vtt; charset=utf-8",
    "webvtt": "text/vtt; charset=utf-8",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "mjs": "text/javascript; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "md": "text/plain; charset=utf-8",
    "xml": "text/plain; charset=utf-8",
    "glb": "model/gltf-binary",
    "gltf": "model/gltf+json",
}
# Never rendered in the browser: downloaded if opened directly.
ATTACHMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "swf"}
)

# Played by <video>/<audio>, which ask for ranges: on object storage these are answered by the
# bucket through a short-lived signed URL (media-src allows its origin), not streamed through Django.
OFFLOADED_EXTENSIONS = frozenset({"mp4", "webm", "ogg", "mp3", "m4a", "wav"})


@require_safe
@csp_override(H5P_ASSET_CSP)
def h5p_content(request, version_id: int, path: str):
    """One file of a ready package version. Signed-in people only; no path tricks."""
    if not request.user.is_authenticated:
        raise PermissionDenied("Sign in to see this activity.")
    if not h5p_asset_path_valid(path=path):
        raise Http404("No such file.")
    prefix = h5p_version_ready_prefix(version_id=version_id)
    if prefix is None:
        raise Http404("No such package version.")
    return _package_file_response(request, storage=h5p_storage(), name=prefix + path, path=path)


def _package_file_response(request, *, storage, name: str, path: str):
    """A package's file with the type browsers need, ranges and the package-file headers."""
    extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    content_type = CONTENT_TYPES.get(extension) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    try:
        response = stored_file_response(
            request=request,
            storage=storage,
            name=name,
            content_type=content_type,
            offload=extension in OFFLOADED_EXTENSIONS,
            attachment_filename=path.rsplit("/", 1)[-1] if extension in ATTACHMENT_EXTENSIONS else None,
        )
    except (FileNotFoundError, OSError) as error:
        raise Http404("No such file.") from error
    response["X-Content-Type-Options"] = "nosniff"
    response.setdefault("Cache-Control", "private, max-age=3600")
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _block_package(lesson, block_id: str, block_type: str) -> int | None:
    """The package id of the lesson's package block with that id (read from raw data, no query)."""
    for block in lesson.body.raw_data:
        if block.get("id") == block_id and block.get("type") == block_type:
            package = (block.get("value") or {}).get("package")
            return package if isinstance(package, int) else None
    return None


def _lesson_package_file_view(*, csp, block_type: str, version_ready, storage, doc: str):
    """A view serving one file of a ready package version, to a signed-in person who may view a lesson
    playing it (that lesson's `block_type` block with `block_id` must use the version's package)."""

    @require_safe
    @xframe_options_sameorigin
    @csp_override(csp)
    def view(request, lesson_id: int, block_id: str, version_id: int, path: str):
        if not request.user.is_authenticated:
            raise PermissionDenied("Sign in to see this activity.")
        if not scorm_asset_path_valid(path=path):
            raise Http404("No such file.")
        try:
            lesson = lesson_viewable_get(user=request.user, lesson_id=lesson_id)
        except ContentUnavailable as error:
            raise Http404("No such activity.") from error
        version = version_ready(version_id=version_id)
        if version is None or _block_package(lesson, block_id, block_type) != version["package_id"]:
            raise Http404("No such activity.")
        return _package_file_response(
            request, storage=storage(), name=version["content_prefix"] + path, path=path
        )

    view.__doc__ = doc
    return view


scorm_content = _lesson_package_file_view(
    csp=SCORM_ASSET_CSP,
    block_type="scorm_activity",
    version_ready=scorm_version_ready,
    storage=scorm_storage,
    doc="One file of a ready SCORM package version, to a signed-in person who may view a lesson playing it.",
)
xapi_content = _lesson_package_file_view(
    csp=XAPI_ASSET_CSP,
    block_type="xapi_activity",
    version_ready=xapi_version_ready,
    storage=xapi_storage,
    doc="One file of a ready xAPI or cmi5 package version, to a signed-in person who may view a lesson "
    "launching it.",
)
