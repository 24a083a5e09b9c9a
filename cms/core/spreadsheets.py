"""One guard for every file we write that people open in a spreadsheet (CSV injection).

A text cell starting with one of OWASP's formula characters would be run by Excel,
LibreOffice or Google Sheets; a leading apostrophe makes it plain text. Numbers, dates and
empty cells pass through untouched. Values are stored as people typed them and
neutralised only here, on the way out.

Every CSV and XLSX the project writes goes through ``csv_chunks`` or ``xlsx_write``
(which apply ``spreadsheet_safe`` to every cell), and every Wagtail admin listing that
exports uses ``SafeSpreadsheetExportMixin``, which routes Wagtail's exports through them.
Wagtail's own admin reports (site history, aging and locked pages, workflows, redirects,
search terms), which the project cannot subclass, pass every value through the guard by
``wagtail_exports_guard``, run once at start-up.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.utils import timezone
from django.utils.encoding import force_str
from wagtail.coreutils import multigetattr

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_ROWS_PER_CHUNK = 1000
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_TIME_FORMAT = "hh:mm"
XLSX_MAX_STRING = 32767  # Excel's limit for one cell


def spreadsheet_safe(value: Any) -> Any:
    """`value`, with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through the guard."""
    return [spreadsheet_safe(value) for value in values]


def csv_chunks(rows: Iterable[Sequence[Any]], *, rows_per_chunk: int = CSV_ROWS_PER_CHUNK) -> Iterator[str]:
    """CSV text, every cell guarded, in chunks of `rows_per_chunk` rows: one write to the
    socket per chunk, not per row. None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if value is None else spreadsheet_safe(value) for value in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV as one string (for small files, such as one person's record)."""
    return "".join(csv_chunks(rows))


def _excel_datetime(value: datetime.datetime) -> datetime.datetime:
    """Excel has no time zones: an aware time is written as the local wall-clock time."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def _csv_datetime(value: datetime.datetime) -> str:
    return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat(sep=" ")


def xlsx_write(rows: Iterable[Sequence[Any]], *, output: IO[bytes], sheet_name: str = "Sheet1") -> None:
    """Write rows as a one-sheet XLSX workbook, every text cell guarded.

    XlsxWriter's constant-memory mode writes rows to disk as they come, so a large
    export never sits in memory. Text is never turned into formulas, numbers or links;
    numbers, booleans and dates keep their type (dates with a readable format).
    """
    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        },
    )
    formats = {
        datetime.datetime: workbook.add_format({"num_format": XLSX_DATETIME_FORMAT}),
        datetime.date: workbook.add_format({"num_format": XLSX_DATE_FORMAT}),
        datetime.time: workbook.add_format({"num_format": XLSX_TIME_FORMAT}),
    }
    sheet = workbook.add_worksheet(sheet_name[:31])
    for row_index, row in enumerate(rows):
        for col_index, value in enumerate(row):
            _xlsx_cell(sheet, row_index, col_index, value, formats)
    workbook.close()


def _xlsx_cell(sheet, row: int, col: int, value: Any, formats: dict) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime.datetime):
        sheet.write_datetime(row, col, _excel_datetime(value), formats[datetime.datetime])
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, col, value, formats[datetime.date])
    elif isinstance(value, datetime.time):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), formats[datetime.time])
    else:
        text = spreadsheet_safe(force_str(value))[:XLSX_MAX_STRING]
        if text.startswith("<r>") and text.endswith("</r>"):
            # XlsxWriter copies text shaped like its own rich-string markup into the file
            # unescaped (XML injection, down to a formula cell); as a rich string of plain
            # fragments the same text is escaped like any other.
            sheet.write_rich_string(row, col, text[:1], text[1:2], text[2:])
        else:
            sheet.write_string(row, col, text)


def spreadsheet_lookup(item: Any, accessor: str) -> Any:
    """Wagtail's dotted lookup, but a missing relation on the way (no line manager, a slot
    with no host team) gives an empty cell instead of an error in the middle of the file."""
    current = item
    for bit in accessor.split("."):
        if current is None:
            return None
        current = multigetattr(current, bit)
    return current


class SafeSpreadsheetExportMixin:
    """For Wagtail listings with `list_export` (IndexView, ReportView, form submissions).

    Wagtail's own export writes each row as it finds it: a formula-looking cell goes out
    raw in CSV, and a missing relation raises half-way through (a truncated CSV, a 500
    on XLSX). Here each row is read with missing relations as empty cells, values are
    prepared by Wagtail's preprocessing (lists joined, objects as text), and the file is
    written by ``csv_chunks`` / ``xlsx_write``, so every cell passes the guard.
    """

    @property
    def custom_value_preprocess(self):
        # Times as the local wall-clock time in both formats (Wagtail writes XLSX in UTC).
        return {
            **super().custom_value_preprocess,
            datetime.datetime: {self.FORMAT_CSV: _csv_datetime, self.FORMAT_XLSX: None},
        }

    def to_row_dict(self, item):
        return {field: spreadsheet_lookup(item, field) for field in self.list_export}

    def preprocess_field_value(self, field, value, export_format):
        if value is None:
            return None
        return super().preprocess_field_value(field, value, export_format)

    def _export_rows(self, queryset, export_format: str) -> Iterator[list[Any]]:
        yield [self.get_heading(queryset, field) for field in self.list_export]
        for item in queryset:
            row = self.to_row_dict(item)
            yield [self.preprocess_field_value(field, value, export_format) for field, value in row.items()]

    def stream_csv(self, queryset):
        for chunk in csv_chunks(self._export_rows(queryset, self.FORMAT_CSV)):
            yield chunk.encode("utf-8")

    def write_xlsx(self, queryset, output):
        xlsx_write(self._export_rows(queryset, self.FORMAT_XLSX), output=output)


def wagtail_exports_guard() -> None:
    """Put the guard inside Wagtail's own export preprocessing, for the reports Wagtail serves.

    Wagtail's admin reports export through ``SpreadsheetExportMixin`` with no hook of ours
    in their views; wrapping its one preprocessing method makes every value they write pass
    ``spreadsheet_safe`` (idempotent, so listings that use ``SafeSpreadsheetExportMixin``
    are unchanged). Called from ``CoreConfig.ready``; it refuses to run blind if Wagtail
    renames the method.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "spreadsheet_guarded", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_safe(original(self, field, value, export_format))

    preprocess_field_value.spreadsheet_guarded = True  # type: ignore[attr-defined]
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value  # type: ignore[method-assign]
