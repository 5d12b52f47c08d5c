"""`plan(instance, options) -> Plan`: the orchestration of the planning steps.

1. travel times over the depots and sites (estimate or road network);
2. the weekly pattern (CP-SAT, hinted by the greedy pattern) over the weekdays that can be staffed;
3. the roll-out over the real dates, skipping holidays and closures, each day timed by OR-Tools routing;
4. the crews (CP-SAT rota); a tour that cannot be crewed moves to a free day of its week when one
   fits, or is dropped and explained;
5. KPIs, what was left out and why, and the independent validator: no plan leaves here unchecked.
"""

from __future__ import annotations

import time as clock
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from planner.calendar_days import closed_dates, public_holidays
from planner.coverage import staffable_weekdays
from planner.errors import PlanningError, TourneeError
from planner.kpis import compute_kpis, unserved_communes
from planner.model import WEEKDAYS_FR, HalfDay, Instance, Plan, Point, Tour, Unit
from planner.pattern import (
    Pattern,
    PatternProblem,
    build_problem,
    greedy_pattern,
    site_point,
    solve_pattern,
    visits_per_period,
)
from planner.reschedule import propose_moves
from planner.roster import assign_crews
from planner.routing import DayResult, route_day
from planner.travel import EstimateSource, TravelMatrix
from planner.validate import validate

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class PlanOptions:
    """Solver settings.

    time_limit: budget of the weekly-pattern search (CP-SAT deterministic time, about seconds).
    rota_time_limit: budget of the rota search (CP-SAT deterministic time).
    seed: random seed of the solvers; with the same seed and inputs, the same plan.
    roads: ``"estimate"`` (great-circle, offline), ``"road"`` (OpenStreetMap, cached), ``"auto"``,
        or a path to a GraphML / OSM XML file.
    method: ``"cp-sat"`` (default) or ``"greedy"`` (the nearest-highest-need baseline).
    """

    time_limit: float = 5.0
    rota_time_limit: float = 1.0
    seed: int = 0
    roads: str = "estimate"
    method: str = "cp-sat"

    def __post_init__(self) -> None:
        for name in ("time_limit", "rota_time_limit"):
            if getattr(self, name) <= 0:
                msg = f"{name} is {getattr(self, name)}: give a positive number of seconds"
                raise ValueError(msg)
        if self.method not in ("cp-sat", "greedy"):
            msg = f"method {self.method!r} is unknown: use 'cp-sat' or 'greedy'"
            raise ValueError(msg)

    @classmethod
    def from_file(cls, path: str | Path) -> PlanOptions:
        """Options from the ``[solver]`` table of a TOML file (unknown keys are refused)."""
        with open(path, "rb") as fh:
            table = tomllib.load(fh).get("solver", {})
        known = {f.name for f in fields(cls)}
        unknown = set(table) - known
        if unknown:
            msg = f"{path}: options inconnues {sorted(unknown)} ; attendues : {sorted(known)}"
            raise TourneeError(msg)
        return cls(**table)


def places_of(instance: Instance) -> list[Point]:
    """Every place the planner drives between: unit depots, then commune sites (no duplicates)."""
    seen: dict[Point, None] = {}
    for u in instance.units:
        seen.setdefault(u.depot)
    for c in instance.communes:
        seen.setdefault(site_point(c))
    return list(seen)


def travel_for(instance: Instance, options: PlanOptions | None = None, *, progress: Progress | None = None) -> TravelMatrix:
    """The travel matrix the planner uses for ``instance`` with these options."""
    options = options or PlanOptions()
    if options.roads == "estimate":
        source = EstimateSource()
    else:
        from planner.roads import travel_source

        source = travel_source(options.roads, instance, progress=progress)
    return source.matrix(places_of(instance))


