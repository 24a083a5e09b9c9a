"""Knowledge checks, reflections and mark-as-done without JavaScript, including hostile posts."""

import pytest
from django.urls import reverse

from learning.models import (
    ActivityCompletion,
    KnowledgeCheckAttempt,
    LessonProgress,
    ModuleCompletion,
    Reflection,
)
from tests.cms.people.factories import UserFactory
from tests.modules.factories import knowledge_check_block, module_with_lessons, reflection_block, text_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def course(home_page):
    """Lesson 1: a single-choice check (o2 correct) and a reflection; lesson 2: reading only."""
    return module_with_lessons(
        home_page,
        bodies=[
            [text_block(), knowledge_check_block(id="kc-1"), reflection_block(id="rf-1")],
            [text_block("<p>Reading.</p>")],
        ],
    )


def answer_url(lesson, block_id="kc-1"):
    return reverse("learning:knowledge_check_answer", kwargs={"lesson_id": lesson.pk, "block_id": block_id})


def test_wrong_answer_is_kept_and_shows_feedback_for_the_chosen_option(client, learner, course):
    """A learner choosing a closed question sees why it is wrong, and can try again."""
    _module, (lesson, _) = course
    response = client.post(answer_url(lesson), {"option": "o1"})
    assert response.status_code == 302
    assert response["Location"].endswith("#block-kc-1")
    attempt = KnowledgeCheckAttempt.objects.get(user=learner)
    assert (attempt.passed, attempt.score_percent, attempt.selected_option_ids) == (False, 0, ["o1"])

    html = client.get(lesson.url).content.decode()
    assert "Closed: it invites yes or no." in html
    assert "Open: it invites a story." not in html, (
        "feedback for options not chosen stays hidden until passed"
    )
    assert "You scored 0%" in html
    assert not ActivityCompletion.objects.exists()


