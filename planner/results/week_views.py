"""A week of a plan as a grid, the way a coordinator briefs the crews on Monday morning.

Two views, both from the dated tours and shifts: the rota (one row per person, one column per day,
with unit, communes and hours in each cell) and a unit's week (one row per day, one column per
session, with commune, hours and crew). The app shows them, `planner.publish.posters` prints them
(A4 landscape) and `planner.publish.spreadsheet` writes them into the workbook.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

from planner.domain.calendar import closed_dates, public_holidays
from planner.domain.french import WEEKDAYS_FR, hhmm
from planner.domain.instance import Instance, Role
from planner.domain.plan import Plan, Shift


@dataclass(frozen=True)
class WeekGrid:
    """One week as a table: a label per row and per column, and the lines of text of each cell."""

    title: str
    week: int  # 0-based week of the horizon
    first_day: date
    corner: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]
    days: tuple[date, ...] = ()  # the date of each column (rota) or of each row (unit week)

    def frame(self) -> pd.DataFrame:
        """The grid as a table of text (lines of a cell joined by a line break), for screens and sheets."""
        data = [[label, *("\n".join(cell) for cell in cells)] for label, cells in self.rows]
        import pandas as pd  # for the app's tables only: publishing and `planner history` stay quick

        return pd.DataFrame(data, columns=[self.corner, *self.columns])


def week_dates(plan: Plan, week: int) -> list[date]:
    """The seven dates of week ``week`` (0-based) of the plan's horizon."""
    first = plan.start + timedelta(days=7 * week)
    return [first + timedelta(days=i) for i in range(7)]


def day_label(day: date) -> str:
    """``"lun. 30/11"``: a column or row label."""
    return f"{WEEKDAYS_FR[day.weekday()][:3]}. {day:%d/%m}"


def _working_days(instance: Instance, plan: Plan, week: int, unit_ids: set[str] | None = None) -> list[date]:
    """The dates of the week on which one of the units works (or a tour exists)."""
    units = [u for u in instance.units if unit_ids is None or u.id in unit_ids]
    weekdays = {d for u in units for d in u.days}
    dates = week_dates(plan, week)
    touring = {t.date for t in plan.tours if t.date in dates and (unit_ids is None or t.unit_id in unit_ids)}
    return [d for d in dates if d.weekday() in weekdays or d in touring]


def _commune_names(instance: Instance, sessions) -> str:
    names = [instance.commune(s.insee).name if instance.has_commune(s.insee) else s.insee for s in sessions]
    return ", ".join(dict.fromkeys(names))


def _person_name(instance: Instance, staff_id: str) -> str:
    try:
        return instance.person(staff_id).name
    except KeyError:
        return staff_id


def _closed_reason(instance: Instance, day: date) -> str | None:
    """Why nothing runs on ``day`` (a public holiday or a closure of the scenario), if so."""
    holidays = public_holidays(instance.rules)
    if day in holidays:
        return f"férié ({holidays[day]})"
    if day in closed_dates(instance.rules):
        return "fermeture"
    return None


def _shift_cells(instance: Instance, plan: Plan, days: list[date]) -> dict[tuple[str, date], list[str]]:
    """The lines of each (person, day) cell: unit and role, communes, hours of each shift that day."""
    tours = {t.key: t for t in plan.tours}
    units = {u.id for u in instance.units}
    cells: dict[tuple[str, date], list[str]] = defaultdict(list)
    for shift in sorted(plan.shifts, key=lambda s: (s.date, s.start, s.unit_id)):
        if shift.date not in days:
            continue
        tour = tours.get(shift.tour_key)
        unit = instance.unit(shift.unit_id).name if shift.unit_id in units else shift.unit_id
        role = shift.role.label_fr + (", à distance" if shift.remote else "")
        cells[(shift.staff_id, shift.date)] += [
            f"{unit} ({role})",
            _commune_names(instance, shift.sessions_of(tour)),
            f"{hhmm(shift.start)}–{hhmm(shift.end)}",
        ]
    return cells