def plan(
    instance: Instance,
    options: PlanOptions | None = None,
    *,
    travel: TravelMatrix | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Plan the tours (and crews) of every unit over the horizon; the result has passed the validator."""
    options = options or PlanOptions()
    report = progress or (lambda fraction, message: None)
    began = clock.perf_counter()
    report(0.0, "Calcul des temps de trajet…")
    travel = travel or travel_for(instance, options, progress=progress)

    report(0.1, "Choix des communes et des jours (motif hebdomadaire)…")
    staffable = _staffable(instance) if instance.staff else (lambda u, d, s: True)
    problem = build_problem(instance, travel, staffable=staffable)
    pattern = greedy_pattern(problem)
    if options.method == "cp-sat" and problem.candidates:
        pattern = solve_pattern(problem, time_limit=options.time_limit, seed=options.seed, hint=pattern)

    report(0.6, "Horaires de chaque journée (tournées)…")
    tours, warnings = roll_out(instance, pattern, travel)
    dropped: set[str] = set()

    shifts: tuple = ()
    if instance.staff and any(u.crew for u in instance.units):
        report(0.75, "Affectation des équipes…")
        rota = assign_crews(instance, tours, time_limit=options.rota_time_limit, seed=options.seed)
        moves = propose_moves(instance, tours, rota.uncrewed, travel) if rota.uncrewed else []
        if moves:
            report(0.8, "Déplacement des tournées sans équipe vers un jour libre…")
            moved = {m.old.key: m.new for m in moves}
            tours = [moved.get(t.key, t) for t in tours]
            rota = assign_crews(instance, tours, time_limit=options.rota_time_limit, seed=options.seed, keep=rota.shifts)
            warnings += [
                f"{instance.unit(m.old.unit_id).name} : tournée du {_weekday_fr(m.old.date)} déplacée au "
                f"{_weekday_fr(m.new.date)}, faute d'équipe le jour prévu."
                for m in moves
                if m.new.key not in rota.uncrewed
            ]
        dropped = set(rota.uncrewed)
        tours = [t for t in tours if t.key not in dropped]
        shifts = tuple(rota.shifts)
        warnings += list(rota.explanations)

    report(0.9, "Vérification indépendante du plan…")
    reasons = left_out_reasons(problem, pattern, tours, dropped)
    result = assemble(instance, tours, shifts, travel, warnings, clock.perf_counter() - began, reasons)
    violations = validate(instance, result, travel=travel)
    if violations:
        lines = "\n".join(f"- {v.message}" for v in violations[:20])
        msg = f"le plan calculé enfreint {len(violations)} règle(s) ; merci de signaler ce défaut :\n{lines}"
        raise PlanningError(msg)
    report(1.0, "Plan prêt.")
    return result


def assemble(
    instance: Instance,
    tours: list[Tour],
    shifts: tuple,
    travel: TravelMatrix,
    warnings: list[str],
    seconds: float,
    reasons: dict[str, str] | None = None,
) -> Plan:
    """A `Plan` with its KPIs and what was left out, from its tours and shifts."""
    tours = sorted(tours, key=lambda t: (t.date, t.unit_id))
    unserved = unserved_communes(instance, tours, reasons)
    kpis = compute_kpis(instance, tours, shifts, travel)
    return Plan(
        instance_name=instance.name,
        start=instance.rules.start,
        weeks=instance.rules.weeks,
        tours=tuple(tours),
        shifts=tuple(sorted(shifts, key=lambda s: (s.date, s.unit_id, s.role.value, s.staff_id))),
        unserved=tuple(unserved),
        kpis=kpis,
        warnings=tuple(dict.fromkeys(warnings)),
        travel_label=travel.label,
        solver_seconds=round(seconds, 3),
    )


def left_out_reasons(
    problem: PatternProblem, pattern: Pattern, tours: list[Tour], uncrewed: set[str]
) -> dict[str, str]:
    """Why each candidate commune got fewer visits than its target, in French, date by date."""
    instance = problem.instance
    in_pattern = Counter(v.insee for v in pattern.visits)
    threshold = min((instance.commune(i).need for i in in_pattern if not instance.commune(i).priority), default=0)
    allowed = problem.allowed
    reasons = {}
    for c in instance.communes:
        if c.visits_per_week <= 0:
            continue
        if c.insee in allowed and not allowed[c.insee]:
            reasons[c.insee] = (
                "aucun créneau possible : site fermé les jours de passage, trop loin du dépôt pour tenir "
                "dans la journée, ou commune hors des lieux de l'unité"
            )
        elif in_pattern[c.insee] < visits_per_period(c.visits_per_week):
            reasons[c.insee] = (
                f"capacité insuffisante : {len(problem.slots)} créneaux par semaine, attribués d'abord aux zones "
                f"prioritaires puis aux besoins les plus élevés (besoin {c.need:.0f}"
                f"{' estimé' if c.need_is_proxy else ''}, seuil retenu {threshold:.0f})"
            )
    reasons.update(_missed_dates(instance, pattern, tours, uncrewed))
    return reasons


def _missed_dates(instance: Instance, pattern: Pattern, tours: list[Tour], uncrewed: set[str]) -> dict[str, str]:
    """For communes whose weekly slot was in the pattern: which dates were lost, and to what."""
    rules = instance.rules
    holidays = public_holidays(rules)
    visited = {(t.date, s.insee) for t in tours for s in t.sessions}
    lost: dict[str, list[str]] = {}
    for day in rules.dates():
        week = rules.week_index(day) % pattern.cycle_weeks
        for unit in instance.units:
            if day.weekday() not in unit.days:
                continue
            for v in pattern.communes_on(unit.id, day.weekday(), week):
                if (day, v.insee) in visited:
                    continue
                if day in holidays:
                    why = f"{holidays[day]}, jour férié"
                elif day in rules.closures:
                    why = "fermeture prévue au scénario"
                elif rules.commune_closed(v.insee, day):
                    why = "commune fermée ce jour-là"
                elif f"{unit.id}/{day.isoformat()}" in uncrewed:
                    why = "aucune équipe complète disponible"
                else:
                    why = "ne tient pas dans la journée (horaires ou trajets)"
                lost.setdefault(v.insee, []).append(f"{day.strftime('%d/%m')} ({why})")
    return {insee: "visites manquées : " + ", ".join(days) for insee, days in lost.items()}


def roll_out(instance: Instance, pattern: Pattern, travel: TravelMatrix) -> tuple[list[Tour], list[str]]:
    """Lay the weekly pattern over the real dates of the horizon and time every day's tour.

    Each distinct day (unit, weekday, communes) is routed once. A commune whose partner of the day
    changes from week to week (fortnightly, monthly) could start at slightly different times; a second
    pass asks each such day to start the commune at its latest start of the first pass, so residents
    see one time for their commune.
    """
    rules = instance.rules
    closed = closed_dates(rules)
    days: list[tuple[date, Unit, tuple]] = []
    for day in rules.dates():
        if day in closed:
            continue
        week = rules.week_index(day) % pattern.cycle_weeks
        for unit in instance.units:
            if day.weekday() not in unit.days:
                continue
            visits = pattern.communes_on(unit.id, day.weekday(), week)
            communes = tuple(instance.commune(v.insee) for v in visits if not rules.commune_closed(v.insee, day))
            if communes:
                days.append((day, unit, communes))

    def route_all(usual: dict[tuple, int]) -> dict[tuple, DayResult]:
        timed: dict[tuple, DayResult] = {}
        for day, unit, communes in days:
            key = (unit.id, day.weekday(), tuple(c.insee for c in communes))
            if key not in timed:
                usual_start = {c.insee: usual.get((unit.id, day.weekday(), c.insee), 0) for c in communes}
                timed[key] = route_day(
                    unit, day, list(communes), session_minutes=rules.session_length(unit), travel=travel,
                    usual_start=usual_start,
                )
        return timed

    timed = route_all({})
    latest: dict[tuple, set[int]] = {}
    for (unit_id, weekday, _), result in timed.items():
        for s in result.tour.sessions if result.tour else ():
            latest.setdefault((unit_id, weekday, s.insee), set()).add(s.start)
    if any(len(starts) > 1 for starts in latest.values()):
        timed = route_all({key: max(starts) for key, starts in latest.items()})

    tours: list[Tour] = []
    warnings: list[str] = []
    for day, unit, communes in days:
        result = timed[(unit.id, day.weekday(), tuple(c.insee for c in communes))]
        if result.dropped:
            names = ", ".join(instance.commune(i).name for i in result.dropped)
            warnings.append(f"{unit.name}, {_weekday_fr(day)} : {names} ne tient pas dans la journée (horaires ou trajets).")
        if result.tour is not None:
            tours.append(_on_date(result.tour, day))
    return tours, warnings


def _on_date(tour: Tour, day: date) -> Tour:
    return Tour(tour.unit_id, day, tour.leave_depot, tour.back_at_depot, tour.sessions, tour.drive_minutes, tour.drive_km)


def _weekday_fr(day: date) -> str:
    return f"{WEEKDAYS_FR[day.weekday()]} {day.isoformat()}"


def _staffable(instance: Instance) -> Callable[[Unit, int, int], bool]:
    """A session slot whose half-day the roster cannot crew is not planned.

    With several sessions a day, the first half of them are mornings and the rest afternoons; a
    single session spans the whole day and needs both half-days.
    """
    crewable = staffable_weekdays(instance)

    def ok(unit: Unit, weekday: int, session: int) -> bool:
        n = unit.sessions_per_day
        halves = list(HalfDay) if n == 1 else [HalfDay.MORNING if session < n / 2 else HalfDay.AFTERNOON]
        return all(crewable.get((unit.id, weekday, h), True) for h in halves)

    return ok
