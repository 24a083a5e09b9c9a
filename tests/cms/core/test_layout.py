"""The site's frame: header navigation by role, the home page's next steps, error pages, components.

Sections other apps build (My learning, My team, Practice week, readiness) are
stood in for by tests/cms/core/layout_urls.py under their real URL names.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.paginator import Paginator
from django.template import Context, Template, engines
from django.template.loader import get_template
from django.test import RequestFactory

from cms.core.selectors import audiences_for, navigation_for
from tests.cms.pages.factories import StandardPageFactory
from tests.cms.people.factories import StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

SECTION_LINKS = ["My learning", "Practice week", "My team", "Admin"]


@pytest.fixture(autouse=True)
def stand_in_sections(settings):
    settings.ROOT_URLCONF = "tests.cms.core.layout_urls"


def admin_group(name: str) -> str:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return name


def header_links(html: str) -> list[str]:
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", header, re.S)]


def sections_seen(client, user=None) -> list[str]:
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return [link for link in header_links(response.content.decode()) if link in SECTION_LINKS]


def test_visitor_sees_no_sections_and_a_sign_in_link(client, home_page):
    """Someone not signed in is offered sign-in, never a staff section."""
    response = client.get("/")
    html = response.content.decode()
    assert sections_seen(client) == []
    assert "Sign in" in header_links(html)
    assert "Where to go next" not in html
    assert 'href="/accounts/login/"' in html


def test_learner_sees_my_learning_only(client, home_page):
    """A social worker sees My learning, and never My team, Practice week or Admin."""
    learner = UserFactory(groups=["Staff"])
    assert sections_seen(client, learner) == ["My learning"]
    html = client.get("/").content.decode()
    assert 'href="/admin/"' not in html
    assert 'href="/learning/team/"' not in html
    assert 'href="/practice-week/"' not in html
    assert "Sign out" in header_links(html)


def test_line_manager_with_reports_sees_my_team(client, home_page):
    """A practitioner who line-manages someone sees My team, without being in the managers' group."""
    manager = UserFactory(groups=["Staff"])
    StaffProfileFactory(line_manager=manager)
    assert sections_seen(client, manager) == ["My learning", "My team"]


def test_line_manager_whose_reports_have_left_does_not_see_my_team(client, home_page):
    """Leavers keep their records but no longer make someone a manager."""
    manager = UserFactory(groups=["Staff"])
    StaffProfileFactory(line_manager=manager, active=False)
    assert sections_seen(client, manager) == ["My learning"]


def test_team_manager_sees_my_team_but_not_practice_week_or_admin(client, home_page):
    manager = UserFactory(groups=["Staff", "Team managers"])
    assert sections_seen(client, manager) == ["My learning", "My team"]


def test_senior_manager_sees_practice_week_but_not_my_team_or_admin(client, home_page):
    """Senior managers book shadowing; they are not shown a team they do not manage."""
    senior = UserFactory(groups=["Staff", "Senior managers"])
    assert sections_seen(client, senior) == ["My learning", "Practice week"]


def test_learning_and_development_see_admin_and_readiness(client, home_page):
    """L&D author in the admin and follow readiness; the home page points them to both."""
    editor = UserFactory(groups=["Staff", admin_group("L&D editors")])
    assert sections_seen(client, editor) == ["My learning", "Practice week", "My team", "Admin"]
    html = client.get("/").content.decode()
    assert 'href="/admin/readiness/"' in html
    assert "Readiness" not in header_links(html)


def test_superuser_sees_every_section(client, home_page):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert sections_seen(client, superuser) == SECTION_LINKS


@pytest.mark.parametrize(
    ("path", "current"),
    [("/learning/team/", "My team"), ("/learning/", "My learning"), ("/learning/scenarios/", "My learning")],
)
def test_only_the_section_the_page_is_in_is_marked_current(path, current):
    manager = UserFactory(groups=["Staff", "Team managers"])
    items = navigation_for(user=manager, path=path)
    assert [item.label for item in items if item.active] == [current]


def test_inactive_person_is_given_no_sections():
    """A leaver's account, if it is still signed in somewhere, opens nothing."""
    leaver = UserFactory(groups=["Staff", "Senior managers"], is_active=False)
    assert audiences_for(user=leaver) == frozenset()


