"""The one spreadsheet-formula guard every export and import uses."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from cms.core.spreadsheets import csv_chunks, spreadsheet_lookup, spreadsheet_safe, xlsx_write
from tests.cms.people.factories import UserFactory, mfa_enrol
from tests.spreadsheet_reading import FORMATS, assert_every_cell_neutralised, export_rows, xlsx_rows


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Banbury", "O'Neill", " =1", "", 42, -3, 1.5, None, date(2027, 1, 1)])
def test_everything_else_passes_through(value):
    assert spreadsheet_safe(value) == value


def test_csv_is_written_in_chunks_of_a_thousand_rows_every_cell_guarded_and_none_lost():
    """A 2,500-row export reaches the browser in three writes, whole, with formulas neutralised."""
    rows = [["=cmd", n, "plain, with comma", None] for n in range(2500)]
    chunks = list(csv_chunks(iter(rows)))
    assert len(chunks) == 3
    parsed = list(csv.reader(io.StringIO("".join(chunks))))
    assert len(parsed) == 2500
    assert parsed[0] == ["'=cmd", "0", "plain, with comma", ""]
    assert parsed[-1][1] == "2499"
    assert list(csv_chunks(iter([]))) == []


def test_xlsx_cells_keep_their_types_and_text_is_guarded():
    """Numbers, dates and booleans stay numbers, dates and booleans; formula-looking text is text."""
    output = io.BytesIO()
    xlsx_write(
        [
            ["Name", "Score", "Due", "Active", "Empty"],
            ['=HYPERLINK("http://evil")', 75, date(2027, 1, 1), True, None],
            ["-2+3", Decimal("1.5"), datetime(2027, 1, 1, 9, 30, tzinfo=UTC), False, ""],
        ],
        output=output,
    )
    rows = xlsx_rows(output.getvalue())
    assert rows[0] == ["Name", "Score", "Due", "Active", "Empty"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][1:4] == [75.0, 46388.0, True]  # 1 January 2027 is Excel day 46388
    assert rows[2][0] == "'-2+3"
    assert rows[2][1] == 1.5
    assert rows[2][3] is False
    assert_every_cell_neutralised(rows)


def test_text_shaped_like_xlsxwriter_markup_cannot_inject_a_formula_cell():
    """A name typed as XlsxWriter's rich-string markup stays one text cell; no formula appears."""
    hostile = (
        '<r><t>a</t></r></is></c><c r="B1"><f>HYPERLINK("http://evil")</f></c>'
        '<c r="C1" t="inlineStr"><is><r><t>b</t></r>'
    )
    output = io.BytesIO()
    xlsx_write([[hostile, "next"]], output=output)
    assert xlsx_rows(output.getvalue()) == [[hostile, "next"]]


def test_control_characters_in_text_do_not_break_the_workbook():
    """A name with a stray control character still gives a workbook that opens."""
    output = io.BytesIO()
    xlsx_write([["Sam\x0bOkafor", "x\x00y"]], output=output)
    assert xlsx_rows(output.getvalue()) == [["Sam_x000B_Okafor", "x_x0000_y"]]


def test_a_missing_relation_on_the_way_is_an_empty_cell():
    """A person with no line manager exports an empty cell, not an error half-way through."""
    person = SimpleNamespace(line_manager=None, team=SimpleNamespace(name="=Banbury"))
    assert spreadsheet_lookup(person, "line_manager.email") is None
    assert spreadsheet_lookup(person, "team.name") == "=Banbury"
    with pytest.raises(AttributeError):
        spreadsheet_lookup(person, "team.no_such_field")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_wagtails_own_reports_export_through_the_guard(client, home_page, fmt):
    """Site history names people and pages as typed, and search terms are typed by anyone:
    Wagtail's own report exports neutralise them like every other export."""
    from django.urls import reverse
    from wagtail.contrib.search_promotions.models import Query
    from wagtail.log_actions import log

    from cms.pages.models import StandardPage

    editor = UserFactory(is_superuser=True, first_name="=Editor", last_name="+Name")
    page = home_page.add_child(
        instance=StandardPage(title='=HYPERLINK("http://x")', slug="formula-title", body="<p>Text</p>")
    )
    log(instance=page, action="wagtail.edit", user=editor)
    Query.get("=cmd|' /C calc'!A0").add_hit()
    client.force_login(mfa_enrol(editor))

    history = export_rows(client, reverse("wagtailadmin_reports:site_history"), fmt)
    terms = export_rows(client, reverse("wagtailsearchpromotions:search_terms"), fmt)

    assert any('\'=HYPERLINK("http://x")' in row for row in history)
    assert any("'=cmd|' /c calc'!a0" in row for row in terms)  # Wagtail stores terms lower-cased
    assert_every_cell_neutralised(history)
    assert_every_cell_neutralised(terms)