def test_right_answer_completes_the_check_and_the_lesson(client, learner, course):
    """Passing the only required check completes the lesson; every attempt is kept."""
    _module, (lesson, _) = course
    client.post(answer_url(lesson), {"option": "o1"})
    client.post(answer_url(lesson), {"option": "o2"})
    assert KnowledgeCheckAttempt.objects.filter(user=learner).count() == 2
    assert ActivityCompletion.objects.filter(user=learner, block_id="kc-1").exists()
    assert LessonProgress.objects.get(user=learner, lesson=lesson).status == "completed"
    html = client.get(lesson.url).content.decode()
    assert "You have passed this check" in html
    assert "You have completed this lesson." in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an answer."),
        ({"option": "o99"}, "That answer is not one of the options."),
        ({"option": ["o1", "o2"]}, "Choose one answer."),
        ({"option": "<script>alert(1)</script>"}, "That answer is not one of the options."),
        ({"option": [f"o{i}" for i in range(50)]}, "That answer is not one of the options."),
    ],
)
def test_missing_forged_or_extra_options_are_refused_with_a_clear_message(
    client, learner, course, data, message
):
    """Hostile or careless posts get the lesson back with an error, never a 500, and record nothing."""
    _module, (lesson, _) = course
    response = client.post(answer_url(lesson), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'<a href="#block-kc-1-input">{message}' in html  # the summary links to the answer
    assert message in html
    assert "<script>alert(1)</script>" not in html
    assert not KnowledgeCheckAttempt.objects.exists()


def test_another_lessons_block_id_is_not_found(client, learner, course, home_page):
    """A block id from another lesson cannot be answered through this lesson."""
    _module, (lesson, reading) = course
    _other, (other_lesson,) = module_with_lessons(home_page, bodies=[[knowledge_check_block(id="kc-other")]])
    assert client.post(answer_url(lesson, "kc-other"), {"option": "o2"}).status_code == 404
    assert client.post(answer_url(reading, "kc-1"), {"option": "o2"}).status_code == 404
    assert client.post(answer_url(lesson, "rf-1"), {"option": "o2"}).status_code == 404
    assert not KnowledgeCheckAttempt.objects.exists()
    assert other_lesson.pk != lesson.pk


def test_unpublished_lesson_cannot_be_answered(client, learner, course):
    _module, (lesson, _) = course
    lesson.unpublish()
    assert client.post(answer_url(lesson), {"option": "o2"}).status_code == 404


def test_anonymous_answers_are_sent_to_sign_in(client, course):
    _module, (lesson, _) = course
    response = client.post(answer_url(lesson), {"option": "o2"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_get_on_the_answer_url_is_not_allowed(client, learner, course):
    _module, (lesson, _) = course
    assert client.get(answer_url(lesson)).status_code == 405


def test_reflection_is_saved_privately(client, learner, course):
    """A learner's reflection is shown back to them and to nobody else."""
    _module, (lesson, _) = course
    url = reverse("learning:reflection_save", kwargs={"lesson_id": lesson.pk, "block_id": "rf-1"})
    assert client.post(url, {"text": "  I jump in with advice too soon.  "}).status_code == 302
    assert Reflection.objects.get(user=learner).text == "I jump in with advice too soon."
    assert "I jump in with advice too soon." in client.get(lesson.url).content.decode()

    client.force_login(UserFactory())
    assert "I jump in with advice too soon." not in client.get(lesson.url).content.decode()


@pytest.mark.parametrize(("text", "status"), [("", 400), ("   ", 400), ("x" * 5001, 400)])
def test_empty_or_huge_reflections_are_refused(client, learner, course, text, status):
    _module, (lesson, _) = course
    url = reverse("learning:reflection_save", kwargs={"lesson_id": lesson.pk, "block_id": "rf-1"})
    response = client.post(url, {"text": text})
    assert response.status_code == status
    assert not Reflection.objects.exists()


def test_mark_done_completes_reading_lesson_and_then_the_module(client, learner, course):
    """Finishing the last lesson takes the learner to the module's completion page."""
    module, (lesson, reading) = course
    client.post(answer_url(lesson), {"option": "o2"})
    response = client.post(reverse("learning:lesson_done", kwargs={"lesson_id": reading.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:module_complete", kwargs={"module_id": module.pk})
    assert ModuleCompletion.objects.filter(user=learner, module=module).exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Module complete" in page.content.decode()


def test_mark_done_is_refused_for_a_lesson_with_a_check(client, learner, course):
    """A lesson with a required check cannot be skipped by posting mark-as-done."""
    _module, (lesson, _) = course
    response = client.post(reverse("learning:lesson_done", kwargs={"lesson_id": lesson.pk}))
    assert response.status_code == 302
    assert not LessonProgress.objects.filter(status="completed").exists()


def test_completion_page_before_completing_goes_back_to_the_module(client, learner, course):
    module, _ = course
    response = client.get(reverse("learning:module_complete", kwargs={"module_id": module.pk}))
    assert response.status_code == 302
    assert response["Location"] == module.url


def test_completed_h5p_and_scenario_activities_are_marked_done_on_the_lesson(
    client, learner, home_page, settings, tmp_path
):
    """Sam finished the H5P check and the MI scenario of a lesson but not its second H5P activity:
    after a reload, the two finished ones say "Done" and the third does not."""
    from learning.services import activity_complete
    from tests.modules.factories import h5p_activity_block, h5p_package_ready, scenario_block, scenario_create

    settings.MEDIA_ROOT = tmp_path
    package = h5p_package_ready()
    scenario = scenario_create()
    _module, (lesson,) = module_with_lessons(
        home_page,
        bodies=[
            [
                h5p_activity_block(package=package, id="h5p-done", heading="First check"),
                scenario_block(scenario, id="scenario-done"),
                h5p_activity_block(package=package, id="h5p-open", heading="Second check"),
            ]
        ],
    )
    activity_complete(user=learner, lesson=lesson, block_id="h5p-done")
    activity_complete(user=learner, lesson=lesson, block_id="scenario-done")

    html = client.get(lesson.url).content.decode()

    def block_html(block_id):
        start = html.index(f'id="block-{block_id}"')
        return html[start : html.find('class="lesson-block ', start + 1)]

    done_mark = "You have completed this activity."
    assert done_mark in block_html("h5p-done")
    assert done_mark in block_html("scenario-done")
    assert "data-activity-done hidden" in block_html("h5p-open")
    assert "Complete the 1 remaining activity above" in html
