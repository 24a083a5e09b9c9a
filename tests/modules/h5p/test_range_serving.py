"""Package files answer byte ranges (video can seek) and can be handed to a front server.

Who may fetch a file is unchanged (signed-in people); these tests are about how the body goes.
"""

import pytest

from tests.cms.people.factories import UserFactory
from tests.hostile import SPECIALS
from tests.modules.factories import h5p_package_ready
from tests.modules.h5p.corpus import package

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

SCRIPT = "H5P.FSMStatementCheck-1.0/statement-check.js"


@pytest.fixture
def url():
    return f"/h5p/{h5p_package_ready().current_version.pk}/{SCRIPT}"


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory())
    return client


def whole(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    return b"".join(response.streaming_content)


def test_a_range_request_gets_206_with_just_those_bytes(signed_in, url):
    """A video player seeking asks for a range; it gets only that part, with the part's place in the whole."""
    body = whole(signed_in, url)
    response = signed_in.get(url, headers={"Range": "bytes=10-29"})

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-29/{len(body)}"
    assert response["Content-Length"] == "20"
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"".join(response.streaming_content) == body[10:30]
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_suffix_range_gets_the_last_bytes(signed_in, url):
    body = whole(signed_in, url)
    response = signed_in.get(url, headers={"Range": "bytes=-7"})
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == body[-7:]


def test_a_range_past_the_end_is_refused_with_416_and_the_size(signed_in, url):
    size = len(whole(signed_in, url))
    response = signed_in.get(url, headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_several_ranges_are_answered_with_the_whole_file(signed_in, url):
    body = whole(signed_in, url)
    response = signed_in.get(url, headers={"Range": "bytes=0-1,5-9"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == body


def test_if_range_sends_the_part_only_while_the_file_is_unchanged(signed_in, url):
    etag = signed_in.get(url)["ETag"]
    current = signed_in.get(url, headers={"Range": "bytes=0-3", "If-Range": etag})
    changed = signed_in.get(url, headers={"Range": "bytes=0-3", "If-Range": '"something-else"'})
    dated = signed_in.get(url, headers={"Range": "bytes=0-3", "If-Range": "Sat, 01 Jan 2000 00:00:00 GMT"})
    assert current.status_code == 206
    assert changed.status_code == 200
    assert dated.status_code == 200


def test_a_cached_copy_is_confirmed_with_304(signed_in, url):
    etag = signed_in.get(url)["ETag"]
    assert signed_in.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_head_answers_the_size_without_a_body(signed_in, url):
    response = signed_in.head(url)
    assert response.status_code == 200
    assert int(response["Content-Length"]) > 0


@pytest.mark.parametrize("header", [*SPECIALS, "bytes=0-" + "9" * 4000, "bytes=-" * 100, "bytes=5-2"])
def test_hostile_range_headers_never_cause_an_error(signed_in, url, header):
    response = signed_in.get(url, headers={"Range": header, "If-Range": header})
    assert response.status_code in (200, 206, 416)


def test_anonymous_range_requests_are_refused_as_before(client, url):
    assert client.get(url, headers={"Range": "bytes=0-9"}).status_code == 403


def test_with_nginx_configured_django_only_names_the_file(signed_in, url, settings):
    """X-Accel-Redirect: nginx sends the body and answers ranges; no Django worker is held."""
    settings.PROTECTED_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = signed_in.get(url, headers={"Range": "bytes=0-9"})

    assert response.status_code == 200
    assert response["X-Accel-Redirect"].startswith("/protected-media/h5p/")
    assert response["X-Accel-Redirect"].endswith(SCRIPT)
    assert response.content == b""
    assert response["Content-Type"] == "text/javascript; charset=utf-8"


def test_with_x_sendfile_configured_django_names_the_files_path(signed_in, url, settings, media):
    settings.PROTECTED_MEDIA_SENDFILE_HEADER = "X-Sendfile"
    response = signed_in.get(url)
    assert response["X-Sendfile"].startswith(str(media))
    assert response["X-Sendfile"].endswith(SCRIPT)
    assert response.content == b""


def test_the_front_server_is_not_told_about_files_a_person_may_not_fetch(client, url, settings):
    settings.PROTECTED_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = client.get(url)
    assert response.status_code == 403
    assert "X-Accel-Redirect" not in response


def test_documents_inside_a_package_still_download_as_attachments_and_answer_ranges(signed_in):
    pdf = b"%PDF-1.4\n" + b"x" * 500 + b"\n%%EOF\n"
    version = h5p_package_ready(data=package({"content/files/guide.pdf": pdf})).current_version
    url = f"/h5p/{version.pk}/content/files/guide.pdf"

    response = signed_in.get(url, headers={"Range": "bytes=0-7"})

    assert response.status_code == 206
    assert response["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf[:8]
