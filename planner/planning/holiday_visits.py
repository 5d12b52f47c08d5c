"""Visits a public holiday (or a closure of the scenario) takes from the weekly pattern, offered
another day at planning time, as a re-plan offers a lost day's visits.

A weekly pattern lays a commune on a weekday; when that date is a holiday the roll-out has no tour
(`planner.tours.rollout.dated_visits`), so the visit is lost unless the dated search or the free-days
pass already gave the commune another visit that week. Each visit still missing is moved to the
nearest day that keeps the rules, up to `MOVE_WINDOW_DAYS` before or after, its own unit first
(`planner.planning.lost_visits.place_lost`: the quick checks of a manual move, the day routing), then
crewed with the plan's shifts kept and checked by the validator; a move that finds no crew or that
the validator refuses is tried on its next day. Each one is said in the plan's warnings, in French:
« Jour férié (Noël) — Envermeu : séance du vendredi 25 déc. 2026 déplacée au jeudi 24 déc. 2026
(Médicobus) », or why it could not move.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from planner.check.validate import validate_as_made
from planner.crews.posts import without_posts
from planner.crews.rota_search import assign_crews
from planner.domain.calendar import public_holidays
from planner.domain.french import date_fr
from planner.domain.instance import Instance, UnitKind
from planner.domain.plan import Plan, Shift, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.planning.lost_visits import MOVE_WINDOW_DAYS, LostSession, SessionMoved, place_lost
from planner.planning.options import PlanOptions
from planner.planning.replan_text import commune_name
from planner.tours.pattern_problem import Pattern

#: How many times the moves are crewed and checked again after one found no crew or was refused by
#: the validator, before the visits still unplaced are left out (and said).
HOLIDAY_ATTEMPTS = 3


def holiday_lost(instance: Instance, pattern: Pattern, tours: Sequence[Tour]) -> list[LostSession]:
    """The pattern's bus visits that fall on a holiday or a closure date and that ``tours`` do not
    make up for: a commune with fewer visits in that week than the pattern gives it (holiday
    included) loses that many of its holiday visits, by date."""
    rules = instance.rules
    closed = set(public_holidays(rules)) | set(rules.closures)
    if not closed:
        return []
    expected: Counter[tuple[str, int]] = Counter()
    on_holiday: list[LostSession] = []
    for day in rules.dates():
        week = rules.week_index(day)
        for unit in instance.units:
            if day.weekday() not in unit.days or rules.unit_closed(unit.id, day):
                continue
            for visit in pattern.communes_on(unit.id, day.weekday(), week % pattern.cycle_weeks):
                if rules.commune_closed(visit.insee, day):
                    continue
                expected[(visit.insee, week)] += 1
                if day in closed and unit.kind is not UnitKind.FIXED:
                    start = _usual_start(tours, unit.id, day.weekday(), visit.insee, unit.hours.start)
                    on_holiday.append(LostSession(unit.id, day, visit.insee, start))
    planned = Counter((s.insee, rules.week_index(t.date)) for t in tours for s in t.sessions)
    lost, taken = [], Counter[tuple[str, int]]()
    for item in on_holiday:
        key = (item.insee, rules.week_index(item.day))
        if taken[key] < expected[key] - planned[key]:
            taken[key] += 1
            lost.append(item)
    return lost


def _usual_start(tours: Sequence[Tour], unit_id: str, weekday: int, insee: str, default: int) -> int:
    """When the commune's session starts on that unit and weekday in the other weeks (the earliest)."""
    starts = [
        s.start
        for t in tours
        if t.unit_id == unit_id and t.date.weekday() == weekday
        for s in t.sessions
        if s.insee == insee
    ]
    return min(starts, default=default)


def move_holiday_visits(
    instance: Instance,
    pattern: Pattern,
    tours: list[Tour],
    shifts: tuple[Shift, ...],
    travel: TravelMatrix,
    options: PlanOptions,
) -> tuple[list[Tour], tuple[Shift, ...], list[str]]:
    """``tours`` and ``shifts`` with the visits lost to a holiday (`holiday_lost`) moved to the nearest
    day that keeps the rules (crewed, the plan's shifts kept, the validator passed), and one French
    line per lost visit saying where it went or that no day fits. Nothing lost: all unchanged."""
    from planner.planning.pipeline import assemble

    lost = holiday_lost(instance, pattern, tours)
    if not lost:
        return tours, shifts, []
    staffed = bool(shifts) or (bool(instance.staff) and any(u.crew for u in instance.units))
    start = instance.rules.start
    refused: set[tuple[str, date, str]] = set()
    for _attempt in range(HOLIDAY_ATTEMPTS):
        placed, moved = place_lost(instance, _as_plan(instance, tours), tours, lost, start, travel, refused)
        if not moved:
            break
        new_shifts = shifts
        if staffed:
            rota = assign_crews(
                instance, placed, time_limit=options.rota_time_limit, seed=options.seed, keep=shifts,
                workers=options.threads,
            )  # fmt: skip
            if rota.uncrewed:  # no crew for a day a visit went to: try the next day
                refused |= _to_refuse(moved, {key.partition("#")[0] for key in rota.uncrewed})
                continue
            new_shifts = tuple(without_posts(instance, placed, rota.shifts, ())[1])
        plan = assemble(instance, placed, new_shifts, travel, [], 0.0)
        broken = {v.tour_key for v in validate_as_made(instance, plan, travel) if v.tour_key}
        if broken:  # the validator refuses: drop the moves it names (all, if it names none)
            refused |= _to_refuse(moved, broken)
            continue
        return placed, new_shifts, _lines(instance, lost, moved)
    return tours, shifts, _lines(instance, lost, [])


def _as_plan(instance: Instance, tours: Sequence[Tour]) -> Plan:
    """A bare plan of ``tours``, for the quick checks of a move (which read only its tours)."""
    return Plan(instance.name, instance.rules.start, instance.rules.weeks, tuple(tours))


def _to_refuse(moved: Sequence[SessionMoved], keys: set[str]) -> set[tuple[str, date, str]]:
    """The (commune, day, unit) of the moves whose day ``keys`` names; of every move when it names
    none of them (a crew or a rule shared between days)."""
    named = [m for m in moved if m.tour_key in keys]
    return {(m.lost.insee, m.day, m.unit_id) for m in named or moved}


def _lines(instance: Instance, lost: Sequence[LostSession], moved: Sequence[SessionMoved]) -> list[str]:
    """One line per lost visit: where it went, or that no day within the window keeps the rules."""
    holidays = public_holidays(instance.rules)
    went = {m.lost: m for m in moved}
    lines = []
    for item in lost:
        why = f"Jour férié ({holidays[item.day]})" if item.day in holidays else "Jour de fermeture"
        if item in went:
            lines.append(f"{why} — {went[item].text(instance)}")
        else:
            lines.append(
                f"{why} — {commune_name(instance, item.insee)} : séance du {date_fr(item.day)} non déplacée, "
                f"aucun jour à ± {MOVE_WINDOW_DAYS} jours ne respecte les règles"
            )
    return lines
