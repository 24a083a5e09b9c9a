"""Documents (lesson videos among them) answer byte ranges and keep Wagtail's checks and headers."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import resolve
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from cms.core.documents import document_serve
from tests.cms.people.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

VIDEO = bytes(range(256)) * 40  # 10,240 bytes standing in for a lesson video


@pytest.fixture
def video():
    return get_document_model().objects.create(title="Home visit", file=ContentFile(VIDEO, name="visit.mp4"))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_documents_own_url_is_answered_by_the_ranged_view(video):
    assert resolve(video.url).func is document_serve


def test_the_whole_document_comes_with_200_and_wagtails_headers(client, video):
    response = client.get(video.url)
    assert response.status_code == 200
    assert body(response) == VIDEO
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline") or response["Content-Disposition"].startswith(
        "attachment"
    )


def test_a_seek_gets_206_with_just_those_bytes(client, video):
    response = client.get(video.url, headers={"Range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(VIDEO)}"
    assert response["Content-Length"] == "1000"
    assert body(response) == VIDEO[1000:2000]


def test_a_range_past_the_end_is_416_with_the_size(client, video):
    response = client.get(video.url, headers={"Range": f"bytes={len(VIDEO) + 5}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-9", "bytes=9-2", "bytes=" + "9" * 90, "\x00"])
def test_a_malformed_or_multiple_range_gets_the_whole_file(client, video, header):
    response = client.get(video.url, headers={"Range": header})
    assert response.status_code == 200
    assert body(response) == VIDEO


def test_a_changed_file_under_if_range_gets_the_whole_file(client, video):
    response = client.get(video.url, headers={"Range": "bytes=0-9", "If-Range": '"not-the-etag"'})
    assert response.status_code == 200


def test_a_wrong_filename_is_404(client, video):
    assert client.get(f"/documents/{video.pk}/other.mp4").status_code == 404
    assert client.get("/documents/999999/visit.mp4").status_code == 404


def test_writing_to_a_document_url_is_refused(client, video):
    assert client.post(video.url).status_code == 405


def test_a_document_in_a_private_collection_still_asks_for_sign_in(client, video):
    """Wagtail's collection privacy (a before_serve_document hook) runs before any byte is sent."""
    private = Collection.get_first_root_node().add_child(name="L&D only")
    restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Video reviewers"))
    video.collection = private
    video.save()

    anonymous = client.get(video.url, headers={"Range": "bytes=0-9"})
    assert anonymous.status_code == 302
    assert "/login" in anonymous["Location"]

    client.force_login(UserFactory())
    assert client.get(video.url).status_code in (302, 403)
