"""A candidate plan beside the current one, before the coordinator accepts it: the key figures with
their differences, and each week's sessions marked added, removed or moved (from `plan_diff`).

The app shows both (the KPI strip with deltas, a week grid with changed sessions highlighted); the
figures are those of `Plan.kpis`, labelled and formatted as everywhere else (`planner.results.summary`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from planner.domain.french import number_fr, time_fr
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.results.plan_diff import PlanDiff, SessionRef
from planner.results.summary import BELOW_TARGET, KPI_LABELS, SHARE_KPIS, KpiLine, format_kpi, kpi_explanations
from planner.results.week_views import day_label, week_dates

#: The key figures, in this order, with the short label of the app's one-row strip (the full label
#: and the explanation are in the details); ``communes_below_target`` counts `Plan.unserved`.
KEY_FIGURES = {
    "need_served_share": "Besoin couvert",
    "priority_need_served_share": "Besoin prioritaire",
    "sessions_per_week": "Séances / semaine",
    "communes_served": "Communes desservies",
    "drive_km_per_week": "km / semaine",
    "communes_below_target": "Sous l'objectif",
}
BELOW_TARGET_KEY = "communes_below_target"
#: Figures for which less is better (their decrease is shown as an improvement).
LOWER_IS_BETTER = frozenset(
    {
        BELOW_TARGET_KEY,
        "communes_left_out",
        "drive_minutes_per_week",
        "drive_km_per_week",
        "co2_kg_per_week",
        "home_km_median",
        "home_km_max",
        "far_shifts",
        "inversions",
        "uncrewed_tours",
        "idle_sessions",
    }
)

#: How a session of the compared week changed (`ChangedSession.status`).
SAME, ADDED, REMOVED, MOVED_IN, MOVED_OUT = "same", "added", "removed", "moved_in", "moved_out"


@dataclass(frozen=True)
class KpiDelta:
    """One figure before and after (French), and the difference (``+1,5 pt``, ``-3``; "" when equal)."""

    key: str
    label: str
    before: str
    after: str
    delta: str
    lower_is_better: bool

    @property
    def is_key(self) -> bool:
        """One of the key figures (the one-row strip), not a detail."""
        return self.key in KEY_FIGURES


def figures(plan: Plan) -> dict[str, float]:
    """The plan's KPIs and the number of communes below their target, the key figures first."""
    every = {**plan.kpis, BELOW_TARGET_KEY: float(len(plan.unserved))}
    return {k: every[k] for k in KEY_FIGURES if k in every} | every


def key_figures(plan: Plan) -> list[KpiLine]:
    """The plan's key figures (at most six, for one row), short label first, then the full one and
    its explanation for the details."""
    values = figures(plan)
    return [
        KpiLine(k, short, format_kpi(k, values[k]), f"{_label(k)} : {_explanation(k)}")
        for k, short in KEY_FIGURES.items()
        if k in values
    ]


def _label(key: str) -> str:
    """The full French label of a figure of `figures`."""
    return BELOW_TARGET if key == BELOW_TARGET_KEY else KPI_LABELS.get(key, key)


def _explanation(key: str) -> str:
    """The French explanation of a figure of `figures`."""
    if key == BELOW_TARGET_KEY:
        return "Communes qui reçoivent moins de visites que visé (liste et raisons dans le détail)."
    return kpi_explanations().get(key, "")


def kpi_deltas(current: Plan, candidate: Plan) -> list[KpiDelta]:
    """The figures both plans have, the key ones first, each with its difference."""
    before, after = figures(current), figures(candidate)
    return [_delta(k, before[k], after[k]) for k in after if k in before]


def _delta(key: str, before: float, after: float) -> KpiDelta:
    if key in SHARE_KPIS:
        points = round((after - before) * 100, 1)
        delta = "" if points == 0 else f"{'+' if points > 0 else '-'}{number_fr(abs(points))} pt"
    else:
        change = round(after - before, 1)
        digits = 0 if float(change).is_integer() else 1
        delta = "" if change == 0 else f"{'+' if change > 0 else '-'}{number_fr(abs(change), digits)}"
    short = KEY_FIGURES.get(key, _label(key))
    return KpiDelta(key, short, format_kpi(key, before), format_kpi(key, after), delta, key in LOWER_IS_BETTER)


