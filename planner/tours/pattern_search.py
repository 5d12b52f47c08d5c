"""The weekly pattern by CP-SAT: need served first (priority zones before all), then little driving.

Hard rules are constraints, one function each (`_add_*`); the greedy pattern
(`planner.tours.greedy_pattern`) is the complete hint. See `planner.tours.pattern_problem` for what a
slot, a visit and a pattern are.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.domain.instance import Commune, Unit, UnitKind
from planner.tours.cpsat import configure_deterministic
from planner.tours.pattern_problem import (
    Pattern,
    PatternProblem,
    Slot,
    Visit,
    period_of,
    sorted_visits,
    visits_per_period,
)

#: Need and driving are scaled by this before rounding, so the weekday tie-break stays a tie-break.
OBJECTIVE_SCALE = 100
#: interleaved workers (still deterministic) search better.
SMALL_MODEL = 300
#: Share of the time limit for the need-first pass when a second, drive-less pass follows.
FIRST_PASS_SHARE = 0.6
#: Above this many (visit, next visit) pairs, driving is estimated per visit instead of per leg.
MAX_PAIR_VARIABLES = 40_000


def solve_pattern(
    problem: PatternProblem,
    *,
    time_limit: float,
    seed: int = 0,
    workers: int | None = None,
    hint: Pattern | None = None,
) -> Pattern:
    """Choose the visits with CP-SAT: need served first, then little driving; hard rules as constraints.

    With ``rules.need_tolerance_percent`` > 0, a second pass trades at most that share of the need
    served for less driving (`_drive_less`).
    """
    instance, rules = problem.instance, problem.instance.rules
    cycle = problem.cycle_weeks
    model = cp_model.CpModel()
    x: dict[tuple[str, Slot, int], cp_model.IntVar] = {}
    for c in problem.candidates:
        p = period_of(c.visits_per_week)
        for slot in problem.allowed[c.insee]:
            for phase in range(p):
                x[c.insee, slot, phase] = model.new_bool_var(
                    f"visit(commune={c.insee}, unit={slot.unit_id}, day={slot.weekday}, session={slot.session}, phase={phase})"
                )
    by_commune: dict[str, list[tuple[Slot, int]]] = {}
    by_slot: dict[Slot, list[tuple[Commune, int]]] = {}
    for (insee, slot, phase) in x:
        by_commune.setdefault(insee, []).append((slot, phase))
        by_slot.setdefault(slot, []).append((instance.commune(insee), phase))

    _add_slot_capacity(model, x, by_slot, cycle)
    _add_frequency_caps(model, x, problem, by_commune)
    _add_min_gap(model, x, problem, by_commune, rules.min_gap_days)
    candidates_pairs, used = _add_compact_days(model, x, problem, by_slot, cycle)
    exact = len(candidates_pairs) <= MAX_PAIR_VARIABLES
    pairs = _link_pairs(model, candidates_pairs) if exact else []

    need_terms, drive_terms, tie_terms = [], [], []
    for (insee, slot, phase), var in x.items():
        c = instance.commune(insee)
        unit = instance.unit(slot.unit_id)
        weeks_served = cycle // period_of(c.visits_per_week)
        need_terms.append(var * problem.weights[insee] * weeks_served)
        drive_terms.append(var * round(OBJECTIVE_SCALE * _visit_drive(problem, unit, c, slot, exact) * weeks_served))
        tie_terms.append(var * (slot.weekday + slot.session))  # ties only: earlier in the week first
    drive_terms += [pair * round(OBJECTIVE_SCALE * cost) for pair, cost, _ in pairs]
    need, drive, ties = sum(need_terms), sum(drive_terms), sum(tie_terms)
    w = rules.weights
    model.maximize(OBJECTIVE_SCALE * w.need * need - w.travel * drive - ties)

    if hint is not None:
        _add_full_hint(model, x, hint, used, pairs)

    if workers is None:
        workers = 1 if len(x) <= SMALL_MODEL else 4
    budget = time_limit * FIRST_PASS_SHARE if rules.need_tolerance_percent else time_limit
    solver = cp_model.CpSolver()
    configure_deterministic(solver, time_limit=budget, seed=seed, workers=workers)
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint if hint is not None else Pattern(cycle, (), name)
    if rules.need_tolerance_percent and w.travel:
        status, solver = _drive_less(
            model, solver, need, drive, ties, rules.need_tolerance_percent, time_limit - budget, seed, workers
        )
        name = f"{name}, puis {solver.status_name(status)}"
    visits = tuple(
        Visit(insee, slot, period_of(instance.commune(insee).visits_per_week), phase)
        for (insee, slot, phase), var in x.items()
        if solver.boolean_value(var)
    )
    return Pattern(cycle, sorted_visits(visits), name, solver.objective_value)


def _drive_less(model, first, need, drive, ties, tolerance_percent: int, time_limit, seed, workers):
    """Second pass: keep at least (100 − tolerance) % of the need served found, and drive as little as possible.

    Starts from the first pass's solution, so it can only improve on it. Returns (status, solver)
    of whichever pass's answer stands.
    """
    best = first.value(need)
    model.add(100 * need >= (100 - tolerance_percent) * best)
    model.minimize(drive + ties)
    model.clear_hints()
    for i in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(i)
        model.add_hint(var, first.value(var))
    second = cp_model.CpSolver()
    configure_deterministic(second, time_limit=time_limit, seed=seed, workers=workers)
    status = second.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, second
    return cp_model.FEASIBLE, first




def _add_slot_capacity(model, x, by_slot, cycle: int) -> None:
    """Hard: a slot holds at most one commune in any week of the cycle."""
    for slot, items in by_slot.items():
        for week in range(cycle):
            model.add(sum(_in_week(x, items, slot, week).values()) <= 1)


def _add_frequency_caps(model, x, problem: PatternProblem, by_commune) -> None:
    """Hard: never more visits than the commune's target (no over-serving); one a day at most."""
    for insee, keys in by_commune.items():
        c = problem.instance.commune(insee)
        model.add(sum(x[insee, s, ph] for s, ph in keys) <= visits_per_period(c.visits_per_week))
        days: dict[int, list] = {}
        for s, ph in keys:
            days.setdefault(s.weekday, []).append(x[insee, s, ph])
        for same_day in days.values():
            model.add(sum(same_day) <= 1)


