"""Lesson block rules: what an editor may save, with clear messages."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from learning.services import knowledge_check_score
from modules.blocks import KnowledgeCheckBlock, LessonStreamBlock, VideoBlock, embed_player_url


def _check_value(*, kind="single", options=((True,), (False,)), pass_mark=100):
    block = KnowledgeCheckBlock()
    return block, block.to_python(
        {
            "question": "Which is an open question?",
            "kind": kind,
            "options": [
                {"text": f"Answer {i}", "correct": c, "feedback": "Because."}
                for i, (c,) in enumerate(options)
            ],
            "pass_mark": pass_mark,
            "required": True,
        }
    )


def _messages(error: ValidationError) -> str:
    return str(error.as_json_data() if hasattr(error, "as_json_data") else error)


def test_a_well_formed_single_choice_check_is_valid():
    block, value = _check_value()
    block.clean(value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"options": ((True,),)}, "minimum number of items is 2"),
        ({"options": ((False,), (False,))}, "at least one answer as correct"),
        ({"options": ((True,), (True,), (False,))}, "exactly one correct answer"),
        ({"kind": "multiple", "options": ((True,), (True,))}, "at least one answer should be wrong"),
    ],
)
def test_knowledge_check_cross_field_rules(kwargs, message):
    """Editors are told exactly what to fix in a knowledge check."""
    block, value = _check_value(**kwargs)
    with pytest.raises(ValidationError) as excinfo:
        block.clean(value)
    assert message in _messages(excinfo.value)


@pytest.mark.parametrize("pass_mark", [0, 101, -5])
def test_pass_mark_must_be_a_percentage(pass_mark):
    block, value = _check_value(pass_mark=pass_mark)
    with pytest.raises(ValidationError):
        block.clean(value)


def test_multiple_choice_with_two_correct_answers_is_valid():
    block, value = _check_value(kind="multiple", options=((True,), (True,), (False,)), pass_mark=60)
    block.clean(value)


@pytest.mark.django_db
def test_video_needs_a_file_or_an_embed_but_not_both():
    block = VideoBlock()
    with pytest.raises(ValidationError) as excinfo:
        block.clean(block.to_python({"title": "A visit", "video": None, "embed": "", "captions": None}))
    assert "Choose an uploaded video or give an embed address" in _messages(excinfo.value)


@pytest.mark.django_db
def test_uploaded_video_needs_a_vtt_captions_track():
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    video = Document.objects.create(title="Visit", file=ContentFile(b"\x00", name="visit.mp4"))
    notes = Document.objects.create(title="Notes", file=ContentFile(b"hello", name="notes.txt"))
    block = VideoBlock()
    with pytest.raises(ValidationError) as excinfo:
        block.clean(block.to_python({"title": "A visit", "video": video.pk, "captions": None, "embed": ""}))
    assert "captions" in _messages(excinfo.value)
    with pytest.raises(ValidationError) as excinfo:
        block.clean(
            block.to_python({"title": "A visit", "video": video.pk, "captions": notes.pk, "embed": ""})
        )
    assert ".vtt" in _messages(excinfo.value)
    captions = Document.objects.create(title="Captions", file=ContentFile(b"WEBVTT\n", name="visit.vtt"))
    block.clean(
        block.to_python({"title": "A visit", "video": video.pk, "captions": captions.pk, "embed": ""})
    )


@pytest.mark.parametrize(
    ("url", "player"),
    [
        ("https://www.youtube.com/watch?v=abc123_-X", "https://www.youtube-nocookie.com/embed/abc123_-X"),
        ("https://youtu.be/abc123", "https://www.youtube-nocookie.com/embed/abc123"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://evil.example.com/watch?v=1", None),
        ("javascript:alert(1)", None),
        ("https://www.youtube.com/watch?v=", None),
        ('https://youtu.be/a"onload="x', None),
    ],
)
def test_only_youtube_and_vimeo_embeds_are_allowed(url, player):
    """Embeds become privacy-friendly player addresses the page's CSP allows; others are refused."""
    assert embed_player_url(url) == player


def test_every_lesson_block_has_icon_template_label_help_and_preview():
    for name, block in LessonStreamBlock.base_blocks.items():
        meta = block.meta
        assert meta.icon and meta.icon != "placeholder", name
        assert meta.label, name
        assert getattr(meta, "help_text", None) or getattr(
            getattr(block, "field", None), "help_text", None
        ), name
        assert getattr(meta, "template", None), name
        assert hasattr(meta, "preview_value"), name


@given(
    correct=st.lists(st.booleans(), min_size=2, max_size=8),
    selected_mask=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_multiple_choice_score_is_a_percentage_and_full_marks_only_for_the_exact_answer(
    correct, selected_mask
):
    """Scores stay within 0..100; 100 only when exactly the correct answers are ticked."""
    options = [(f"o{i}", c) for i, c in enumerate(correct)]
    selected = {f"o{i}" for i, ticked in enumerate(selected_mask[: len(correct)]) if ticked}
    score = knowledge_check_score(kind="multiple", options=options, selected=selected)
    assert 0 <= score <= 100
    exact = selected == {option_id for option_id, c in options if c}
    assert (score == 100) == exact


@given(correct_index=st.integers(0, 5), chosen=st.integers(0, 5))
def test_single_choice_scores_all_or_nothing(correct_index, chosen):
    options = [(f"o{i}", i == correct_index) for i in range(6)]
    score = knowledge_check_score(kind="single", options=options, selected={f"o{chosen}"})
    assert score == (100 if chosen == correct_index else 0)
