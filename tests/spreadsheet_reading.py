"""Reading back the CSV and XLSX files our exports write, to check every cell (no openpyxl:
an XLSX is a zip of XML, and the cells' XML says what each cell is)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

from cms.core.spreadsheets import FORMULA_PREFIXES

NS = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def response_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response_bytes(response).decode("utf-8"))))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def xlsx_rows(data: bytes) -> list[list]:
    """The first sheet's rows as lists: text and ISO dates as str, numbers as float, booleans as bool.

    A formula cell fails the reading outright: our exports never write one.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in workbook.namelist():
            root = ElementTree.fromstring(workbook.read("xl/sharedStrings.xml"))  # noqa: S314 - files our own tests made
            shared = [
                "".join(t.text or "" for t in si.iter(f"{{{NS['s']}}}t")) for si in root.findall("s:si", NS)
            ]
        sheet = ElementTree.fromstring(workbook.read("xl/worksheets/sheet1.xml"))  # noqa: S314 - files our own tests made
    rows = []
    for row in sheet.find("s:sheetData", NS).findall("s:row", NS):
        values: list = []
        for cell in row.findall("s:c", NS):
            assert cell.find("s:f", NS) is None, f"formula cell {cell.get('r')}"
            column = _column_index(CELL_REF.match(cell.get("r")).group(1))
            values.extend([None] * (column - len(values)))
            kind = cell.get("t")
            if kind == "inlineStr":
                values.append("".join(t.text or "" for t in cell.iter(f"{{{NS['s']}}}t")))
            elif kind == "s":
                values.append(shared[int(cell.find("s:v", NS).text)])
            else:
                value = cell.find("s:v", NS)
                if value is None:
                    values.append(None)
                elif kind == "b":
                    values.append(value.text == "1")
                elif kind == "d":  # an ISO date (openpyxl, in Wagtail's own report exports)
                    values.append(value.text)
                else:  # a number (dates are numbers with a date format)
                    values.append(float(value.text))
        rows.append(values)
    return rows


def assert_every_cell_neutralised(rows: list[list]) -> None:
    """No text cell starts like a formula (the guard adds an apostrophe in front)."""
    for number, row in enumerate(rows, start=1):
        for value in row:
            assert not (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)), (number, row)


FORMATS = ["csv", "xlsx"]


def export_rows(client, url: str, fmt: str) -> list[list]:
    """The rows of an admin export in `fmt` (csv or xlsx), after checking it answered 200."""
    response = client.get(f"{url}{'&' if '?' in url else '?'}export={fmt}")
    assert response.status_code == 200, response.status_code
    if fmt == "csv":
        return csv_rows(response)
    return xlsx_rows(response_bytes(response))
