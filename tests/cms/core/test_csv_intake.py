"""The CSV intake every upload goes through: each bad file refused with a message saying what to do."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cms.core.csv_intake import CsvRefused, csv_date, csv_text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty. Export it as CSV and try again."),
        (b" \r\n\n\t", "The file is empty. Export it as CSV and try again."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is not a CSV text file (it contains binary data)."),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "This is not a CSV text file (it contains binary data)."),
        ("a,b\nZoë,1".encode("cp1252"), "The file is not UTF-8 text (first unreadable byte on line 2)."),
        ("email\nZoë".encode("latin-1"), "The file is not UTF-8 text (first unreadable byte on line 2)."),
        (b"\xff\xfea\x00,\x00b\x00", "This is not a CSV text file"),  # UTF-16 has NUL bytes
    ],
)
def test_bad_files_are_refused_with_their_message(data, message):
    with pytest.raises(CsvRefused) as refused:
        csv_text(data, max_bytes=1024)
    assert str(refused.value).startswith(message)


def test_the_empty_advice_is_the_callers():
    with pytest.raises(CsvRefused, match=r"^The file is empty\. Export the staff list"):
        csv_text(b"", max_bytes=10, empty_advice="Export the staff list.")


def test_a_file_over_the_cap_is_refused_before_it_is_read():
    with pytest.raises(CsvRefused) as refused:
        csv_text(b"a" * 2001, max_bytes=2000)
    assert str(refused.value) == (
        "The file is too large (2,001 bytes); the limit is 2,000 bytes. Split it into smaller files."
    )


def test_a_file_at_the_cap_is_read():
    assert csv_text(b"a" * 2000, max_bytes=2000) == "a" * 2000


def test_utf8_is_read_with_or_without_excels_byte_order_mark():
    text = "name,start\nZoë,01/02/2026\n"
    assert csv_text(text.encode("utf-8"), max_bytes=1024) == text
    assert csv_text(b"\xef\xbb\xbf" + text.encode("utf-8"), max_bytes=1024) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01/02/2026", date(2026, 2, 1)),
        ("1/2/2026", date(2026, 2, 1)),
        (" 31/12/2025 ", date(2025, 12, 31)),
        ("2026-02-01", date(2026, 2, 1)),
    ],
)
def test_dates_are_uk_or_iso(value, expected):
    assert csv_date(value) == expected


@pytest.mark.parametrize(
    "value", ["", "31/02/2026", "2026/02/01", "02-01-2026", "13/13/2026", "tomorrow", "1/2/26"]
)
def test_anything_else_is_not_a_date(value):
    with pytest.raises(ValueError):
        csv_date(value)


@given(data=st.binary(max_size=300))
def test_any_bytes_are_either_text_or_refused(data):
    """Hostile input never raises anything but CsvRefused, and never passes a NUL byte through."""
    try:
        text = csv_text(data, max_bytes=200)
    except CsvRefused:
        return
    assert "\x00" not in text
    assert len(data) <= 200
