"""A study's table as files a funder opens: formula-safe CSV, and an .xlsx workbook (the sheets of
`planner.publish.spreadsheet`: bold frozen header, readable widths, text never run as a formula)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from planner.publish.files import write_atomic
from planner.publish.safe_csv import write_csv
from planner.publish.spreadsheet import add_sheet

#: Columns shown as percentages in the workbook.
SHARE_COLUMNS = ("need_served_share",)


def write_table(
    rows: Sequence[Mapping[str, Any]], columns: Mapping[str, str], path: str | Path, *, notes: Sequence[str] = ()
) -> list[Path]:
    """``path`` as CSV and as .xlsx (same stem): one row per item, French headers, ``notes`` on a
    second sheet of the workbook. Returns the paths written."""
    path = Path(path)
    header = list(columns.values())
    values = [[row.get(key, "") for key in columns] for row in rows]
    book = Workbook()
    default = book.active
    assert default is not None  # a new workbook has one sheet
    book.remove(default)
    add_sheet(book, "étude", header, values)
    for index, key in enumerate(columns, start=1):
        if key in SHARE_COLUMNS:
            for (cell,) in book["étude"].iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    if notes:
        add_sheet(book, "à lire", ["résumé"], [[line] for line in notes])
    buffer = io.BytesIO()
    book.save(buffer)
    return [
        write_csv(path.with_suffix(".csv"), header, values),
        write_atomic(path.with_suffix(".xlsx"), buffer.getvalue()),
    ]
