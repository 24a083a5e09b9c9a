"""The admin's documents and images API answers only people with a permission on documents or images."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from cms.people import roles
from cms.people.services import groups_ensure
from tests.cms.people.factories import UserFactory, mfa_enrol, staff_member

pytestmark = pytest.mark.django_db

GUARDED = ["/admin/api/main/documents/", "/admin/api/main/images/"]


@pytest.fixture
def document():
    groups_ensure()
    return get_document_model().objects.create(
        title="Family plan notes", file=ContentFile(b"x", name="notes.txt")
    )


@pytest.mark.parametrize("path", GUARDED)
def test_a_director_with_readiness_only_cannot_list_documents_or_images(client, document, path):
    client.force_login(staff_member(role=roles.LEADERSHIP, mfa=True))
    response = client.get(path)
    assert response.status_code == 403
    assert b"Family plan notes" not in response.content


def test_a_director_cannot_read_one_document_by_id_either(client, document):
    client.force_login(staff_member(role=roles.LEADERSHIP, mfa=True))
    assert client.get(f"/admin/api/main/documents/{document.pk}/").status_code == 403


@pytest.mark.parametrize("role", [roles.LEARNING_AND_DEVELOPMENT, roles.LEARNING_AND_DEVELOPMENT_LEAD])
def test_ld_editors_who_choose_documents_still_can(client, document, role):
    client.force_login(staff_member(role=role, mfa=True))
    response = client.get("/admin/api/main/documents/")
    assert response.status_code == 200
    assert b"Family plan notes" in response.content
    assert client.get("/admin/api/main/images/").status_code == 200


def test_a_superuser_can(client, document):
    client.force_login(mfa_enrol(UserFactory(is_superuser=True)))
    assert client.get("/admin/api/main/documents/").status_code == 200


@pytest.mark.parametrize("path", GUARDED)
def test_people_not_signed_in_are_sent_to_sign_in(client, document, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "Family plan notes" not in response.get("Location", "")


def test_the_pages_api_is_left_to_wagtail(client, document):
    client.force_login(staff_member(role=roles.LEADERSHIP, mfa=True))
    assert client.get("/admin/api/main/pages/").status_code == 200