def test_current_section_is_marked_for_assistive_technology(client, home_page):
    client.force_login(UserFactory(groups=["Staff"]))
    html = client.get("/learning/").content.decode()
    assert re.search(r'href="/learning/" aria-current="true">\s*<strong[^>]*>My learning</strong>', html)


def test_home_page_tells_each_person_where_to_go_next(client, home_page):
    """A learner's home page leads to My learning, described in words."""
    client.force_login(UserFactory(groups=["Staff"]))
    html = client.get("/").content.decode()
    assert "Where to go next" in html
    assert re.search(r'<a class="govuk-link app-card__link" href="/learning/">My learning</a>', html)
    assert "Sign in with your work email" not in html


def test_sections_not_built_yet_are_left_out(client, home_page, settings):
    """Before the learning app has its pages, nobody is sent to a missing page."""
    settings.ROOT_URLCONF = "tests.cms.core.layout_urls_bare"
    learner = UserFactory(groups=["Staff"])
    assert navigation_for(user=learner) == []
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "will appear here once" in html


def test_home_page_queries_are_bounded_for_a_signed_in_manager(
    client, home_page, django_assert_max_num_queries
):
    manager = UserFactory(groups=["Staff", admin_group("Team managers")])
    client.force_login(manager)
    client.get("/")
    with django_assert_max_num_queries(16):
        assert client.get("/").status_code == 200


def test_branding_reaches_header_and_footer(client, home_page):
    html = client.get("/").content.decode()
    assert html.count("Oxfordshire County Council") >= 2
    assert "govuk-header__logotype" not in html
    assert "Crown" not in html


def test_pages_have_no_style_attributes_and_a_nonce_on_inline_code(client, home_page):
    """CSP forbids style attributes; inline <style> and <script> (branding, JS detection) carry the nonce.

    Signed in as an editor, so Wagtail's user bar is on the page too.
    """
    client.force_login(UserFactory(is_superuser=True))
    response = client.get("/")
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert not re.search(r"\sstyle=", html)
    for tag in re.findall(r"<(?:style|script)\b[^>]*>", html):
        if 'type="application/json"' in tag or " src=" in tag:
            continue  # data, or a same-origin file ('self'): only inline code needs the nonce
        assert f'nonce="{nonce}"' in tag, tag


def test_mobile_menu_works_without_javascript(client, home_page):
    """The menu button stays hidden until JavaScript runs; without it every link is listed."""
    client.force_login(UserFactory(groups=["Staff"]))
    html = client.get("/").content.decode()
    button = re.search(r"<button [^>]*govuk-service-navigation__toggle[^>]*>", html).group(0)
    assert " hidden" in button
    assert 'aria-controls="site-navigation"' in button
    assert 'id="site-navigation"' in html


def test_standard_page_has_breadcrumbs_home(client, home_page):
    page = StandardPageFactory(parent=home_page, title="Privacy notice", slug="privacy-notice")
    html = client.get(page.url).content.decode()
    assert re.search(r'<a class="govuk-breadcrumbs__link" href="/">Home</a>', html)
    assert '<h1 class="govuk-heading-xl">Privacy notice</h1>' in html