def _add_min_gap(model, x, problem: PatternProblem, by_commune, min_gap_days: int) -> None:
    """Hard: two visits of a commune in one week are at least ``min_gap_days`` apart (also across weeks)."""
    for insee, keys in by_commune.items():
        c = problem.instance.commune(insee)
        if visits_per_period(c.visits_per_week) < 2 or period_of(c.visits_per_week) != 1:
            continue
        days = sorted({s.weekday for s, _ in keys})
        for i, d1 in enumerate(days):
            for d2 in days[i + 1 :]:
                gap = min(d2 - d1, 7 - (d2 - d1))
                if gap < min_gap_days:
                    model.add(
                        sum(x[insee, s, ph] for s, ph in keys if s.weekday in (d1, d2)) <= 1
                    )


def _add_compact_days(model, x, problem: PatternProblem, by_slot, cycle: int) -> tuple[list, list]:
    """Hard: a day's sessions follow one another in slot order, each within reach of the previous.

    Slot ``s + 1`` is used only if slot ``s`` is, and a commune in slot ``s`` is followed by one at most
    ``max_drive_between_sessions`` minutes away, so a day never zigzags across the territory.
    Returns the (this visit, next visit, their drive-cost change) candidates for exact driving costs,
    and the (slot used, its visit variables) definitions, for a complete solution hint.
    """
    near = problem.near
    pairs, used = [], []
    for slot, items in by_slot.items():
        nxt = Slot(slot.unit_id, slot.weekday, slot.session + 1)
        if nxt not in by_slot:
            continue
        unit = problem.instance.unit(slot.unit_id)
        for week in range(cycle):
            here = _in_week(x, items, slot, week)
            there = _in_week(x, by_slot[nxt], nxt, week)
            used_next = model.new_bool_var(f"used(unit={nxt.unit_id}, day={nxt.weekday}, session={nxt.session}, week={week})")
            model.add(used_next == sum(there.values()))
            used.append((used_next, list(there.values())))
            model.add(used_next <= sum(here.values()))
            for insee, var in here.items():
                # in the order of `there`, never of the set `near` (hashed strings: the order would vary by process)
                following = [b for b in there if b in near[slot.unit_id, insee]]
                # visit c here and something next ⇒ that next is near c
                model.add(var + used_next - sum(there[b] for b in following) <= 1)
                if unit.kind is not UnitKind.FIXED:
                    pairs += [(var, there[b], _pair_cost(problem, unit, insee, b)) for b in following]
    return pairs, used


def _pair_cost(problem: PatternProblem, unit: Unit, a: str, b: str) -> float:
    """Driving a → b instead of a → depot: what following ``a`` by ``b`` adds to the day."""
    sa, sb = problem.instance.commune(a).site.point, problem.instance.commune(b).site.point
    return problem.minutes(sa, sb) - problem.minutes(sa, unit.depot)


def _link_pairs(model, pairs) -> list[tuple]:
    """One boolean per (visit, next visit) that is true exactly when both happen."""
    linked = []
    for first, second, cost in pairs:
        both = model.new_bool_var(f"then({first.name} -> {second.name})")
        model.add_min_equality(both, [first, second])
        linked.append((both, cost, (first, second)))
    return linked


def _add_full_hint(model, x, hint: Pattern, used, pairs) -> None:
    """Hint every variable, auxiliaries included, so CP-SAT starts from the greedy solution at once."""
    chosen = {(v.insee, v.slot, v.phase) for v in hint.visits}
    value = {}
    for key, var in x.items():
        value[var.index] = key in chosen
        model.add_hint(var, value[var.index])
    for var, members in used:
        model.add_hint(var, any(value[m.index] for m in members))
    for both, _, (first, second) in pairs:
        model.add_hint(both, value[first.index] and value[second.index])


def _visit_drive(problem: PatternProblem, unit: Unit, commune: Commune, slot: Slot, exact: bool) -> float:
    """Driving minutes a visit adds to its day, per week it happens.

    Exact model: the drive from the depot for a first session, the drive back to the depot (removed
    by the pair term when another session follows). Otherwise half the round trip, an estimate.
    """
    if unit.kind is UnitKind.FIXED:
        return 0.0
    if not exact:
        return problem.round_trip(unit, commune) / 2
    site = commune.site.point
    out = problem.minutes(unit.depot, site) if slot.session == 0 else 0.0
    return out + problem.minutes(site, unit.depot)


def _in_week(x, items, slot: Slot, week: int) -> dict[str, cp_model.IntVar]:
    """The variables that put a commune in ``slot`` in cycle week ``week``, by INSEE code."""
    return {c.insee: x[c.insee, slot, phase] for c, phase in items if week % period_of(c.visits_per_week) == phase}
