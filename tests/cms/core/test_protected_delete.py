"""Deleting a record others still need is refused in the admin with a message, never a 500.

Wagtail refuses on its own when its reference index knows the link; a booking's slot is not
indexed, so that delete reached the database and raised ProtectedError (cms.core.admin_views).
"""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages

from practiceweek.models import Slot
from tests.cms.people.factories import UserFactory
from tests.practiceweek.factories import SlotFactory, booking_direct, learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    return client


def _refused(client, url):
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == url
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_slot_with_a_booking_cannot_be_deleted(admin_client):
    """A superuser deleting a shadowing slot someone has booked is told why, and the slot stays."""
    slot = SlotFactory()
    booking_direct(slot=slot, user=learner())
    notes = _refused(admin_client, f"/admin/practice-week/slots/delete/{slot.pk}/")
    assert notes == [f"Slot '{slot}' cannot be deleted: 1 record still needs it. Remove or move those first."]
    assert Slot.objects.filter(pk=slot.pk).exists()


def test_an_unused_slot_is_still_deleted(admin_client):
    """The refusal is only for records others need: a slot nobody booked goes."""
    slot = SlotFactory()
    response = admin_client.post(f"/admin/practice-week/slots/delete/{slot.pk}/")
    assert response.status_code == 302
    assert not Slot.objects.filter(pk=slot.pk).exists()