def rota_grid(instance: Instance, plan: Plan, week: int) -> WeekGrid:
    """People × days of week ``week``: who goes where, when (every person of the roster has a row)."""
    days = _working_days(instance, plan, week)
    cells = _shift_cells(instance, plan, days)
    people = sorted(instance.staff, key=lambda p: (p.name, p.id))
    known = {p.id for p in people}
    extra = sorted({s.staff_id for s in plan.shifts if s.staff_id not in known})
    rows = []
    for staff_id, name in [(p.id, p.name) for p in people] + [(sid, sid) for sid in extra]:
        rows.append((name, tuple(tuple(line for line in cells.get((staff_id, d), []) if line) for d in days)))
    return WeekGrid(
        title=f"Équipes — semaine {week + 1} (du {days[0]:%d/%m/%Y})" if days else f"Équipes — semaine {week + 1}",
        week=week,
        first_day=week_dates(plan, week)[0],
        corner="personne",
        columns=tuple(day_label(d) for d in days),
        rows=tuple(rows),
        days=tuple(days),
    )


def person_week(instance: Instance, plan: Plan, staff_id: str, week: int) -> WeekGrid:
    """Days × one column of week ``week`` for one person: where and when they go each day, or that
    they are free (a narrow grid, readable on a phone)."""
    days = _working_days(instance, plan, week)
    cells = _shift_cells(instance, plan, days)
    rows = tuple(
        (day_label(day), (tuple(line for line in cells.get((staff_id, day), []) if line) or ("—",),)) for day in days
    )
    return WeekGrid(
        title=f"{_person_name(instance, staff_id)} — semaine {week + 1}",
        week=week,
        first_day=week_dates(plan, week)[0],
        corner="jour",
        columns=("garde",),
        rows=rows,
        days=tuple(days),
    )


def week_of(plan: Plan, day: date) -> int:
    """The 0-based week of the horizon that holds ``day`` (clamped to the horizon's first and last week)."""
    return min(max((day - plan.start).days // 7, 0), max(plan.weeks - 1, 0))


def _crew_line(instance: Instance, shifts: list[Shift]) -> str:
    order = list(Role)
    parts = [
        f"{s.role.label_fr} : {_person_name(instance, s.staff_id)}" + (" (à distance)" if s.remote else "")
        for s in sorted(shifts, key=lambda s: (order.index(s.role), s.staff_id))
    ]
    return " ; ".join(parts)


def unit_week(instance: Instance, plan: Plan, unit_id: str, week: int) -> WeekGrid:
    """Days × sessions of one unit in week ``week``: commune, hours and crew of every session."""
    unit = instance.unit(unit_id)
    days = _working_days(instance, plan, week, {unit_id})
    tours = {t.date: t for t in plan.tours if t.unit_id == unit_id}
    shifts: dict[str, list[Shift]] = defaultdict(list)
    for s in plan.shifts:
        shifts[s.tour_key].append(s)
    width = max([unit.sessions_per_day, *(len(tours[d].sessions) for d in days if d in tours)])
    rows = []
    for day in days:
        tour = tours.get(day)
        cells: list[tuple[str, ...]] = [() for _ in range(width)]
        if tour is None:
            cells[0] = (_closed_reason(instance, day) or "pas de tournée",)
        else:
            for k, session in enumerate(tour.sessions):
                name = instance.commune(session.insee).name if instance.has_commune(session.insee) else session.insee
                crew = [s for s in shifts[tour.key] if session in s.sessions_of(tour)]
                cells[k] = tuple(
                    x for x in (name, f"{hhmm(session.start)}–{hhmm(session.end)}", _crew_line(instance, crew)) if x
                )
        rows.append((day_label(day), tuple(cells)))
    return WeekGrid(
        title=f"{unit.name} — semaine {week + 1}",
        week=week,
        first_day=week_dates(plan, week)[0],
        corner="jour",
        columns=tuple(f"séance {k + 1}" for k in range(width)),
        rows=tuple(rows),
        days=tuple(days),
    )
