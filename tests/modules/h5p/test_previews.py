"""Reviewers see what they approve: every admin preview of a lesson plays H5P under the learner's policy."""

import pytest
from django.urls import reverse

from cms.people import roles
from cms.people.services import groups_ensure
from modules.h5p.csp import H5P_FRAME_BOOTSTRAP_HASH
from tests.cms.people.factories import staff_member
from tests.modules.factories import (
    h5p_and_scenario_body,
    h5p_package_ready,
    lesson_submitted_for_review,
    module_with_lessons,
    scenario_create,
    text_block,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_lesson(home_page, settings, tmp_path):
    """An editor's draft of a lesson with an H5P activity and an MI scenario, submitted for approval."""
    settings.MEDIA_ROOT = tmp_path
    package = h5p_package_ready()
    submitted = lesson_submitted_for_review(
        home_page, body=h5p_and_scenario_body(package, scenario_create(slug="dan"))
    )
    return {**submitted, "package": package}


def assert_plays_like_a_lesson(response, package):
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-h5p-version-id="{package.current_version_id}"' in html
    assert "js/h5p-player.js" in html
    assert "Open the scenario" in html
    csp = response["Content-Security-Policy"]
    assert H5P_FRAME_BOOTSTRAP_HASH in csp
    assert "style-src-attr 'unsafe-inline'" in csp
    script_src = csp.split("script-src ")[1].split(";")[0]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    # Nothing is tracked in a preview: the player runs without the learning endpoints.
    assert "data-xapi-endpoint" not in html


def test_the_workflow_preview_plays_h5p_under_the_lesson_policy(client, submitted_lesson):
    """Robin, an L&D lead, opens the submitted lesson from the approval task and sees the player."""
    lesson = submitted_lesson["lesson"]
    client.force_login(submitted_lesson["lead"])
    response = client.get(
        reverse("wagtailadmin_pages:workflow_preview", args=[lesson.pk, submitted_lesson["task"].pk])
    )
    assert_plays_like_a_lesson(response, submitted_lesson["package"])


def test_view_draft_plays_h5p_under_the_lesson_policy(client, submitted_lesson):
    client.force_login(submitted_lesson["lead"])
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[submitted_lesson["lesson"].pk]))
    assert_plays_like_a_lesson(response, submitted_lesson["package"])


def test_previews_of_lessons_without_h5p_keep_the_strict_policy(client, home_page):
    groups_ensure()
    _module, (lesson,) = module_with_lessons(home_page, bodies=[[text_block()]])
    client.force_login(staff_member(role=roles.LEARNING_AND_DEVELOPMENT_LEAD, mfa=True))
    csp = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))["Content-Security-Policy"]
    assert H5P_FRAME_BOOTSTRAP_HASH not in csp


@pytest.mark.parametrize("role", [roles.SOCIAL_WORKER, roles.TEAM_MANAGER, roles.SENIOR_MANAGER])
def test_people_outside_l_and_d_cannot_open_the_previews(client, submitted_lesson, role):
    lesson = submitted_lesson["lesson"]
    client.force_login(staff_member(role=role, mfa=True))
    for url in (
        reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]),
        reverse("wagtailadmin_pages:workflow_preview", args=[lesson.pk, submitted_lesson["task"].pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), (role, url, response.status_code)
        assert b"data-h5p-player" not in response.content
