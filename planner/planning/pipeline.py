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
from collections.abc import Callable

from planner.check.validate import validate
from planner.crews.reschedule import propose_moves
from planner.crews.rota_search import assign_crews
from planner.crews.staffing import staffable_slots
from planner.domain.errors import PlanningError
from planner.domain.french import weekday_date_fr
from planner.domain.instance import Instance
from planner.domain.plan import Plan, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.planning.left_out import left_out_reasons
from planner.planning.options import PlanOptions
from planner.results.kpis import compute_kpis, unserved_communes
from planner.tours.greedy_pattern import greedy_pattern
from planner.tours.pattern_problem import (
    build_problem,
)
from planner.tours.pattern_search import solve_pattern
from planner.tours.rollout import roll_out
from planner.travel import travel_for

Progress = Callable[[float, str], None]


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
    travel = travel or travel_for(instance, options.roads, progress=progress)

    report(0.1, "Choix des communes et des jours (motif hebdomadaire)…")
    staffable = staffable_slots(instance) if instance.staff else (lambda u, d, s: True)
    problem = build_problem(instance, travel, staffable=staffable)
    pattern = greedy_pattern(problem)
    if options.method == "cp-sat" and problem.candidates:
        pattern = solve_pattern(
            problem, time_limit=options.time_limit, seed=options.seed, workers=options.threads, hint=pattern
        )

    report(0.6, "Horaires de chaque journée (tournées)…")
    tours, warnings = roll_out(instance, pattern, travel)
    dropped: set[str] = set()

    shifts: tuple = ()
    if instance.staff and any(u.crew for u in instance.units):
        report(0.75, "Affectation des équipes…")
        crew_options = {"time_limit": options.rota_time_limit, "seed": options.seed, "workers": options.threads}
        rota = assign_crews(instance, tours, **crew_options)
        moves = propose_moves(instance, tours, rota.uncrewed, travel) if rota.uncrewed else []
        if moves:
            report(0.8, "Déplacement des tournées sans équipe vers un jour libre…")
            moved = {m.old.key: m.new for m in moves}
            tours = [moved.get(t.key, t) for t in tours]
            rota = assign_crews(instance, tours, keep=rota.shifts, **crew_options)
            warnings += [
                f"{instance.unit(m.old.unit_id).name} : tournée du {weekday_date_fr(m.old.date)} déplacée au "
                f"{weekday_date_fr(m.new.date)}, faute d'équipe le jour prévu."
                for m in moves
                if m.new.key not in rota.uncrewed
            ]
        dropped = set(rota.uncrewed)
        tours = [t for t in tours if t.key not in dropped]
        shifts = tuple(rota.shifts)
        warnings += list(rota.explanations)

    report(0.9, "Vérification indépendante du plan…")
    reasons = left_out_reasons(problem, pattern, tours, dropped)
    result = assemble(
        instance, tours, shifts, travel, warnings, clock.perf_counter() - began, reasons, uncrewed=len(dropped)
    )
    # Only a road matrix is checked against; an estimate, the validator recomputes from the coordinates.
    violations = validate(instance, result, travel=travel if travel.source == "road" else None)
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
    *,
    uncrewed: int = 0,
) -> Plan:
    """A `Plan` with its KPIs and what was left out, from its tours and shifts (``uncrewed``: tours
    dropped for want of a crew)."""
    tours = sorted(tours, key=lambda t: (t.date, t.unit_id))
    unserved = unserved_communes(instance, tours, reasons)
    kpis = compute_kpis(instance, tours, shifts, travel, uncrewed=uncrewed)
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
