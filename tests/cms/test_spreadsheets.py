"""The one spreadsheet-formula guard every export and import uses."""

from datetime import date

import pytest

from cms.core.spreadsheets import spreadsheet_safe


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Banbury", "O'Neill", " =1", "", 42, -3, 1.5, None, date(2027, 1, 1)])
def test_everything_else_passes_through(value):
    assert spreadsheet_safe(value) == value
