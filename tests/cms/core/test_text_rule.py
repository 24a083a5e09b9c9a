"""The shared text rule (cms.core.text): what may be stored, and the message when it may not."""

import pytest

from cms.core.text import text_displayable, text_problem


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Parents are capable of change.",
        "Line one\r\nline two\tindented",
        "Zoë\u2019s 😀 visit",
        "=SUM(A1)",
    ],
)
def test_ordinary_text_may_be_stored(value):
    """Everything people type, emoji and line breaks included, passes the rule."""
    assert text_problem(value) is None


@pytest.mark.parametrize(
    "value,says",
    [
        ("a\x00b", "contains a NUL character"),
        ("a\x07b", "contains a control character"),
        ("a\x7fb", "contains a control character"),
        ("a\ud800b", "contains a broken character"),
        ("x" * 11, "is 11 characters long; the most that can be stored is 10"),
    ],
)
def test_text_that_cannot_be_stored_gets_a_message_starting_with_its_label(value, says):
    """The message names the field (its label) and says what is wrong, so the person can fix it."""
    problem = text_problem(value, label="Your reflection", max_length=10)
    assert problem.startswith("Your reflection ")
    assert says in problem


def test_refused_text_is_shown_again_less_the_refused_characters():
    """A refused reflection comes back on screen as written, without the characters refused."""
    assert text_displayable("Vis\x00it\ud800 notes\r\n\x1b[1m") == "Visit notes\r\n[1m"
