"""What every step of the rota search does with CP-SAT: hint a model with a rota, run it
deterministically, read the rota back.

Apart from `planner.crews.rota_search` because the greedy start (`planner.crews.rota_start`), the
runs over the whole horizon (`planner.crews.rota_whole`) and the windows
(`planner.crews.rota_windows`) all pass rotas to and from their models this way.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from planner.crews.posts import Post
from planner.crews.rota_rules import RotaModel
from planner.domain.plan import Shift
from planner.tours.cpsat import configure_deterministic

#: Reading a solution back (every decision fixed to its hint) is propagation only; this deterministic
#: budget is far beyond what it takes, and no wall clock stops it.
EVALUATE_BUDGET = 10.0


def complete_hint(model: cp_model.CpModel) -> None:
    """CP-SAT ignores a hint that leaves variables out: solve with the hinted decisions fixed (fast),
    then hint every variable (auxiliary ones included) from that solution."""
    solver = evaluate(model, None)
    if solver is not None:
        set_hint(model, list(solver.ResponseProto().solution))


def set_hint(model: cp_model.CpModel, values: Sequence[int]) -> None:
    model.clear_hints()
    for index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(index), value)


def evaluate(model: cp_model.CpModel, values: Sequence[int] | None) -> cp_model.CpSolver | None:
    """A solver holding the solution ``values`` (or the model's hint when ``None``), to read it."""
    if values is not None:
        set_hint(model, values)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = EVALUATE_BUDGET
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver


def solve(model: cp_model.CpModel, *, budget: float, seed: int, workers: int) -> tuple[list[int] | None, float, bool]:
    """One deterministic CP-SAT run from the model's hint: (solution, objective, proven optimal)."""
    solver = cp_model.CpSolver()
    configure_deterministic(solver, time_limit=budget, seed=seed, workers=workers)
    code = solver.Solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, float("inf"), False
    return (
        list(solver.ResponseProto().solution),
        solver.ObjectiveValue(),
        code == cp_model.OPTIMAL,
    )


def hint_shifts(rm: RotaModel, shifts: Sequence[Shift]) -> None:
    """Hint the model with ``shifts`` (decision variables only); `evaluate` completes the rest."""
    chosen = {(s.staff_id, s.post_key, s.role) for s in shifts}
    crewed = {s.post_key for s in shifts}
    rm.model.clear_hints()
    for key, var in rm.x.items():
        rm.model.add_hint(var, key in chosen)
    for post_key, var in rm.uncrewed.items():
        rm.model.add_hint(var, post_key not in crewed)


def shifts_of_solution(rm: RotaModel, solver: cp_model.CpSolver) -> list[Shift]:
    shifts = []
    for (staff_id, key, role), var in rm.x.items():
        if solver.Value(var):
            tour = rm.tour_by_key[key]
            assert isinstance(tour, Post)  # assign_crews builds its model on posts
            unit = rm.units[key]
            shifts.append(
                Shift(
                    unit_id=tour.unit_id,
                    date=tour.date,
                    staff_id=staff_id,
                    role=role,
                    start=tour.times[0],
                    end=tour.times[1],
                    remote=role in unit.remote_roles,
                    session=tour.session,
                )
            )
    return shifts
