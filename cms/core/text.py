"""The one rule for text that comes from outside and is about to be stored.

PostgreSQL refuses a NUL character in text and in JSON (``DataError``), and a lone
UTF-16 surrogate cannot be encoded to UTF-8 at all (``UnicodeEncodeError``); other
C0 control characters are never meant in what people type and can hide text on
screen or in a spreadsheet. ``text_problem`` says, in words the person can act on,
what is wrong with a piece of text, or returns None when it may be stored as it is.

Django's ``forms.CharField`` already refuses NUL (and a form post cannot carry a
lone surrogate: Django decodes form bodies with replacement), so this is for every
other path: JSON endpoints, services called with raw POST values, and importers.
"""

from __future__ import annotations

import re

# C0 controls other than tab, newline and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")

__all__ = ["CONTROL_CHARACTERS", "LONE_SURROGATE", "counted", "text_displayable", "text_problem"]


def text_problem(value: str, *, label: str = "The text", max_length: int | None = None) -> str | None:
    """What is wrong with `value` for storing (a sentence starting with `label`), or None.

    Refuses NUL and other control characters (tab, newline and carriage return are
    fine), lone surrogates (half of an emoji or other character, from a broken client),
    and, when `max_length` is given, text longer than that many characters.
    """
    if not isinstance(value, str):
        return f"{label} must be text."
    if "\x00" in value:
        return f"{label} contains a NUL character (\\0), which cannot be stored. Remove it and try again."
    if CONTROL_CHARACTERS.search(value):
        return f"{label} contains a control character that cannot be stored. Remove it and try again."
    if LONE_SURROGATE.search(value):
        return (
            f"{label} contains a broken character (half of an emoji or other symbol). "
            "Remove it and try again."
        )
    if max_length is not None and len(value) > max_length:
        return f"{label} is {len(value):,} characters long; the most that can be stored is {max_length:,}."
    return None


def text_displayable(value: str) -> str:
    """Refused text as far as it can be shown again: the same, less the characters refused."""
    return LONE_SURROGATE.sub("", CONTROL_CHARACTERS.sub("", value))


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A number of things as a person would say it: "1 place", "2 places", "0 rows"."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