@dataclass(frozen=True)
class ChangedSession:
    """A session of the compared week as a line of text, and how it changed (`SAME`, `ADDED`…)."""

    text: str
    status: str


@dataclass(frozen=True)
class ChangeGrid:
    """One week of both plans: a row per unit, a column per day, each cell its sessions in order."""

    title: str
    days: tuple[date, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[tuple[ChangedSession, ...], ...]], ...]


def changed_weeks(plan: Plan, diff: PlanDiff) -> list[int]:
    """The weeks (0-based, of ``plan``'s horizon) where a session was added, removed or moved."""
    days = [s.date for s in (*diff.added, *diff.removed)] + [d for a, b in diff.moved for d in (a.date, b.date)]
    return sorted({(d - plan.start).days // 7 for d in days if 0 <= (d - plan.start).days < 7 * plan.weeks})


def change_grid(instance: Instance, current: Plan, candidate: Plan, diff: PlanDiff, week: int) -> ChangeGrid:
    """Week ``week`` of ``candidate`` with its changes from ``current`` marked: the sessions it keeps,
    adds and moves in, and those of ``current`` it removes or moves away (in their old place). The
    weekend's days appear only when a session is there."""
    days = tuple(week_dates(candidate, week))
    moved_in = {b: a for a, b in diff.moved}
    moved_out = {a: b for a, b in diff.moved}
    added, removed = set(diff.added), set(diff.removed)
    cells: dict[tuple[str, date], list[tuple[int, ChangedSession]]] = defaultdict(list)

    def name(insee: str) -> str:
        return instance.commune(insee).name if instance.has_commune(insee) else insee

    def line(s: SessionRef, suffix: str = "") -> str:
        return f"{name(s.insee)} {time_fr(s.start)}–{time_fr(s.end)}{suffix}"

    for tour, s in candidate.sessions():
        if tour.date not in days:
            continue
        ref = SessionRef(tour.unit_id, tour.date, s.insee, s.site_id, s.start, s.end)
        if ref in moved_in:
            old = moved_in[ref]
            item = ChangedSession(line(ref, f" (avant : {day_label(old.date)}, {time_fr(old.start)})"), MOVED_IN)
        else:
            item = ChangedSession(line(ref), ADDED if ref in added else SAME)
        cells[(tour.unit_id, tour.date)].append((s.start, item))
    for ref in [*removed, *moved_out]:
        if ref.date in days:
            item = (
                ChangedSession(line(ref, " (supprimée)"), REMOVED)
                if ref in removed
                else ChangedSession(line(ref, f" (déplacée au {day_label(moved_out[ref].date)})"), MOVED_OUT)
            )
            cells[(ref.unit_id, ref.date)].append((ref.start, item))
    names = {u.id: u.name for u in instance.units}
    used = {unit_id for unit_id, _ in cells}
    units = [u for u in names if u in used] + sorted(used - set(names))  # a unit the files no longer have: its id

    def in_order(unit_id: str, day: date) -> tuple[ChangedSession, ...]:
        return tuple(item for _, item in sorted(cells.get((unit_id, day), []), key=lambda p: p[0]))

    rows = tuple((names.get(u, u), tuple(in_order(u, d) for d in days)) for u in units)
    shown = [i for i, d in enumerate(days) if d.weekday() < 5 or any(cells.get((u, d)) for u in units)]
    rows = tuple((label, tuple(cells_[i] for i in shown)) for label, cells_ in rows)  # no empty weekend
    title = f"Semaine {week + 1} : séances ajoutées, supprimées et déplacées"
    return ChangeGrid(title, tuple(days[i] for i in shown), tuple(day_label(days[i]) for i in shown), rows)
