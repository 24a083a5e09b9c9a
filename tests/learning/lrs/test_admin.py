"""The credentials admin: L&D leads issue, rotate and withdraw LRS credentials; others are refused."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission

from cms.people.roles import GROUP_LD_EDITORS, GROUP_LD_LEADS, GROUP_TEAM_MANAGERS
from cms.people.services import groups_ensure
from learning.models import LrsCredential
from learning.selectors import credential_secret_matches
from tests.cms.people.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/learning/lrs-credentials/new/"
LIST = "/admin/learning/lrs-credentials/"


def _admin(*groups):
    groups_ensure()
    user = UserFactory(groups=list(groups))
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_an_ld_lead_issues_a_credential_and_sees_its_secret_once(client):
    """An L&D lead connects the council's Storyline courses: the key and secret are shown once."""
    client.force_login(_admin(GROUP_LD_LEADS))
    response = client.post(
        ADD,
        {"name": "Storyline courses", "scopes": ["statements/write", "state"], "authority": ""},
        follow=True,
    )
    assert response.status_code == 200
    credential = LrsCredential.objects.get(name="Storyline courses")
    match = re.search(r"Key: (\w+) Secret: (\S+) ", response.text)
    assert match and match.group(1) == credential.key
    assert credential_secret_matches(credential=credential, secret=match.group(2))
    assert match.group(2) not in client.get(LIST).text


def test_bad_scopes_or_authority_are_form_errors(client):
    client.force_login(_admin(GROUP_LD_LEADS))
    response = client.post(ADD, {"name": "x", "scopes": ["all/read"], "authority": '{"name": "no ifi"}'})
    assert response.status_code == 200
    assert not LrsCredential.objects.exists()
    response = client.post(ADD, {"name": "x", "scopes": ["everything"], "authority": ""})
    assert response.status_code == 200 and not LrsCredential.objects.exists()


def test_rotating_on_the_edit_screen_replaces_the_secret(client):
    from learning.services.lrs import lrs_credential_issue

    credential, secret = lrs_credential_issue(name="Rise", scopes=["statements/write"])
    client.force_login(_admin(GROUP_LD_LEADS))
    edit = f"/admin/learning/lrs-credentials/edit/{credential.pk}/"
    response = client.post(
        edit,
        {"scopes": ["statements/write"], "authority": "", "is_active": "on", "rotate_secret": "on"},
        follow=True,
    )
    assert response.status_code == 200
    credential.refresh_from_db()
    assert not credential_secret_matches(credential=credential, secret=secret)
    new_secret = re.search(r"Secret: (\S+) ", response.text).group(1)
    assert credential_secret_matches(credential=credential, secret=new_secret)


@pytest.mark.parametrize("group", [GROUP_LD_EDITORS, GROUP_TEAM_MANAGERS])
def test_others_cannot_see_or_issue_credentials(client, group):
    client.force_login(_admin(group))
    assert client.get(LIST).status_code in {302, 403}
    client.post(ADD, {"name": "sneaky", "scopes": ["all/read"], "authority": ""})
    assert not LrsCredential.objects.exists()
