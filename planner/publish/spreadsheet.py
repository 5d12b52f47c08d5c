"""The plan as a workbook (.xlsx) for coordinators who work in spreadsheets.

One sheet each for the sessions, the shifts, the rota week by week, each unit's week, the KPIs and the
communes below their target with their reasons (and those never visited by choice, target 0). Every
text cell goes through `safe_cell`, so that a name beginning with ``=`` is shown as text and never run
as a formula (the same rule as the CSV files).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from planner.domain.french import WEEKDAYS_FR
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.files import write_atomic
from planner.publish.safe_csv import safe_cell
from planner.results.kpis import not_targeted
from planner.results.summary import BY_CHOICE, KPI_LABELS, format_kpi, kpi_explanations
from planner.results.tables import in_french, sessions_table, shifts_table
from planner.results.week_views import WeekGrid, rota_grid, unit_week

#: The sheet of communes below their target (with why) and of those never visited by choice (target 0).
LEFT_OUT_SHEET = "Communes peu ou pas visitées"
#: Widest a column gets, in characters (longer text wraps).
MAX_COLUMN_WIDTH = 60


def add_sheet(book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A sheet with a bold, frozen header row, formula-safe cells and readable column widths."""
    sheet = book.create_sheet(title)
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for k, column in enumerate(sheet.iter_cols(), start=1):
        longest = max((max(map(len, str(c.value or "").split("\n"))) for c in column), default=8)
        sheet.column_dimensions[get_column_letter(k)].width = min(MAX_COLUMN_WIDTH, longest + 2)
        for cell in column[1:]:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _frame_sheet(book: Workbook, title: str, frame: pd.DataFrame) -> None:
    add_sheet(book, title, list(frame.columns), frame.itertuples(index=False, name=None))


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
            rows.append([unit_name, grid.week + 1, day.isoformat(), label, *sessions])
    return rows


def workbook_bytes(instance: Instance, plan: Plan) -> bytes:
    """The .xlsx file of ``plan`` as bytes (for the app's download button and `write_workbook`)."""
    book = Workbook()
    default = book.active
    assert default is not None  # a new workbook has one sheet
    book.remove(default)
    _frame_sheet(book, "Séances", in_french(sessions_table(instance, plan)))
    _frame_sheet(book, "Gardes", in_french(shifts_table(instance, plan)))
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
