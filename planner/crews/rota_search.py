"""The rota: which person fills which role on which dated tour (CP-SAT).

`assign_crews` builds the model from the rules of `planner.crews.rota_rules` (hard rules always hold; a
tour that cannot be crewed is reported in ``uncrewed``, never as a bare "infeasible"), solves it with
a fixed seed and a fixed number of workers, and returns the shifts with the penalties paid and French
explanations of what could not be crewed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from planner.crews import rota_rules
from planner.crews.posts import Post, TourOrPost, posts_of
from planner.crews.rota_rules import Penalty
from planner.crews.uncrewed import explain_uncrewed
from planner.domain.instance import Instance, Role, Staff
from planner.domain.plan import Shift, Tour
from planner.tours.cpsat import configure_deterministic

__all__ = ["NUM_WORKERS", "Penalty", "RotaResult", "assign_crews", "shift_key"]

#: Fixed so that the same inputs give the same rota on any machine; two interleaved workers let
#: CP-SAT's neighbourhood search run on the windows of large rotas (one worker only searches from
#: the root, and stalls there). A small rota, solved whole, does best with one worker in its short
#: budget (measured on the demo: lower cost in less time), and in its retry (Mobil'Santé: the optimum
#: proven in 0.98 s, where two workers stopped unproven at 1.14 s).
NUM_WORKERS = 2
SMALL_MODEL_WORKERS = 1

#: Deterministic budgets (CP-SAT work units, not seconds) of the whole-model run and of each window.
FULL_BUDGET = 0.1
WINDOW_BUDGET = 0.3
#: A whole-model rota that leaves a tour uncrewed searches again, this long, before giving it up.
RETRY_BUDGET = 0.5
#: When the greedy start of a large rota, or a small rota's first run, leaves a tour uncrewed, the
#: hard rules alone are solved for the most crewed tours, staying as close to the start as they can
#: (`_crew_more`), this long at most on one worker with CP-SAT's full linear relaxation (the problem
#: is nearly a flow: its relaxation is tight). Monthly maxima couple weeks that no window sees
#: together: on the Orne département's 255 tours the greedy start left 9 to 11 tours uncrewed and
#: the windows crewed none of them; this run crews them all, keeping 477 of the start's 488 shifts
#: (proven optimal in 0.2 units, 0.8 s).
CREWING_BUDGET = 2.0
#: A large rota's start is then improved as a whole (`_improve_whole`), this long at most on one
#: worker with CP-SAT's full linear relaxation, and kept when the whole objective is lower. Who goes
#: where is a matter of the whole horizon (maxima per month, several units near one home), which
#: the greedy start, date by date, and the windows do not see: on the Orne département's 255 tours
#: (7,246 assignments) they left 98 shifts more than 15 km past a nearer place, this run 65 (2.5 s
#: more), with fairer shares, more preferences met and the same continuity of care.
WHOLE_BUDGET = 2.0
#: In the greedy start, this many km from home weigh as much as a whole fair share of shifts: a
#: large rota keeps most of its greedy start, and without it people went far while nearer ones
#: were free (Orne département: median 22.9 km from home, 15.5 with it, for the same total cost).
GREEDY_KM_PER_SHARE = 200.0
#: Reading a solution back (every decision fixed to its hint) is propagation only; this deterministic
#: budget is far beyond what it takes, and no wall clock stops it.
EVALUATE_BUDGET = 10.0
#: Models with at most this many assignment variables are solved whole.
SMALL_MODEL = 3000
#: Planning estimate of one window's seconds of computing (2 cores): ``time_limit`` buys
#: ``time_limit / WINDOW_SECONDS`` windows, a number that does not depend on the machine's speed
#: or load (no wall clock decides the rota: docs/architecture.md).
WINDOW_SECONDS = 2.5
#: Weeks of each time window (see `_windows`), and passes over the windows at most.
WINDOW_WEEKS = 2
MAX_PASSES = 3


@dataclass(frozen=True)
class RotaResult:
    """The crews found: shifts, posts left uncrewed (their keys: a tour, or a fixed place's session;
    `planner.crews.posts.without_posts` drops them) and why, costs paid.

    ``status`` is CP-SAT's (``optimal``, ``feasible``…); ``changed_vs_keep`` counts the kept shifts
    (on tours that are still planned and not frozen) that the new rota does not keep.
    """

    shifts: tuple[Shift, ...]
    uncrewed: tuple[str, ...]
    explanations: tuple[str, ...]
    penalties: tuple[Penalty, ...]
    status: str
    changed_vs_keep: int
    solver_seconds: float = 0.0


def shift_key(shift: Shift) -> tuple[str, str, str]:
    """What identifies a shift for comparing rotas: tour, person, role."""
    return (shift.post_key, shift.staff_id, shift.role.value)


def assign_crews(
    instance: Instance,
    tours: Sequence[Tour],
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    keep: Sequence[Shift] = (),
    frozen_before: date | None = None,
    workers: int | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> RotaResult:
    """Crew ``tours`` with the instance's staff.

    Parameters
    ----------
    instance
        Staff, units and rules (weights).
    tours
        Dated tours to crew (a fixed place's sessions each get their own crew: `planner.crews.posts`).
    time_limit
        Seconds of computing a large rota (over `SMALL_MODEL` assignment variables) may spend
        improving its greedy start: ``time_limit / WINDOW_SECONDS`` windows of a deterministic
        budget each. A small rota is solved whole on fixed deterministic budgets (`FULL_BUDGET`,
        `RETRY_BUDGET`, `CREWING_BUDGET`), whatever ``time_limit`` says.
    seed
        CP-SAT's random seed; with `NUM_WORKERS` fixed, same inputs give the same rota.
    keep
        A published rota to stay close to (re-planning): each kept shift that changes is costly.
    frozen_before
        Tours dated before this day are not re-crewed: their shifts are exactly those of ``keep``.
    workers
        CP-SAT threads of each run (default `NUM_WORKERS`); 1 when runs go side by side (studies).
    progress
        Called as ``progress(fraction, message)`` (fraction of this step, 0 to 1, French message),
        like the ``progress`` of `planner.planning.pipeline.plan`.

    Returns
    -------
    RotaResult
    """
    say = progress or (lambda fraction, message: None)
    started = time.perf_counter()
    posts = posts_of(instance, tours)
    frozen_tours = tuple(t for t in posts if frozen_before is not None and t.date < frozen_before)
    frozen_keys = {t.key for t in frozen_tours}
    open_tours = tuple(t for t in posts if t.key not in frozen_keys)
    frozen_shifts = tuple(s for s in keep if s.post_key in frozen_keys)

    say(
        0.0,
        f"Équipes : modèle pour {len(open_tours)} tournée(s), {len(instance.staff)} personne(s)",
    )
    rm, costs = rota_rules.build(
        instance,
        open_tours,
        frozen_tours=frozen_tours,
        frozen_shifts=frozen_shifts,
        keep=keep,
    )
    _greedy_hint(rm, keep)
    say(0.2, "Équipes : recherche")
    found, optimal = _search(rm, time_limit=float(time_limit), seed=seed, workers=workers or NUM_WORKERS, say=say)
    solver = None
    if found is not None:
        _hint_shifts(rm, found)
        solver = _evaluate(rm.model, None)
    status = "optimal" if optimal else ("feasible" if solver is not None else "unknown")

    if solver is not None:
        new_shifts = _shifts_of_solution(rm, solver)
        uncrewed = tuple(t.key for t in open_tours if solver.Value(rm.uncrewed[t.key]))
        penalties = tuple(
            sorted(
                filter(None, (c.penalty(solver) for c in costs)),
                key=lambda p: (-p.amount, p.name, p.explanation),
            )
        )
    else:  # cannot happen with a consistent model; stay honest rather than crash
        new_shifts, uncrewed, penalties = [], tuple(t.key for t in open_tours), ()
    shifts = tuple(
        sorted(
            (*frozen_shifts, *new_shifts),
            key=lambda s: (s.date, s.unit_id, s.role.value, s.staff_id),
        )
    )

    explanations = explain_uncrewed(instance, posts, shifts, uncrewed)
    if solver is None:
        explanations = (
            f"Aucune affectation trouvée (état du solveur : {status}).",
            *explanations,
        )
    kept_open = {shift_key(s) for s in keep if s.post_key in {t.key for t in open_tours}}
    changed = len(kept_open - {shift_key(s) for s in shifts})
    say(1.0, f"Équipes : {len(shifts)} garde(s), {len(uncrewed)} tournée(s) sans équipe")
    return RotaResult(
        shifts=shifts,
        uncrewed=uncrewed,
        explanations=tuple(explanations),
        penalties=penalties,
        status=status,
        changed_vs_keep=changed,
        solver_seconds=time.perf_counter() - started,
    )


@dataclass
class _Greedy:
    """The load of each person while the greedy rota is built (frozen shifts included)."""

    rm: rota_rules.RotaModel
    kept: set[tuple[str, str, Role]]
    days: dict[str, set[date]] = field(default_factory=lambda: defaultdict(set))
    weeks: dict[tuple[str, tuple[int, int]], int] = field(default_factory=lambda: defaultdict(int))
    months: dict[tuple[str, tuple[int, int]], int] = field(default_factory=lambda: defaultdict(int))
    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    served: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, staff_id: str, tour_date: date, communes: frozenset[str] = frozenset()) -> None:
        self.days[staff_id].add(tour_date)
        self.weeks[(staff_id, rota_rules.iso_week(tour_date))] += 1
        self.months[(staff_id, rota_rules.month_of(tour_date))] += 1
        self.totals[staff_id] += 1
        for insee in communes:
            self.served[(staff_id, insee)] += 1

    def fits(self, person: Staff, tour: TourOrPost) -> bool:
        return (
            tour.date not in self.days[person.id]
            and self.weeks[(person.id, rota_rules.iso_week(tour.date))] < person.max_shifts_per_week
            and self.months[(person.id, rota_rules.month_of(tour.date))] < person.max_shifts_per_month
        )

    def far(self, person: Staff, tour: TourOrPost, role: Role) -> float:
        """What `rota_rules.soft_travel` charges for this shift, in shares: km from home, each km
        farther than the person's usual place (nearest or preferred) counting
        `rota_rules.EXTRA_KM_COST` / 2 km (`GREEDY_KM_PER_SHARE` km a share), so that the start
        sends nobody past a nearer unit whose session they could take. For a large rota: 0 for a
        small one (CP-SAT weighs it with the other rules), without a home, for a remote role, or
        when travel weighs nothing."""
        unit = self.rm.units[tour.key]
        if role in unit.remote_roles or len(self.rm.x) <= SMALL_MODEL:  # a small rota is solved whole
            return 0.0
        if self.rm.instance.rules.weights.travel == 0:
            return 0.0
        km, extra = rota_rules.travel_km(self.rm.instance, person, unit, tour, self.rm.usual_km(person))
        return (km + rota_rules.EXTRA_KM_COST * extra) / (2 * GREEDY_KM_PER_SHARE)

    def score(self, person: Staff, tour: TourOrPost, role: Role) -> tuple[bool, float, str]:
        """Kept first, then furthest below a fair share, knowing the commune, liking the place,
        living near it."""
        communes = rota_rules.communes_of(tour)
        share = (self.totals[person.id] + 1) / max(1, self.rm.offered(person))
        known = sum(self.served[(person.id, c)] for c in communes) if role in rota_rules.CARE_ROLES else 0
        disliked = (bool(person.preferred_communes) and not communes & person.preferred_communes) + (
            bool(person.preferred_units) and tour.unit_id not in person.preferred_units
        )
        return (
            (person.id, tour.key, role) not in self.kept,
            share - 0.05 * min(known, 3) + 0.1 * disliked + self.far(person, tour, role),
            person.id,
        )


def _greedy_hint(rm: rota_rules.RotaModel, keep: Sequence[Shift]) -> None:
    """Hint a complete first rota, built greedily in date order, so CP-SAT starts from a full crew.

    Roles with the fewest candidates are filled first; see `_Greedy.score` for who is picked.
    Maxima and one-tour-a-day are respected, so the hint is feasible.
    """
    state = _Greedy(rm, {(s.staff_id, s.post_key, s.role) for s in keep})
    for s in rm.frozen_shifts:
        state.add(s.staff_id, s.date)
    people = {p.id: p for p in rm.instance.staff}
    chosen: set[tuple[str, str, Role]] = set()
    for tour in sorted(rm.tours, key=lambda t: (t.date, t.unit_id)):
        picks: list[tuple[str, Role]] = []
        crew = rm.units[tour.key].crew.items()
        for role, needed in sorted(
            crew,
            key=lambda kv: (
                len(rm.by_tour_role.get((tour.key, kv[0]), ())),
                kv[0].value,
            ),
        ):
            taken = {staff_id for staff_id, _ in picks}
            free = [people[sid] for sid, _ in rm.by_tour_role.get((tour.key, role), ()) if sid not in taken]
            candidates = sorted(
                (p for p in free if state.fits(p, tour)),
                key=lambda p: state.score(p, tour, role),
            )
            if len(candidates) < needed:
                picks = []
                break
            picks += [(p.id, role) for p in candidates[:needed]]
        for staff_id, role in picks:
            chosen.add((staff_id, tour.key, role))
            state.add(staff_id, tour.date, rota_rules.communes_of(tour))
        rm.model.add_hint(rm.uncrewed[tour.key], not picks)
    for key, var in rm.x.items():
        rm.model.add_hint(var, key in chosen)
    _complete_hint(rm.model)


def _complete_hint(model: cp_model.CpModel) -> None:
    """CP-SAT ignores a hint that leaves variables out: solve with the hinted decisions fixed (fast),
    then hint every variable (auxiliary ones included) from that solution."""
    solver = _evaluate(model, None)
    if solver is not None:
        _set_hint(model, list(solver.ResponseProto().solution))


def _set_hint(model: cp_model.CpModel, values: Sequence[int]) -> None:
    model.clear_hints()
    for index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(index), value)


def _evaluate(model: cp_model.CpModel, values: Sequence[int] | None) -> cp_model.CpSolver | None:
    """A solver holding the solution ``values`` (or the model's hint when ``None``), to read it."""
    if values is not None:
        _set_hint(model, values)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = EVALUATE_BUDGET
    if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver


def _solve(model: cp_model.CpModel, *, budget: float, seed: int, workers: int) -> tuple[list[int] | None, float, bool]:
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


def _search(
    rm: rota_rules.RotaModel,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    say: Callable[[float, str], None],
) -> tuple[list[Shift] | None, bool]:
    """The new shifts: the whole model solved when it is small; else the greedy start (crewed
    further by `_crew_more` when it leaves a tour short), improved as a whole (`_improve_whole`, not
    when re-planning), then window by window.

    A window is a model of a few weeks' tours, the incumbent's other shifts fixed as frozen ones
    (they still count for maxima, fairness and continuity), solved from the incumbent as its hint.
    Windows run in a fixed order, passes until one gains nothing, at most ``time_limit /
    WINDOW_SECONDS`` of them; each run has a deterministic budget, so the same inputs give the same
    rota in any process, on any machine, under any load.
    """
    if len(rm.x) <= SMALL_MODEL:
        values, _, optimal = _solve(rm.model, budget=FULL_BUDGET, seed=seed, workers=min(workers, SMALL_MODEL_WORKERS))
        solver = _evaluate(rm.model, values) if values is not None else None
        if solver is not None and not optimal and any(solver.Value(v) for v in rm.uncrewed.values()):
            # A tour left uncrewed costs the plan its visits: crew what the hard rules allow, search longer.
            _hint_shifts(rm, _crew_more(rm, _shifts_of_solution(rm, solver), seed=seed))
            _complete_hint(rm.model)
            values, _, optimal = _solve(
                rm.model, budget=RETRY_BUDGET, seed=seed, workers=min(workers, SMALL_MODEL_WORKERS)
            )
            solver = _evaluate(rm.model, values) if values is not None else solver
        return (_shifts_of_solution(rm, solver), optimal) if solver is not None else (None, False)
    solver = _evaluate(rm.model, None)  # the greedy hint
    if solver is None:
        return None, False
    best = _shifts_of_solution(rm, solver)
    if any(solver.Value(v) for v in rm.uncrewed.values()):
        best = _crew_more(rm, best, seed=seed)
    offers = {p.id: rm.offered(p) for p in rm.instance.staff}
    if not rm.keep:  # re-planning stays close to the published rota, window by window
        say(0.2, "Équipes : amélioration d'ensemble")
        best = _improve_whole(rm, best, seed=seed, offers=offers)
    windows = _windows(rm.tours)
    if rm.keep:  # re-planning: only the weeks where the repaired rota differs from the published one
        open_keys = {t.key for t in rm.tours}
        published = {shift_key(s) for s in rm.keep if s.post_key in open_keys}
        changed = {k[0] for k in published ^ {shift_key(s) for s in best}}
        windows = [w for w in _windows(rm.tours, by_unit=False, weeks=1) if w & changed]
    allowed = total = max(1, int(time_limit / WINDOW_SECONDS))  # fixed by the inputs: the same on any machine
    for number in range(1 if rm.keep else MAX_PASSES):
        gained = False
        for k, window in enumerate(windows):
            allowed -= 1
            if allowed < 0:
                return best, False
            fraction = 0.2 + 0.8 * (1.0 - allowed / total)
            say(
                fraction,
                f"Équipes : amélioration, passe {number + 1}, fenêtre {k + 1}/{len(windows)}",
            )
            inside = tuple(t for t in rm.tours if t.key in window)
            outside = (*rm.frozen_tours, *(t for t in rm.tours if t.key not in window))
            inside_keys = set(window)
            fixed = tuple(s for s in (*best, *rm.frozen_shifts) if s.post_key not in inside_keys)
            sub, _ = rota_rules.build(
                rm.instance,
                inside,
                frozen_tours=outside,
                frozen_shifts=fixed,
                keep=rm.keep,
                offers=offers,
            )
            incumbent = {(s.staff_id, s.post_key, s.role) for s in best if s.post_key in inside_keys}
            _hint_shifts(sub, best)
            _complete_hint(sub.model)
            values, _, _ = _solve(sub.model, budget=WINDOW_BUDGET, seed=seed, workers=workers)
            found = _evaluate(sub.model, values) if values is not None else None
            if found is None:
                continue
            window_shifts = _shifts_of_solution(sub, found)
            if {(s.staff_id, s.post_key, s.role) for s in window_shifts} != incumbent:
                gained = True
                best = [s for s in best if s.post_key not in inside_keys] + window_shifts
        if not gained:
            break
    return best, False


def _crew_more(rm: rota_rules.RotaModel, start: list[Shift], *, seed: int) -> list[Shift]:
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
    kept = {shift_key(s) for s in start}
    dropped = [1 - var for (staff_id, key, role), var in hard.x.items() if (key, staff_id, role.value) in kept]
    # ortools types LinearExprT with numpy integers, whose stubs know no `+ LinearExpr` (at run time
    # they hand over to LinearExpr.__radd__)
    hard.model.minimize(sum(c.coefficient * c.expr for c in costs) + sum(dropped))  # type: ignore[operator]
    _hint_shifts(hard, start)
    solver = cp_model.CpSolver()
    configure_deterministic(solver, time_limit=CREWING_BUDGET, seed=seed, workers=1)
    solver.parameters.linearization_level = 2
    if solver.Solve(hard.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return start
    shifts = _shifts_of_solution(hard, solver)
    return shifts if _crewed_value(rm, shifts) > _crewed_value(rm, start) else start


def _improve_whole(rm: rota_rules.RotaModel, start: list[Shift], *, seed: int, offers: dict[str, int]) -> list[Shift]:
    """``start``, or the rota found from it over the whole horizon (`WHOLE_BUDGET`) when the whole
    objective is lower. Continuity of care is left out of that search, each shift of ``start`` it
    changes costing half a new person at a commune instead: the start gives each commune its
    usual people (`_Greedy.score`), and a change nothing else asks for would lose them."""
    rules = (*rota_rules.HARD_CONSTRAINTS, *(r for r in rota_rules.SOFT_RULES if r is not rota_rules.soft_continuity))
    whole, costs = rota_rules.build(
        rm.instance,
        rm.tours,
        frozen_tours=rm.frozen_tours,
        frozen_shifts=rm.frozen_shifts,
        rules=rules,
        offers=offers,
    )
    kept = {shift_key(s) for s in start}
    changed = [1 - var for (staff_id, key, role), var in whole.x.items() if (key, staff_id, role.value) in kept]
    change_cost = rm.instance.rules.weights.continuity * rota_rules.SCALE // 2
    # ortools types LinearExprT with numpy integers (see `_crew_more`)
    whole.model.minimize(sum(c.coefficient * c.expr for c in costs) + change_cost * sum(changed))  # type: ignore[operator]
    _hint_shifts(whole, start)
    _complete_hint(whole.model)
    solver = cp_model.CpSolver()
    configure_deterministic(solver, time_limit=WHOLE_BUDGET, seed=seed, workers=1)
    solver.parameters.linearization_level = 2
    if solver.Solve(whole.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return start
    shifts = _shifts_of_solution(whole, solver)
    return shifts if _objective(rm, shifts) < _objective(rm, start) else start


def _objective(rm: rota_rules.RotaModel, shifts: Sequence[Shift]) -> float:
    """The objective of the rota ``shifts`` in ``rm``'s model (every rule); infinite if it breaks one."""
    _hint_shifts(rm, shifts)
    solver = _evaluate(rm.model, None)
    return solver.ObjectiveValue() if solver is not None else float("inf")


def _crewed_value(rm: rota_rules.RotaModel, shifts: Sequence[Shift]) -> int:
    """The value of the tours ``shifts`` crew (`rota_rules.tour_value`; a tour with any shift is whole,
    as the hard rules give a tour its whole crew or none)."""
    crewed = {s.post_key for s in shifts}
    return sum(1 + rota_rules.tour_value(rm.instance, t) for t in rm.tours if t.key in crewed)


def _windows(tours: Sequence[TourOrPost], *, by_unit: bool = True, weeks: int = WINDOW_WEEKS) -> list[frozenset[str]]:
    """Parts of the rota re-optimised in turn: each unit over the whole horizon (continuity of care
    lives there), then every few weeks of all units (fairness and maxima live there)."""
    units: dict[str, set[str]] = defaultdict(set)
    by_week: dict[tuple[int, int], set[str]] = defaultdict(set)
    for tour in tours:
        units[tour.unit_id].add(tour.key)
        by_week[rota_rules.iso_week(tour.date)].add(tour.key)
    ordered = sorted(by_week)
    spans = [ordered[i : i + weeks] for i in range(0, max(1, len(ordered) - weeks + 1), weeks)]
    windows = [frozenset(keys) for _, keys in sorted(units.items())] if by_unit else []
    windows += [frozenset(k for w in span for k in by_week[w]) for span in spans]
    return windows


def _hint_shifts(rm: rota_rules.RotaModel, shifts: Sequence[Shift]) -> None:
    """Hint the model with ``shifts`` (decision variables only); `_evaluate` completes the rest."""
    chosen = {(s.staff_id, s.post_key, s.role) for s in shifts}
    crewed = {s.post_key for s in shifts}
    rm.model.clear_hints()
    for key, var in rm.x.items():
        rm.model.add_hint(var, key in chosen)
    for post_key, var in rm.uncrewed.items():
        rm.model.add_hint(var, post_key not in crewed)


def _shifts_of_solution(rm: rota_rules.RotaModel, solver: cp_model.CpSolver) -> list[Shift]:
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
