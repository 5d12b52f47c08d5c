"""The plan as a workbook (.xlsx) for coordinators who work in spreadsheets.

One sheet each for the sessions, the shifts, the rota week by week, each unit's week, the KPIs and the
communes below their target with their reasons (and those never visited by choice, target 0). Every
text cell goes through `safe_cell`, so that a name beginning with ``=`` is shown as text and never run
as a formula (the same rule as the CSV files).

Every sheet prints on A4 landscape, as wide as the page (as many pages down as it needs), the header row
repeated on each page and frozen on screen. Dates are Excel dates (shown ``dd/mm/yyyy``), times Excel times
(shown ``9 h 15``), yes/no values ``oui``/``non``, headers in French.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from planner.domain.french import WEEKDAYS_FR
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.files import write_atomic
from planner.publish.safe_csv import safe_cell
from planner.results.kpis import not_targeted
from planner.results.summary import BY_CHOICE, KPI_LABELS, format_kpi, kpi_explanations
from planner.results.tables import TIME_COLUMNS, YES_NO, in_french, sessions_table, shifts_table
from planner.results.week_views import WeekGrid, rota_grid, unit_week

#: The sheet of communes below their target (with why) and of those never visited by choice (target 0).
LEFT_OUT_SHEET = "Communes peu ou pas visitées"
#: Widest a column gets, in characters (longer text wraps).
MAX_COLUMN_WIDTH = 60
#: How a date and a time of day show (French order; ``9 h 15`` as in every file for people); a time
#: of 24:00 or more (an end at midnight) is a duration, shown the same way.
DATE_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = 'h" h "mm'
DURATION_FORMAT = '[h]" h "mm'


def _value(value: Any) -> Any:
    """A cell's value: yes/no in French, dates and times as they are (typed cells), text made formula-safe."""
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, (date, time, timedelta)):
        return value
    return safe_cell(value)


def _shown_width(value: Any) -> int:
    if isinstance(value, (date, datetime)):
        return 10
    if isinstance(value, (time, timedelta)):
        return 8
    return max(map(len, str(value if value is not None else "").split("\n")))


def print_setup(sheet: Worksheet) -> None:
    """A4 landscape, one page wide and as many down as needed, the header row on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    fit = sheet.sheet_properties.pageSetUpPr or PageSetupProperties()
    fit.fitToPage = True
    sheet.sheet_properties.pageSetUpPr = fit
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True


def add_sheet(book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A sheet with a bold, frozen header row, formula-safe cells, typed dates and times, readable column
    widths, printed as `print_setup` says."""
    sheet = book.create_sheet(title)
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([_value(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for k, column in enumerate(sheet.iter_cols(), start=1):
        longest = max((_shown_width(c.value) for c in column), default=8)
        sheet.column_dimensions[get_column_letter(k)].width = min(MAX_COLUMN_WIDTH, longest + 2)
        for cell in column[1:]:
            if isinstance(cell.value, datetime | date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, time):
                cell.number_format = TIME_FORMAT
            elif isinstance(cell.value, timedelta):
                cell.number_format = DURATION_FORMAT
            elif isinstance(cell.value, str) and ("\n" in cell.value or len(cell.value) > MAX_COLUMN_WIDTH):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    print_setup(sheet)


def time_of_day(text: str) -> time | timedelta:
    """``HH:MM`` as an Excel time; 24:00 and later as a duration (Excel has no time past midnight)."""
    hours, _, mins = text.partition(":")
    minutes = int(hours) * 60 + int(mins)
    return time(minutes // 60, minutes % 60) if minutes < 24 * 60 else timedelta(minutes=minutes)


def typed(table: pd.DataFrame) -> pd.DataFrame:
    """A session or shift table with real dates and times (its ISO dates and ``HH:MM`` strings parsed)."""
    out = table.astype(object)
    if "date" in out.columns:
        out["date"] = [date.fromisoformat(v) for v in table["date"].tolist()]
    for column in TIME_COLUMNS:
        if column in out.columns:
            out[column] = pd.Series([time_of_day(v) for v in table[column].tolist()], index=out.index, dtype=object)
    if "remote" in out.columns:
        out["remote"] = [bool(v) for v in table["remote"].tolist()]
    return out


def _frame_sheet(book: Workbook, title: str, frame: pd.DataFrame) -> None:
    rows = ([v.item() if hasattr(v, "item") else v for v in row] for row in frame.itertuples(index=False, name=None))
    add_sheet(book, title, list(frame.columns), rows)


def _cell(lines: Sequence[str]) -> str:
    return "\n".join(lines)


def _rota_rows(grids: Sequence[WeekGrid], weekdays: Sequence[int]) -> list[list[Any]]:
    """One row per person and week, one column per weekday."""
    rows = []
    for grid in grids:
        position = {d.weekday(): k for k, d in enumerate(grid.days)}
        for label, cells in grid.rows:
            by_day = [_cell(cells[position[w]]) if w in position else "" for w in weekdays]
            rows.append([grid.week + 1, label, *by_day])
    return rows


def _unit_rows(grids: Sequence[tuple[str, WeekGrid]], width: int) -> list[list[Any]]:
    """One row per unit and day, one column per session."""
    rows = []
    for unit_name, grid in grids:
        for (label, cells), day in zip(grid.rows, grid.days, strict=True):
            sessions = [_cell(c) for c in cells] + [""] * (width - len(cells))
            rows.append([unit_name, grid.week + 1, day, label, *sessions])
    return rows


def workbook_bytes(instance: Instance, plan: Plan) -> bytes:
    """The .xlsx file of ``plan`` as bytes (for the app's download button and `write_workbook`)."""
    book = Workbook()
    default = book.active
    assert default is not None  # a new workbook has one sheet
    book.remove(default)
    _frame_sheet(book, "Séances", in_french(typed(sessions_table(instance, plan))))
    _frame_sheet(book, "Gardes", in_french(typed(shifts_table(instance, plan))))
    rota = [rota_grid(instance, plan, w) for w in range(plan.weeks)]
    weekdays = sorted({d.weekday() for g in rota for d in g.days})
    add_sheet(
        book,
        "Équipes par semaine",
        ["semaine", "personne", *(WEEKDAYS_FR[w] for w in weekdays)],
        _rota_rows(rota, weekdays),
    )
    units = [(u.name, unit_week(instance, plan, u.id, w)) for u in instance.units for w in range(plan.weeks)]
    width = max((len(g.columns) for _, g in units), default=1)
    header = ["unité", "semaine", "date", "jour", *(f"séance {k + 1}" for k in range(width))]
    add_sheet(book, "Unités par semaine", header, _unit_rows(units, width))
    explanations = kpi_explanations()
    add_sheet(
        book,
        "Indicateurs",
        ["indicateur", "valeur", "valeur affichée", "explication"],
        [(KPI_LABELS.get(k, k), v, format_kpi(k, v), explanations.get(k, "")) for k, v in plan.kpis.items()],
    )
    add_sheet(
        book,
        LEFT_OUT_SHEET,
        ["commune", "insee", "visites visées", "visites prévues", "raison"],
        [(u.name, u.insee, u.target_visits, u.planned_visits, u.reason) for u in plan.unserved]
        + [(c.name, c.insee, 0, 0, BY_CHOICE) for c in not_targeted(instance, plan.tours)],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_workbook(instance: Instance, plan: Plan, path: str | Path) -> Path:
    """Write ``plan.xlsx`` atomically; returns the path. It names the staff: for the coordinator."""
    return write_atomic(Path(path), workbook_bytes(instance, plan))
