"""Everyone finds their part: the header and home page by role, on the real URL map, and
refusals that say where to go instead of looping or showing a bare page."""

import re

import pytest
from django.contrib.auth.models import Group

from cms.people import roles
from cms.people.services import groups_ensure
from tests.cms.people.factories import StaffProfileFactory, UserFactory, staff_member
from tests.practiceweek.factories import PracticeWeekFactory, SlotFactory, host_of, slot_at

pytestmark = pytest.mark.django_db


def header_links(html: str) -> dict[str, str]:
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    return {
        re.sub(r"<[^>]+>", "", text).strip(): href
        for href, text in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', header, re.S)
    }


def home_links(client) -> tuple[dict[str, str], str]:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    return header_links(html), html


def test_a_host_sees_hosting_in_the_header_and_its_breadcrumb_does_not_lead_to_a_refusal(client, home_page):
    """A practitioner named on a slot finds Hosting without a typed address; every crumb opens."""
    slot = slot_at(PracticeWeekFactory())
    host = host_of(slot)
    client.force_login(host)
    links, _html = home_links(client)
    assert links["Hosting"] == "/practice-week/hosting/"
    assert "Practice week" not in links
    for path in ("/practice-week/hosting/", f"/practice-week/hosting/slots/{slot.pk}/"):
        html = client.get(path).content.decode()
        crumbs = html.split('aria-label="Breadcrumb"', 1)[1].split("</nav>", 1)[0]
        for href in re.findall(r'href="([^"]+)"', crumbs):
            assert client.get(href).status_code == 200, f"{path}: breadcrumb {href}"
        assert '/practice-week/"' not in crumbs


def test_a_team_member_whose_team_hosts_a_slot_sees_hosting_and_one_whose_team_hosts_none_does_not(
    client, home_page
):
    slot = SlotFactory()
    in_team = staff_member(role=roles.SOCIAL_WORKER, team=slot.host_team)
    elsewhere = staff_member(role=roles.SOCIAL_WORKER)
    client.force_login(in_team)
    assert "Hosting" in home_links(client)[0]
    client.force_login(elsewhere)
    links, _html = home_links(client)
    assert "Hosting" not in links
    assert "My learning" in links


@pytest.mark.parametrize(
    ("role", "shown", "hidden", "team_figures"),
    [
        pytest.param(
            roles.TEAM_MANAGER, ("My team", "/learning/team/"), "Practice week", True, id="team-manager"
        ),
        pytest.param(
            roles.SENIOR_MANAGER, ("Practice week", "/practice-week/"), "My team", False, id="senior"
        ),
    ],
)
def test_a_manager_sees_their_own_part_and_not_the_others(
    client, home_page, role, shown, hidden, team_figures
):
    """A team manager sees My team and the team's MI practice figures (which open); a senior manager
    sees practice week, not My team."""
    client.force_login(staff_member(role=role))
    links, html = home_links(client)
    label, href = shown
    assert links[label] == href
    assert hidden not in links
    assert ('href="/learning/team/scenarios/"' in html) is team_figures
    if team_figures:
        assert client.get("/learning/team/scenarios/").status_code == 200


def test_a_learner_refused_my_team_gets_the_branded_page_with_where_to_go(client, home_page):
    """My team's refusal was Django's bare "403 Forbidden"; now it is the site's page."""
    client.force_login(staff_member(role=roles.SOCIAL_WORKER))
    response = client.get("/learning/team/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "<header" in html
    assert "You cannot use this page" in html
    assert "My team is for line managers, team managers and L&amp;D." in html
    assert 'href="/learning/"' in html.split("Where you can go", 1)[1]


def test_every_permission_refusal_and_missing_page_uses_the_site_frame(client, home_page):
    client.force_login(staff_member(role=roles.SOCIAL_WORKER))
    for path, status in [
        ("/learning/team/scenarios/", 403),
        ("/practice-week/", 403),
        ("/practice-week/hosting/slots/999999/", 404),
        ("/learning/no-such-page/", 404),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        assert '<header class="site-header">' in response.content.decode(), path


def test_a_forged_form_is_refused_on_the_branded_page(home_page):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_member(role=roles.SOCIAL_WORKER))
    response = strict.post("/accounts/logout/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert '<header class="site-header">' in html


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/readiness/", "/admin/login/", "/admin"])
def test_a_signed_in_person_without_admin_access_is_told_so_not_looped(client, home_page, path):
    """The admin sent them to its login, which sent them to allauth's, which sent them back."""
    client.force_login(staff_member(role=roles.SOCIAL_WORKER))
    response = client.get(path, follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 1
    html = response.content.decode()
    assert "You do not have access to the admin" in html
    assert 'href="/learning/"' in html


def test_a_visitor_opening_the_admin_is_still_sent_to_sign_in(client, home_page):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


def test_signing_out_from_the_admin_address_still_works_without_admin_access(client, home_page):
    client.force_login(staff_member(role=roles.SOCIAL_WORKER))
    response = client.post("/admin/logout/")
    assert response.status_code == 307


# Leadership: readiness and nothing else of the admin -------------------------------------


def test_the_leadership_group_holds_admin_entry_and_readiness_only():
    groups_ensure()
    group = Group.objects.get(name=roles.GROUP_LEADERSHIP)
    held = sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
    assert held == ["learning.view_readiness", "wagtailadmin.access_admin"]
    assert not group.page_permissions.exists()
    assert not group.collection_permissions.exists()


def test_a_director_opens_readiness_and_is_refused_the_rest_of_the_admin(client, home_page):
    groups_ensure()
    director = staff_member(role=roles.LEADERSHIP, mfa=True)
    assert {g.name for g in director.groups.all()} == {
        roles.GROUP_STAFF,
        roles.GROUP_SENIOR_MANAGERS,
        roles.GROUP_LEADERSHIP,
    }
    client.force_login(director)
    links, html = home_links(client)
    assert 'href="/admin/readiness/"' in html
    assert "Practice week" in links
    assert client.get("/admin/readiness/").status_code == 200
    for path in ("/admin/pages/", "/admin/images/", "/admin/users/", "/admin/people/staff-import/"):
        response = client.get(path)
        assert response.status_code in (302, 403, 404), path
        if response.status_code == 302:
            assert response["Location"] == "/admin/", path
    assert client.get("/learning/team/").status_code == 403


def test_a_line_manager_without_the_role_still_sees_my_team(client, home_page):
    manager = staff_member(role=roles.SOCIAL_WORKER)
    StaffProfileFactory(line_manager=manager)
    client.force_login(manager)
    assert "My team" in home_links(client)[0]


def test_a_superuser_is_offered_hosting_only_when_they_host(client, home_page):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert "Hosting" not in home_links(client)[0]
    slot = SlotFactory()
    slot.hosts.add(admin)
    assert "Hosting" in home_links(client)[0]
