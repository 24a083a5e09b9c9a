"""Hand-made POSTs that broke Wagtail admin views are answered as the client's error, never a 500.

Each malformed POST is sent by every admin role: those the view lets in get a 400 with a plain
message (or, deleting a person whose learning records are kept, the refusal our own viewsets
give); the others keep the view's own refusal. Nothing changes either way. The well-formed
request through the same view still works (cms.core.admin_guards).
"""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.models import Page

from cms.pages.models import Vacancy
from cms.people import roles
from cms.people.models import User
from learning.services.progress import certificate_create
from tests.cms.pages.factories import StandardPageFactory
from tests.cms.people.factories import UserFactory, mfa_enrol, staff_member
from tests.learning.factories import ModuleCompletionFactory
from tests.modules.factories import module_with_lessons

pytestmark = pytest.mark.django_db

ADMIN_ROLES = {
    "ld_editor": lambda: staff_member(role=roles.LEARNING_AND_DEVELOPMENT, mfa=True),
    "ld_lead": lambda: staff_member(role=roles.LEARNING_AND_DEVELOPMENT_LEAD, mfa=True),
    "recruitment": lambda: staff_member(role=roles.RECRUITMENT, mfa=True),
    "superuser": lambda: mfa_enrol(UserFactory(is_superuser=True, is_staff=True)),
}
# Who each view lets in; everyone else keeps Wagtail's refusal (a redirect to the admin home).
# Recruitment advisers add and publish vacancies (cms.people.roles.RECRUITMENT_PERMISSIONS).
MAY_CREATE_VACANCIES = {"ld_editor", "ld_lead", "recruitment", "superuser"}
MAY_COPY_CONTENT_PAGES = {"ld_editor", "ld_lead", "superuser"}
MAY_IMPORT_REDIRECTS = {"superuser"}
MAY_ADD_DOCUMENTS = {"ld_editor", "ld_lead", "superuser"}

EXTERNAL_LINK = "/admin/choose-external-link/"
VACANCY_CHOOSER_CREATE = "/admin/snippets/choose/pages/vacancy/create/"
REDIRECT_UPLOAD = "/admin/redirects/import/"
REDIRECT_IMPORT = "/admin/redirects/import/process/"


@pytest.fixture(params=list(ADMIN_ROLES))
def role(request):
    return request.param


@pytest.fixture
def signed_in(client, role):
    """An admin of `role`, signed in with a second factor (tests/conftest.py records it)."""
    person = ADMIN_ROLES[role]()
    client.force_login(person)
    return client


@pytest.fixture
def superuser_client(client):
    client.force_login(ADMIN_ROLES["superuser"]())
    return client


def _answered_400(response, message: str) -> None:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert message in response.content.decode()


def _refused_by_wagtail(response) -> None:
    """Wagtail's own answer to someone the view does not let in: back to the admin home."""
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def _page_count() -> int:
    return Page.objects.count()


# The external-link chooser -------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"external-link-chooser-link_text": "Family plan"}])
def test_an_external_link_without_its_url_is_a_400(signed_in, role, body):
    """An editor's link chooser sent without the URL field is told so; Wagtail's URL field raised on None."""
    _answered_400(signed_in.post(EXTERNAL_LINK, body), "sent without its URL")


def test_a_well_formed_external_link_is_still_chosen(signed_in, role):
    """Choosing https://example.org/ in the link chooser still returns it to the editor."""
    response = signed_in.post(
        EXTERNAL_LINK,
        {"external-link-chooser-url": "https://example.org/", "external-link-chooser-link_text": "Example"},
    )
    assert response.status_code == 200
    assert response.json()["step"] == "external_link_chosen"
    assert response.json()["result"]["url"] == "https://example.org/"


def test_an_empty_external_link_url_is_still_the_forms_own_error(signed_in, role):
    """A URL field sent empty is not malformed: the chooser shows its form again, as before."""
    response = signed_in.post(EXTERNAL_LINK, {"external-link-chooser-url": ""})
    assert response.status_code == 200
    assert response.json()["step"] == "external_link"


# A chooser's "create" with no creation form ---------------------------------------------


@pytest.mark.parametrize("body", [{}, {"title": "Social worker", "team": "Banbury"}])
def test_creating_through_a_chooser_without_a_creation_form_is_a_400(signed_in, role, body):
    """The vacancy chooser offers no "Create" tab, yet mounts a create URL: a POST there creates
    nothing and says why (Wagtail called is_valid() on no form)."""
    response = signed_in.post(VACANCY_CHOOSER_CREATE, body)
    if role in MAY_CREATE_VACANCIES:
        _answered_400(response, "cannot create new items")
    else:
        _refused_by_wagtail(response)
    assert not Vacancy.objects.exists()


def test_a_chooser_with_a_creation_form_still_creates(signed_in, role):
    """The document chooser's upload tab still uploads a handout and returns it as chosen."""
    response = signed_in.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "Family plan",
            "document-chooser-upload-file": SimpleUploadedFile(
                "plan.txt", b"A plan", content_type="text/plain"
            ),
        },
    )
    if role not in MAY_ADD_DOCUMENTS:
        _refused_by_wagtail(response)
        assert not get_document_model().objects.exists()
        return
    assert response.status_code == 200
    assert response.json()["step"] == "chosen"
    assert get_document_model().objects.filter(title="Family plan").exists()


def test_the_chooser_without_a_creation_form_still_lists_its_items(signed_in, role):
    """The guard is for POSTs only: opening the vacancy chooser still works for those it lets in."""
    response = signed_in.get("/admin/snippets/choose/pages/vacancy/")
    assert response.status_code == 200
    assert response.json()["step"] == "choose"


