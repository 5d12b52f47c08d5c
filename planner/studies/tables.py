"""A study's table as files a funder opens: formula-safe CSV, and an .xlsx spreadsheet (openpyxl)
whose text cells are stored as text, never as formulas."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from planner.publish.files import write_atomic
from planner.publish.safe_csv import write_csv
from planner.studies.grid import StudyError
from planner.studies.scenario_files import INSTALL_HINT

#: Columns shown as percentages in the spreadsheet.
SHARE_COLUMNS = ("need_served_share",)


def write_table(
    rows: Sequence[Mapping[str, Any]], columns: Mapping[str, str], path: str | Path, *, notes: Sequence[str] = ()
) -> list[Path]:
    """``path`` as CSV and as .xlsx (same stem): one row per item, French headers, ``notes`` on a
    second sheet of the spreadsheet. Returns the paths written."""
    path = Path(path)
    header = list(columns.values())
    values = [[row.get(key, "") for key in columns] for row in rows]
    written = [write_csv(path.with_suffix(".csv"), header, values)]
    written.append(_write_xlsx(path.with_suffix(".xlsx"), list(columns), header, values, notes))
    return written


def _write_xlsx(path: Path, keys: list[str], header: list[str], values: list[list[Any]], notes: Sequence[str]) -> Path:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        msg = f"le tableur .xlsx a besoin du paquet openpyxl ; installez-le avec : {INSTALL_HINT}"
        raise StudyError(msg) from None
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "étude"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in values:
        sheet.append([None if v == "" else v for v in row])
    for column, key in enumerate(keys, start=1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: "=…" is never run as a formula
            elif key in SHARE_COLUMNS and cell.value is not None:
                cell.number_format = "0.0%"
        width = max([len(str(header[column - 1]))] + [len(str(r[column - 1])) for r in values])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(10, width + 2), 60)
    sheet.freeze_panes = "A2"
    if notes:
        readme = book.create_sheet("à lire")
        for line in notes:
            readme.append([line])
            readme.cell(readme.max_row, 1).data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return write_atomic(path, buffer.getvalue())
