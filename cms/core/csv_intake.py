"""One intake for every CSV file people upload (the staff import, the practice-week slot import).

The bytes are checked before any row is read: not empty, within the importer's size cap,
text rather than a binary file (no NUL byte: a spreadsheet saved as .xlsx, a PDF, an image),
and UTF-8, with or without Excel's byte-order mark. Excel's "CSV UTF-8" is the format we
ask for, so other encodings are refused with a message that says how to save the file,
rather than guessed at. Dates in a cell are UK (d/m/yyyy) or ISO (yyyy-mm-dd). The files
we write go through the guard next door (cms.core.spreadsheets).
"""

from __future__ import annotations

import re
from datetime import date, datetime

UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
SAVE_AS_ADVICE = "In Excel, save it as 'CSV UTF-8 (comma delimited)' and try again."


class CsvRefused(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


def csv_text(data: bytes, *, max_bytes: int, empty_advice: str = "Export it as CSV and try again.") -> str:
    """The text of an uploaded CSV file, or CsvRefused saying why it cannot be read."""
    if not data.strip():
        raise CsvRefused(f"The file is empty. {empty_advice}")
    if len(data) > max_bytes:
        raise CsvRefused(
            f"The file is too large ({len(data):,} bytes); the limit is {max_bytes:,} bytes. "
            "Split it into smaller files."
        )
    if b"\x00" in data:
        raise CsvRefused(
            "This is not a CSV text file (it contains binary data). Save the export as "
            "'CSV UTF-8 (comma delimited)' and try again."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvRefused(
            f"The file is not UTF-8 text (first unreadable byte on line {line}). {SAVE_AS_ADVICE}"
        ) from error


def csv_date(value: str) -> date:
    """A date cell: d/m/yyyy (as UK spreadsheets show it) or yyyy-mm-dd; ValueError otherwise."""
    value = value.strip()
    match = UK_DATE.match(value)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    return datetime.strptime(value, "%Y-%m-%d").date()
