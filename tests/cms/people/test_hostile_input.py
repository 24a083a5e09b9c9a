"""Hostile input to the account forms: sign-up names and invitation links.

Sign-up is a Django form, which refuses NUL itself; the properties check that every other
odd input ends in a page or a redirect, never a 500, with the stored row holding what the
form received or nothing new.
"""

import uuid
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cms.people.models import User
from tests.hostile import FORM, as_received, form_body, hostile_settings, hostile_text

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-pass-phrase-77"


def _ip() -> str:
    return "2001:db8::" + ":".join(uuid.uuid4().hex[i : i + 4] for i in range(0, 16, 4))


@pytest.fixture
def signup_open(home_page, settings):
    """Sign-up without its rate limit: the property posts many times from one test."""
    settings.ACCOUNT_RATE_LIMITS = False


@hostile_settings
@given(first=hostile_text, last=st.one_of(st.just("Lovelace"), hostile_text))
def test_signing_up_with_any_name_stores_it_as_received_or_refuses_it(client, signup_open, first, last):
    """A new member of staff's name in odd characters is stored as received, or the form says what to fix."""
    email = f"ada.{uuid.uuid4().hex[:12]}@oxfordshire.gov.uk"
    data = {
        "first_name": first,
        "last_name": last,
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    response = client.post("/accounts/signup/", data=form_body(data), content_type=FORM, REMOTE_ADDR=_ip())
    assert response.status_code in {200, 302, 400}
    user = User.objects.filter(email=email).first()
    if response.status_code == 302:
        assert (user.first_name, user.last_name) == (as_received(first).strip(), as_received(last).strip())
    else:
        assert user is None


@hostile_settings
@given(token=hostile_text)
def test_any_invitation_token_in_the_link_gets_a_page_not_a_server_error(client, home_page, token):
    """A mangled or hostile invitation link is refused with a page explaining it, never a 500."""
    path = "/accounts/invitation/" + quote(token, safe="", errors="surrogatepass") + "/"
    response = client.get(path)
    assert response.status_code in {302, 404}
