"""Drawing helpers shared by the pages: the week's timetable, week grids, row problems (the maps are in
app_pages/ui/maps.py).

They only read a finished `Plan` and its `Instance` and turn them into altair/pandas objects or HTML
tables; no planning happens here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from planner.domain import Instance, Plan, Problem, Session, Tour, UnitKind, hhmm
from planner.publish import grid_table_html
from planner.results import ChangeGrid, WeekGrid, day_label, week_dates

#: A day to hang times of day on, for time axes.
_AXIS_DAY = datetime(2000, 1, 3)

PROBLEM_COLUMN = "⚠ problème"

#: Style of the week grids on screen: lines of a cell kept apart, wide grids scroll sideways on phones.
_WEEK_GRID_CSS = """
.tournee-week { overflow-x: auto; margin-bottom: 1rem; }
.tournee-week table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
.tournee-week th, .tournee-week td { border: 1px solid rgba(49, 51, 63, 0.2); padding: 0.35rem 0.5rem;
  text-align: left; vertical-align: top; }
.tournee-week thead th { background: rgba(0, 114, 178, 0.08); }
.tournee-week tbody th { font-weight: 600; min-width: 6rem; }
.tournee-week td.cell { min-width: 6.5rem; }
.tournee-week .added { background: rgba(0, 158, 115, 0.18); }
.tournee-week .moved_in { background: rgba(230, 159, 0, 0.22); }
.tournee-week .removed, .tournee-week .moved_out { color: #8a8a8a; text-decoration: line-through; }
.tournee-week td .changed { display: block; padding: 0 0.2rem; border-radius: 0.2rem; }
.tournee-week .legend { font-size: 0.85rem; }
.tournee-week .legend .changed { padding: 0 0.3rem; border-radius: 0.2rem; }
"""

#: What each mark of a compared week means (`show_change_grid`), in the order of its legend.
CHANGE_MARKS = {
    "added": ("+", "ajoutée"),
    "moved_in": ("→", "déplacée ici"),
    "removed": ("✕", "supprimée"),
    "moved_out": ("←", "déplacée ailleurs"),
}


def week_start(plan: Plan, week: int) -> date:
    """First date of week ``week`` (0-based) of the plan's horizon."""
    return week_dates(plan, week)[0]


def tours_of_week(plan: Plan, week: int | None) -> list[Tour]:
    """Tours of week ``week`` of the horizon (0-based), or every tour when ``week`` is None."""
    if week is None:
        return list(plan.tours)
    days = set(week_dates(plan, week))
    return [t for t in plan.tours if t.date in days]


def _at(minutes: int) -> datetime:
    return _AXIS_DAY + timedelta(minutes=minutes)


def timetable_frame(instance: Instance, plan: Plan, week: int | None = 0) -> pd.DataFrame:
    """One row per consultation or drive of the week: unit, day, start, end, what, where."""
    rows: list[dict[str, Any]] = []
    for tour in tours_of_week(plan, week):
        unit = instance.unit(tour.unit_id)
        day = day_label(tour.date)
        previous = tour.leave_depot
        sessions: list[Session] = list(tour.sessions)
        for session in sessions:
            name = instance.commune(session.insee).name
            if unit.kind is UnitKind.BUS and session.arrival > previous:
                rows.append(_row(unit.name, tour.date, day, previous, session.arrival, "trajet", "Trajet"))
            rows.append(_row(unit.name, tour.date, day, session.start, session.end, "consultation", name))
            previous = session.departure
        if unit.kind is UnitKind.BUS and sessions and tour.back_at_depot > previous:
            rows.append(_row(unit.name, tour.date, day, previous, tour.back_at_depot, "trajet", "Retour au dépôt"))
    columns = ["unité", "date", "jour", "début", "fin", "type", "lieu", "horaire", "description"]
    return pd.DataFrame(rows, columns=columns)


def _row(unit: str, day: date, label: str, start: int, end: int, kind: str, place: str) -> dict[str, Any]:
    return {
        "unité": unit, "date": day, "jour": label, "début": _at(start), "fin": _at(end),
        "type": kind, "lieu": place, "horaire": f"{hhmm(start)}–{hhmm(end)}",
        "description": f"{label} : {place.lower() if kind == 'trajet' else place}, {hhmm(start)}–{hhmm(end)}",
    }  # fmt: skip


#: Height of one day's row in the week chart, in pixels (bars are 22 px high).
ROW_STEP = 36


def timetable_chart(frame: pd.DataFrame, unit_name: str) -> alt.LayerChart | alt.FacetChart:
    """A Gantt chart of one unit's week: a row per day, consultations coloured by commune (a layer chart:
    `alt.layer` gives a facet chart only for layers with facet encodings, which these have not)."""
    data = frame[frame["unité"] == unit_name].sort_values("date")
    order = list(dict.fromkeys(data["jour"]))
    base = alt.Chart(data).encode(
        y=alt.Y("jour:N", sort=order, title=None, axis=alt.Axis(description="jours de la semaine")),
        x=alt.X("début:T", axis=alt.Axis(format="%H:%M", title="heure", description="heures de la journée")),
        x2="fin:T",
        tooltip=[alt.Tooltip("jour:N"), alt.Tooltip("lieu:N"), alt.Tooltip("horaire:N")],
        description="description:N",  # what screen readers say of each bar (Vega's own text is English)
    )
    drives = base.transform_filter(alt.datum.type == "trajet").mark_bar(color="#BBBBBB", height=8)
    legend = alt.Legend(orient="bottom", columns=4, description="une couleur par commune")
    visits = (
        base.transform_filter(alt.datum.type == "consultation")
        .mark_bar(height=22)
        .encode(color=alt.Color("lieu:N", title="commune", legend=legend))
    )
    labels = (
        base.transform_filter(alt.datum.type == "consultation")
        .mark_text(align="left", dx=4, color="white", fontSize=11)
        .encode(text="lieu:N")
    )
    # A fixed step per day: the chart grows with its rows (never squashed bars or missing day labels).
    return alt.layer(drives, visits, labels).properties(
        height=alt.Step(ROW_STEP), title=unit_name,
        description=f"Semaine de {unit_name} : une ligne par jour, une barre par séance, les trajets en gris",
    )  # fmt: skip


def with_problems(
    frame: pd.DataFrame, problems: Iterable[Problem], labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """``frame`` with a first column holding the problems of each row (spreadsheet row = index + 2).

    A problem names its column by ``labels`` (the editor's French header) when given. Problems without
    a row are left to the caller to show above the table.
    """
    labels = labels or {}
    notes: dict[int, list[str]] = {}
    for p in problems:
        if p.row is not None and p.row >= 2:
            where = f"« {labels.get(p.column, p.column)} » : " if p.column else ""
            notes.setdefault(p.row - 2, []).append(where + p.message)
    shown = frame.reset_index(drop=True).copy()
    if PROBLEM_COLUMN in shown.columns:
        shown = shown.drop(columns=[PROBLEM_COLUMN])
    shown.insert(0, PROBLEM_COLUMN, ["; ".join(notes.get(i, [])) for i in range(len(shown))])
    return shown


def show_week_grid(grid: WeekGrid) -> None:
    """A week grid on screen as a table whose cells keep their lines (unit, communes, hours…)."""
    st.html(f"<style>{_WEEK_GRID_CSS}</style><div class='tournee-week'>{grid_table_html(grid)}</div>")


def show_change_grid(grid: ChangeGrid) -> None:
    """A compared week on screen: the candidate's sessions, those added or moved in highlighted, those
    removed or moved away struck out in their old place (a sign before each, not colour alone)."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ("unité", *grid.columns))
    rows = []
    for label, cells in grid.rows:
        tds = "".join(
            "<td class='cell'>"
            + "".join(
                f"<span class='changed {item.status}'>{CHANGE_MARKS.get(item.status, ('', ''))[0]} "
                f"{html.escape(item.text)}</span>"
                for item in cell
            )
            + "</td>"
            for cell in cells
        )
        rows.append(f"<tr><th>{html.escape(label)}</th>{tds}</tr>")
    legend = " &nbsp; ".join(
        f"<span class='changed {status}'>{mark} {word}</span>" for status, (mark, word) in CHANGE_MARKS.items()
    )
    st.html(
        f"<style>{_WEEK_GRID_CSS}</style><div class='tournee-week'><p class='legend'>{legend}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
