"""Runs over the whole horizon of a rota: crewing more tours under the hard rules alone
(`crew_more`), and improving a large rota's start as a whole (`improve_whole`).

Apart from `planner.crews.rota_search` because each is a model of its own, built from the rules with
a different objective (stay close to a start), and a small rota's retry shares `crew_more`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from planner.crews import rota_rules
from planner.crews.rota_costs import SCALE
from planner.crews.rota_cpsat import complete_hint, evaluate, hint_shifts, shifts_of_solution
from planner.crews.rota_facts import tour_value
from planner.crews.rota_rules import RotaModel
from planner.crews.rota_soft_rules import soft_continuity
from planner.domain.plan import Shift
from planner.tours.cpsat import configure_deterministic

#: When the greedy start of a large rota, or a small rota's first run, leaves a tour uncrewed, the
#: hard rules alone are solved for the most crewed tours, staying as close to the start as they can
#: (`crew_more`), this long at most on one worker with CP-SAT's full linear relaxation (the problem
#: is nearly a flow: its relaxation is tight). Monthly maxima couple weeks that no window sees
#: together: on the Orne département's 255 tours the greedy start left 9 to 11 tours uncrewed and
#: the windows crewed none of them; this run crews them all, keeping 477 of the start's 488 shifts
#: (proven optimal in 0.2 units, 0.8 s).
CREWING_BUDGET = 2.0
#: A large rota's start is then improved as a whole (`improve_whole`), this long at most on one
#: worker with CP-SAT's full linear relaxation, and kept when the whole objective is lower. Who goes
#: where is a matter of the whole horizon (maxima per month, several units near one home), which
#: the greedy start, date by date, and the windows do not see: on the Orne département's 255 tours
#: (7,246 assignments) they left 98 shifts more than 15 km past a nearer place, this run 65 (2.5 s
#: more), with fairer shares, more preferences met and the same continuity of care.
WHOLE_BUDGET = 2.0


def crew_more(rm: RotaModel, start: list[Shift], *, seed: int) -> list[Shift]:
    """``start``, or a rota that crews more (by tour value) under the hard rules alone, keeping as
    many of the start's shifts as it can (the start keeps the published ones first); the windows
    then bring back the soft rules."""
    hard, costs = rota_rules.build(
        rm.instance,
        rm.tours,
        frozen_tours=rm.frozen_tours,
        frozen_shifts=rm.frozen_shifts,
        rules=rota_rules.HARD_CONSTRAINTS,
    )
    kept = {(s.staff_id, s.post_key, s.role) for s in start}
    dropped = [1 - var for key, var in hard.x.items() if key in kept]
    # ortools types LinearExprT with numpy integers, whose stubs know no `+ LinearExpr` (at run time
    # they hand over to LinearExpr.__radd__)
    hard.model.minimize(sum(c.coefficient * c.expr for c in costs) + sum(dropped))  # type: ignore[operator]
    hint_shifts(hard, start)
    solver = cp_model.CpSolver()
    configure_deterministic(solver, time_limit=CREWING_BUDGET, seed=seed, workers=1)
    solver.parameters.linearization_level = 2
    if solver.Solve(hard.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return start
    shifts = shifts_of_solution(hard, solver)
    return shifts if _crewed_value(rm, shifts) > _crewed_value(rm, start) else start


def improve_whole(rm: RotaModel, start: list[Shift], *, seed: int, offers: dict[str, int]) -> list[Shift]:
    """``start``, or the rota found from it over the whole horizon (`WHOLE_BUDGET`) when the whole
    objective is lower. Continuity of care is left out of that search, each shift of ``start`` it
    changes costing half a new person at a commune instead: the start gives each commune its
    usual people (`planner.crews.rota_start.Greedy.score`), and a change nothing else asks for
    would lose them."""
    rules = (*rota_rules.HARD_CONSTRAINTS, *(r for r in rota_rules.SOFT_RULES if r is not soft_continuity))
    whole, costs = rota_rules.build(
        rm.instance,
        rm.tours,
        frozen_tours=rm.frozen_tours,
        frozen_shifts=rm.frozen_shifts,
        rules=rules,
        offers=offers,
    )
    kept = {(s.staff_id, s.post_key, s.role) for s in start}
    changed = [1 - var for key, var in whole.x.items() if key in kept]
    change_cost = rm.instance.rules.weights.continuity * SCALE // 2
    # ortools types LinearExprT with numpy integers (see `crew_more`)
    whole.model.minimize(sum(c.coefficient * c.expr for c in costs) + change_cost * sum(changed))  # type: ignore[operator]
    hint_shifts(whole, start)
    complete_hint(whole.model)
    solver = cp_model.CpSolver()
    configure_deterministic(solver, time_limit=WHOLE_BUDGET, seed=seed, workers=1)
    solver.parameters.linearization_level = 2
    if solver.Solve(whole.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return start
    shifts = shifts_of_solution(whole, solver)
    return shifts if _objective(rm, shifts) < _objective(rm, start) else start


def _objective(rm: RotaModel, shifts: Sequence[Shift]) -> float:
    """The objective of the rota ``shifts`` in ``rm``'s model (every rule); infinite if it breaks one."""
    hint_shifts(rm, shifts)
    solver = evaluate(rm.model, None)
    return solver.ObjectiveValue() if solver is not None else float("inf")


def _crewed_value(rm: RotaModel, shifts: Sequence[Shift]) -> int:
    """The value of the tours ``shifts`` crew (`planner.crews.rota_facts.tour_value`; a tour with any
    shift is whole, as the hard rules give a tour its whole crew or none)."""
    crewed = {s.post_key for s in shifts}
    return sum(1 + tour_value(rm.instance, t) for t in rm.tours if t.key in crewed)