# Copying a page ------------------------------------------------------------------------


@pytest.fixture
def content_page(home_page):
    return StandardPageFactory(parent=home_page, title="Practice standards", slug="practice-standards")


@pytest.mark.parametrize(
    "new_parent", ["not-a-page", "999999", None], ids=["not-a-number", "no-such-page", "missing"]
)
def test_copying_a_page_into_no_page_is_a_400(signed_in, role, content_page, new_parent):
    """A copy sent without a parent page, or naming one that does not exist, copies nothing."""
    body = {"new_title": "Copy", "new_slug": "copy-of-standards"}
    if new_parent is not None:
        body["new_parent_page"] = new_parent
    before = _page_count()
    response = signed_in.post(f"/admin/pages/{content_page.pk}/copy/", body)
    if role not in MAY_COPY_CONTENT_PAGES:
        _refused_by_wagtail(response)
    elif new_parent is None:
        _answered_400(response, "sent without all of its fields")
    else:
        _answered_400(response, "page to copy into does not exist")
    assert _page_count() == before


def test_a_well_formed_page_copy_still_copies(signed_in, role, home_page, content_page):
    """Copying the practice standards page beside itself under a new slug still works."""
    response = signed_in.post(
        f"/admin/pages/{content_page.pk}/copy/",
        {
            "new_title": "Practice standards (copy)",
            "new_slug": "practice-standards-copy",
            "new_parent_page": home_page.pk,
        },
    )
    if role not in MAY_COPY_CONTENT_PAGES:
        _refused_by_wagtail(response)
        assert not Page.objects.filter(slug="practice-standards-copy").exists()
        return
    assert response.status_code == 302
    assert Page.objects.get(slug="practice-standards-copy").title == "Practice standards (copy)"


# Importing redirects -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [{}, {"from_index": "0", "to_index": "1"}, {"import_file_name": "", "input_format": ""}]
)
def test_a_redirect_import_without_its_uploaded_file_is_a_400(signed_in, role, body):
    """The import's confirmation sent without the signed file it confirms imports nothing."""
    response = signed_in.post(REDIRECT_IMPORT, body)
    if role in MAY_IMPORT_REDIRECTS:
        _answered_400(response, "sent without the file it confirms")
    else:
        _refused_by_wagtail(response)
    assert not Redirect.objects.exists()


def test_a_redirect_import_naming_a_file_it_was_not_given_is_a_400(superuser_client):
    """The hidden fields present but not signed by the upload step (another file named by hand):
    nothing is read or imported (Wagtail raised reading the refusal's message)."""
    response = superuser_client.post(
        REDIRECT_IMPORT,
        {"import_file_name": "other.csv", "input_format": "0", "from_index": "0", "to_index": "1"},
    )
    _answered_400(response, "sent without the file it confirms")
    assert not Redirect.objects.exists()


def test_a_well_formed_redirect_import_still_imports(superuser_client):
    """Uploading a CSV of old and new paths, then confirming its columns, still creates the redirects."""
    upload = SimpleUploadedFile(
        "redirects.csv",
        b"from,to\n/old-standards,https://www.oxfordshire.gov.uk/practice-standards\n",
        "text/csv",
    )
    confirm = superuser_client.post(REDIRECT_UPLOAD, {"import_file": upload})
    assert confirm.status_code == 200
    signed = dict(
        re.findall(r'name="(import_file_name|input_format)" value="([^"]+)"', confirm.content.decode())
    )
    assert set(signed) == {"import_file_name", "input_format"}
    response = superuser_client.post(REDIRECT_IMPORT, {**signed, "from_index": "0", "to_index": "1"})
    assert response.status_code == 302
    assert Redirect.objects.get().old_path == "/old-standards"


# Deleting a user in Wagtail's Users screen ----------------------------------------------


def _completed_a_module(home_page) -> User:
    """A social worker with a module completion and its certificate (kept for good: PROTECT)."""
    person = staff_member(role=roles.SOCIAL_WORKER, first_name="Imogen", last_name="Kettleby")
    module, _lessons = module_with_lessons(home_page, bodies=[[]])
    certificate_create(completion=ModuleCompletionFactory(user=person, module=module))
    return person


def test_deleting_someone_whose_certificates_are_kept_is_refused_with_the_reason(superuser_client, home_page):
    """A superuser deleting a social worker who finished a module is told their certificate is kept
    for good and to deactivate them instead; the person, their completion and certificate stay."""
    person = _completed_a_module(home_page)
    url = f"/admin/users/delete/{person.pk}/"
    response = superuser_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == url
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert notes == [
        f"User '{person}' cannot be deleted: 1 record still needs it. "
        "Their learning records (certificates) are kept for good: deactivate the account instead."
    ]
    assert User.objects.filter(pk=person.pk).exists()
    assert person.module_completions.count() == 1
    assert person.certificates.count() == 1


def test_deleting_someone_with_no_kept_records_still_deletes_them(superuser_client):
    """A person with nothing protected (never completed anything) is still deleted."""
    person = staff_member(role=roles.SOCIAL_WORKER)
    response = superuser_client.post(f"/admin/users/delete/{person.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/users/"
    assert not User.objects.filter(pk=person.pk).exists()


def test_only_those_who_may_delete_users_reach_the_refusal(signed_in, role, home_page):
    """The other admin roles keep Wagtail's own refusal; nobody's delete becomes a 500."""
    person = _completed_a_module(home_page)
    response = signed_in.post(f"/admin/users/delete/{person.pk}/")
    if role == "superuser":
        assert response.status_code == 302
        assert "cannot be deleted" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    else:
        _refused_by_wagtail(response)
    assert User.objects.filter(pk=person.pk).exists()