def test_missing_page_gets_the_designed_404(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Skip to main content" in html
    assert "Accessibility statement" in html


def test_500_page_renders_without_request_or_database(django_assert_num_queries):
    """The error page must render when the database is what failed."""
    with django_assert_num_queries(0):
        html = get_template("500.html").render()
    assert "Sorry, there is a problem with the service" in html
    assert "Skip to main content" in html
    assert "Accessibility statement" in html, "the site's footer, with its support links"


def test_unhandled_error_shows_the_500_page(client, home_page):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


# --- components ----------------------------------------------------------------------


def render(source: str, **context) -> str:
    return Template("{% load site_components %}" + source).render(Context(context))


def test_progress_bar_names_itself_and_states_the_percentage_in_text():
    html = render('{% progress_bar value=3 max=8 label="Motivational interviewing" %}')
    label_id = re.search(r'id="(progress-\d+-label)"', html).group(1)
    assert f'aria-labelledby="{label_id}"' in html
    assert "Motivational interviewing: <strong>38% complete</strong>" in html
    assert 'max="8" value="3"' in html


@pytest.mark.parametrize(
    ("value", "maximum", "shown"),
    [(0, 0, "0%"), (-2, 10, "0%"), (12, 10, "100%"), (None, 5, "0%")],
)
def test_progress_bar_copes_with_odd_numbers(value, maximum, shown):
    html = render("{% progress_bar value=value max=maximum label='Module' %}", value=value, maximum=maximum)
    assert f"{shown} complete" in html


def test_status_tag_says_the_status_in_words():
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in render('{% status_tag "overdue" %}')
    assert "On the waiting list" in render('{% status_tag "waitlisted" %}')
    custom = render('{% status_tag "x" text="Shadowing" colour="purple" %}')
    assert '<strong class="govuk-tag govuk-tag--purple">Shadowing</strong>' in custom


def test_status_tag_refuses_unknown_colour_classes():
    html = render('{% status_tag "overdue" colour="red govuk-visually-hidden" %}')
    assert 'class="govuk-tag govuk-tag--red"' in html


def test_error_summary_links_each_error_to_its_field():
    from django import forms

    class BookingForm(forms.Form):
        reason = forms.CharField()
        slot = forms.IntegerField()

        def clean(self):
            raise forms.ValidationError("That slot has just been taken.")

    form = BookingForm(data={"slot": "soon"})
    html = render("{% error_summary form %}", form=form)
    assert "There is a problem" in html
    assert '<a href="#id_reason">This field is required.</a>' in html
    assert '<a href="#id_slot">Enter a whole number.</a>' in html
    assert "<li>That slot has just been taken.</li>" in html
    assert render("{% error_summary form %}", form=BookingForm()).strip() == ""


def test_pagination_keeps_filters_and_marks_the_current_page():
    request = RequestFactory().get("/learning/team/", {"status": "overdue", "page": "3"})
    page_obj = Paginator(list(range(100)), 10).page(3)
    html = render("{% pagination page_obj %}", page_obj=page_obj, request=request)
    assert 'href="?status=overdue&amp;page=2" rel="prev"' in html
    assert 'href="?status=overdue&amp;page=4" rel="next"' in html
    assert 'aria-label="Page 3" aria-current="page"' in html
    assert "govuk-pagination__item--ellipses" in html
    # The numbered style's links have no second line: the list's own label does not leak into them.
    assert "govuk-pagination__link-label" not in html


def test_the_numbered_list_puts_the_next_arrow_after_its_title():
    page_obj = Paginator(list(range(30)), 10).page(2)
    html = render("{% pagination page_obj %}", page_obj=page_obj)
    next_link = html[html.index('<div class="govuk-pagination__next">') :]
    assert next_link.index("govuk-pagination__link-title") < next_link.index("govuk-pagination__icon--next")
    previous_link = html[html.index('<div class="govuk-pagination__prev">') :]
    assert previous_link.index("govuk-pagination__icon--prev") < previous_link.index(
        "govuk-pagination__link-title"
    )


def test_pagination_is_absent_for_a_single_page():
    page_obj = Paginator([1, 2], 10).page(1)
    assert "govuk-pagination" not in render("{% pagination page_obj %}", page_obj=page_obj)


def test_breadcrumbs_back_link_and_summary_card():
    crumbs = render(
        "{% breadcrumbs items=items %}",
        items=[{"text": "Home", "href": "/"}, {"text": "My learning", "href": "/learning/"}],
    )
    assert '<a class="govuk-breadcrumbs__link" href="/learning/">My learning</a>' in crumbs
    assert '<a href="/learning/" class="govuk-back-link">Back</a>' in render('{% back_link "/learning/" %}')
    card = render(
        '{% summary_card title="Your booking" rows=rows actions=actions heading_level=3 %}',
        rows=[("Team", "Banbury Family Safeguarding")],
        actions=[("Cancel", "/practice-week/1/cancel/")],
    )
    assert '<h3 class="govuk-summary-card__title">Your booking</h3>' in card
    assert '<dt class="govuk-summary-list__key">Team</dt>' in card
    assert 'Cancel<span class="govuk-visually-hidden"> (Your booking)</span>' in card


def test_components_escape_what_they_are_given():
    html = render("{% status_tag 'x' text=text %}", text="<script>alert(1)</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_live_page_of_type_finds_only_live_pages_and_tolerates_unknown_models(home_page):
    page = StandardPageFactory(parent=home_page, title="Cookies", slug="cookies-page")
    engine = engines["django"]
    source = (
        "{% load site_components %}{% live_page_of_type label as found %}{{ found.title|default:'none' }}"
    )
    template = engine.from_string(source)
    assert template.render({"label": "pages.StandardPage"}) == "Cookies"
    assert template.render({"label": "pages.NoSuchPage"}) == "none"
    assert template.render({"label": "not-a-label"}) == "none"
    page.unpublish()
    assert template.render({"label": "pages.StandardPage"}) == "none"


# --- the frame's cache ------------------------------------------------------------------


@pytest.fixture
def frame_cache(settings):
    """Turn the frame's cache on for one test, starting and ending empty for the keys it uses."""
    from django.core.cache import cache

    from cms.core.selectors import people_facts_cache_key
    from cms.core.signals import forget_branding

    settings.FRAME_CACHE_SECONDS = 300

    def forget(*users):
        forget_branding()
        cache.delete_many([people_facts_cache_key(user.pk) for user in users])

    yield forget
    forget()


def test_cached_frame_costs_no_queries_for_navigation_or_branding(
    client, home_page, frame_cache, django_assert_max_num_queries
):
    """Every page carries the frame: once cached it reads neither groups, reports nor branding."""
    learner = UserFactory(groups=["Staff"])
    frame_cache(learner)
    client.force_login(learner)
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "core_brandingsettings" not in tables
    assert 'SELECT "auth_group"."name"' not in tables
    assert "people_staffprofile" not in tables
    frame_cache(learner)


def test_pages_outside_wagtail_get_the_branding_without_a_site_lookup(client, home_page, frame_cache):
    """Sign-in and learner pages are not Wagtail pages: the cached branding spares Wagtail's site query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    learner = UserFactory(groups=["Staff"])
    frame_cache(learner)
    client.force_login(learner)
    client.get("/learning/")
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/learning/").content.decode()
    assert "Oxfordshire County Council" in html
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "wagtailcore_site" not in tables
    assert "core_brandingsettings" not in tables
    frame_cache(learner)


def test_new_group_shows_at_once_despite_the_cache(client, home_page, frame_cache):
    """Promoted to team manager, a person sees My team on their next page."""
    person = UserFactory(groups=["Staff"])
    frame_cache(person)
    assert sections_seen(client, person) == ["My learning"]
    person.groups.add(Group.objects.get_or_create(name="Team managers")[0])
    assert sections_seen(client, person) == ["My learning", "My team"]
    Group.objects.get(name="Team managers").user_set.remove(person)
    assert sections_seen(client, person) == ["My learning"]
    frame_cache(person)


def test_new_direct_report_shows_my_team_at_once_despite_the_cache(client, home_page, frame_cache):
    manager = UserFactory(groups=["Staff"])
    frame_cache(manager)
    assert sections_seen(client, manager) == ["My learning"]
    report = StaffProfileFactory(line_manager=manager)
    assert sections_seen(client, manager) == ["My learning", "My team"]
    report.active = False
    report.save()
    assert sections_seen(client, manager) == ["My learning"]
    frame_cache(manager)


def test_branding_change_shows_at_once_despite_the_cache(client, home_page, frame_cache):
    from wagtail.models import Site

    from cms.core.models import BrandingSettings

    client.force_login(UserFactory(groups=["Staff"]))
    assert "Oxfordshire County Council" in client.get("/").content.decode()
    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.organisation_name = "Borsetshire County Council"
    branding.save()
    assert "Borsetshire County Council" in client.get("/").content.decode()
    site = Site.objects.get(is_default_site=True)
    BrandingSettings.objects.filter(pk=branding.pk).update(organisation_name="Ambridge Council")
    assert "Borsetshire County Council" in client.get("/").content.decode(), "update() sends no signal"
    site.save()
    assert "Ambridge Council" in client.get("/").content.decode(), "a site change renews the cache"


def test_logo_change_shows_at_once_despite_the_cache(client, home_page, frame_cache):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Site

    from cms.core.models import BrandingSettings

    client.force_login(UserFactory(groups=["Staff"]))
    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.logo = Image.objects.create(title="Council logo", file=get_test_image_file())
    branding.save()
    assert "site-header__logo" in client.get("/").content.decode()
    branding.logo.delete()
    assert "site-header__logo" not in client.get("/").content.decode()
