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
from typing import Any

# C0 controls other than tab, newline and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")

__all__ = ["CONTROL_CHARACTERS", "LONE_SURROGATE", "text_problem", "value_text_problem"]


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


def value_text_problem(
    value: Any, *, label: str = "The data", max_length: int | None = None, keys_too: bool = True
) -> str | None:
    """`text_problem` for every string inside a decoded JSON value (dict keys included).

    Walks lists and dicts with a stack (no recursion), so deep nesting cannot crash it.
    """
    pending: list[Any] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if problem := text_problem(item, label=label, max_length=max_length):
                return problem
        elif isinstance(item, dict):
            pending.extend(item.values())
            if keys_too:
                pending.extend(item.keys())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return None
