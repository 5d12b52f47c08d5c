"""CSV exports that a spreadsheet opens as data, never as formulas.

Spreadsheets (Excel, LibreOffice, Google Sheets) run a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and some also treat a leading tab or carriage return that way ("CSV injection").
Names and notes in our exports come from people, so every CSV file of the project is written through
`write_csv`, which passes each cell through `safe_cell`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

#: First characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A plain number (``-12``, ``+3.5``, ``-0,75``): kept as is so that it stays numeric.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """A cell value that a spreadsheet will not run as a formula.

    Numbers (``int``, ``float``) and text that is a plain number stay as they are; ``None`` becomes an
    empty cell; any other text starting with a formula character (after optional spaces) gets a
    leading ``'``, which spreadsheets show as text and do not evaluate.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    stripped = text.lstrip(" ")
    if stripped[:1] in FORMULA_STARTS and stripped and not _PLAIN_NUMBER.fullmatch(stripped):
        return "'" + text
    return text


#: The separator of the CSV files made for people in France: French Excel splits columns at ``;`` (the
#: comma is its decimal sign) and opens a comma-separated file as one column.
FRENCH_DELIMITER = ";"


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> str:
    """The CSV text (``delimiter``-separated, ``\\r\\n`` line ends) of ``header`` and ``rows``, made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def write_csv(path: str | Path, header: Sequence[Any], rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> Path:
    """Write a formula-safe CSV file (UTF-8 with a BOM, so that Excel shows accents) atomically.

    ``delimiter`` is ``,`` for files that programs read, `FRENCH_DELIMITER` for those people open in a
    French spreadsheet. Returns the path written.
    """
    from planner.publish.files import write_atomic

    path = Path(path)
    write_atomic(path, csv_text(header, rows, delimiter=delimiter).encode("utf-8-sig"))
    return path
