"""One guard for every file we write that people open in a spreadsheet (CSV injection).

A text cell starting with one of OWASP's formula characters would be run by Excel,
LibreOffice or Google Sheets; a leading apostrophe makes it plain text. Numbers, dates and
empty cells pass through untouched.
"""

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """`value`, with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
