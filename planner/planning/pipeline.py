"""`plan(instance, options) -> Plan`: the orchestration of the planning steps.

1. travel times over the depots and sites (estimate or road network);
2. the weekly pattern (CP-SAT in lexicographic stages, from the greedy pattern), counting only the
   dates the roster can crew (`planner.crews.staffing.crew_counts`);
3. the roll-out over exactly those dates, each day timed by OR-Tools routing;
4. the crews (CP-SAT rota, the least valuable tour left when crews are short); the (unit, date)s it
   could not crew are blocked and the pattern chosen again (`CREW_ROUNDS`); a tour still uncrewed
   moves to a free day of its week when one fits, or is dropped and explained; then free sessions
   filled, sessions given to communes worth more (`planner.crews.session_swaps`), every bus day's
   communes chosen at once where the plan is small enough (`planner.crews.day_sets`), sessions
   exchanged between days to drive less (`planner.crews.session_exchanges`), and free sessions
   filled again, last;
5. KPIs (with the proven bound on need), what was left out and why, how the pattern was found, and
   the independent validator: no plan leaves here unchecked.
"""

from __future__ import annotations

import math
import time as clock
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from planner.check.validate import validate_as_made
from planner.crews.crew_day_moves import move_crew_days
from planner.crews.day_sets import regroup_days
from planner.crews.free_capacity import free_sessions, idle_text
from planner.crews.posts import Post, posts_of, without_posts
from planner.crews.reschedule import propose_moves
from planner.crews.rota_search import RotaResult, assign_crews
from planner.crews.session_exchanges import exchange_sessions
from planner.crews.session_swaps import swap_sessions
from planner.crews.staffing import bus_day_sessions, crew_counts, post_limits
from planner.domain.errors import PlanningError
from planner.domain.french import number_fr, percent_fr, weekday_date_fr
from planner.domain.instance import Instance
from planner.domain.plan import Plan, Shift, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.planning.holiday_visits import move_holiday_visits
from planner.planning.left_out import left_out_reasons
from planner.planning.options import PlanOptions
from planner.planning.search_report import search_report
from planner.results.kpis import NeedShares, Targets, compute_kpis, need_shares, unserved_communes
from planner.tours.catchment import catchment_demand, catchments
from planner.tours.dated_search import improve_dated
from planner.tours.greedy_pattern import greedy_pattern
from planner.tours.pattern_problem import Pattern, PatternProblem, PostLimit, any_crew, build_problem
from planner.tours.pattern_search import default_budget, effective_budget, solve_pattern, tighten_bound
from planner.tours.rollout import dated_visits, roll_out
from planner.tours.rules_bound import RulesBound, has_priority_targets, rules_bound
from planner.travel import travel_for

Progress = Callable[[float, str], None]
#: The name of the pattern's step in the progress messages.
PATTERN_STEP = "Choix des communes et des jours (motif hebdomadaire)"

#: The summary's line on the sessions added last, once the other passes have moved communes between days.
LAST_FILL = (
    "{added} séance(s) ajoutée(s) en fin de calcul, après les changements de séances entre communes et entre "
    "journées : un jour où le bus et une équipe étaient libres et une commune sous son objectif à portée."
)
#: After the rota, the (unit, date)s it could not crew are blocked and the pattern is chosen again,
#: at most this many times, each with this share of the time limit (from the previous pattern).
CREW_ROUNDS = 3
CREW_ROUND_SHARE = 0.25


def plan(
    instance: Instance,
    options: PlanOptions | None = None,
    *,
    travel: TravelMatrix | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Plan the tours (and crews) of every unit over the horizon; the result has passed the validator.

    A budget above the territory's default also plans with half of it, and keeps the better plan
    (`better_plan`): the pattern's search only improves with its budget, but the passes after it
    (crews, sessions given to other communes) are local searches, and from a pattern serving more
    need they may end lower in the priority zones (docs/architecture.md, "More budget, never a
    worse plan"). So more budget never gives a worse plan from the default up.
    """
    options = options or PlanOptions()
    report = progress or (lambda fraction, message: None)
    began = clock.perf_counter()
    report(0.0, "Calcul des temps de trajet…")
    travel = travel or travel_for(instance, options.roads, progress=progress)
    result = _best_of_budgets(instance, options, travel, _start(instance, travel), report)
    report(1.0, "Plan prêt.")
    return replace(result, solver_seconds=round(clock.perf_counter() - began, 3))


@dataclass(frozen=True)
class _Start:
    """What every plan of an instance starts from (whatever its budget): who can crew what, the
    catchments' targets and demand, and the first pattern problem."""

    staffed: bool
    crews: Any
    limits: tuple[PostLimit, ...]
    targets: Targets
    demand: dict
    problem: PatternProblem


def _start(instance: Instance, travel: TravelMatrix) -> _Start:
    staffed = bool(instance.staff) and any(u.crew for u in instance.units)
    crews = crew_counts(instance) if staffed else any_crew
    limits = tuple(post_limits(instance)) if staffed else ()
    found = catchments(instance, travel)
    demand = catchment_demand(instance, found)
    problem = build_problem(instance, travel, crews=crews, demand=demand, post_limits=limits)
    return _Start(staffed, crews, limits, Targets.from_catchments(instance, found), demand, problem)


def _best_of_budgets(
    instance: Instance, options: PlanOptions, travel: TravelMatrix, start: _Start, report: Progress
) -> Plan:
    """The plan at ``options``' budget; above the territory's default budget, the better of it and of
    the plan at half of it (`better_plan`), itself found so down to the default."""
    half = _half_budget(start.problem, options)
    if half is None:
        return _plan_once(instance, options, travel, start, report)
    own = _plan_once(instance, options, travel, start, _scaled(report, 0.0, 0.5))
    label = f"Comparaison avec le budget de {number_fr(half, None)} s : "
    smaller = _best_of_budgets(
        instance, replace(options, time_limit=half), travel, start, _scaled(report, 0.5, 1.0, label)
    )
    return better_plan(own, smaller, half)


def _half_budget(problem: PatternProblem, options: PlanOptions) -> float | None:
    """Half the pattern's budget when it is above the territory's default (and comparing is on)."""
    if options.method != "cp-sat" or options.time_limit is None or not options.compare_half_budget:
        return None
    budget = effective_budget(options.time_limit)
    return budget / 2 if budget > default_budget(problem) else None


def _plan_once(instance: Instance, options: PlanOptions, travel: TravelMatrix, start: _Start, report: Progress) -> Plan:
    """The plan at ``options``' budget alone."""
    began = clock.perf_counter()
    report(0.1, f"{PATTERN_STEP}…")
    crew_options: dict[str, Any] = {
        "time_limit": options.rota_time_limit,
        "seed": options.seed,
        "workers": options.threads,
    }
    staffed, crews, limits, problem = start.staffed, start.crews, start.limits, start.problem
    demand, targets = start.demand, start.targets
    blocked: list[Post] = []
    bound_ahead = _bound_ahead(instance, travel, targets, staffed, limits)
    pattern = _choose_pattern(problem, options, options.time_limit, None, _between(report, 0.1, 0.5))
    first_problem, first_budget, rounds = problem, pattern.budget, 0
    rota: RotaResult | None = None
    for round_ in range(CREW_ROUNDS + 1):
        report(0.5 + 0.1 * round_, "Horaires de chaque journée (tournées)…")
        days, dated_note = _dated_days(problem, pattern, crews, options, bound_ahead)
        tours, warnings = roll_out(instance, pattern, travel, crews, days)
        if not staffed:
            break
        report(0.55 + 0.1 * round_, "Affectation des équipes…")
        rota = assign_crews(instance, tours, **crew_options)
        if not rota.uncrewed or round_ == CREW_ROUNDS:
            break
        report(0.6 + 0.1 * round_, "Jours sans équipe écartés, nouveau motif…")
        uncrewed = set(rota.uncrewed)
        blocked += [p for p in posts_of(instance, tours) if p.key in uncrewed]
        crews = crew_counts(instance, blocked)
        problem = build_problem(instance, travel, crews=crews, demand=demand, post_limits=limits)
        pattern = _choose_pattern(
            problem,
            options,
            CREW_ROUND_SHARE * first_budget,
            pattern,
            _between(report, 0.6 + 0.1 * round_, 0.6 + 0.1 * round_),
        )
        rounds += 1

    dropped: set[str] = set()
    shifts: tuple = ()
    if rota is not None:
        moves = propose_moves(instance, tours, rota.uncrewed, travel) if rota.uncrewed else []
        if moves:
            report(0.85, "Déplacement des tournées sans équipe vers un jour libre…")
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
        tours, kept_shifts = without_posts(instance, tours, rota.shifts, dropped)
        shifts = tuple(kept_shifts)
        warnings += list(rota.explanations)
    if options.method == "cp-sat":
        report(0.88, "Jours libres : séances ajoutées là où un bus et une équipe attendent…")
        tours, shifts, added = fill_free_sessions(instance, tours, shifts, travel, targets)
        if added:
            warnings.append(
                f"{added} séance(s) ajoutée(s) hors motif hebdomadaire, un jour où le bus et une équipe étaient libres "
                "et une commune sous son objectif à portée."
            )
    tours, shifts, holiday_lines = move_holiday_visits(instance, pattern, tours, shifts, travel, options)
    warnings += holiday_lines
    if options.method == "cp-sat":
        report(0.89, "Séances données aux communes qui attendent, de plus grand besoin…")
        before = need_shares(instance, tours, targets)
        tours, swapped_shifts, swapped = swap_sessions(instance, tours, shifts, travel, targets.visits)
        shifts = tuple(swapped_shifts)
        if swapped:  # a day given to one far commune, a visit taken from a commune: fill again
            tours, shifts, refilled = fill_free_sessions(instance, tours, shifts, travel, targets)
            warnings.append(swaps_note(swapped, refilled, before, need_shares(instance, tours, targets)))

    if options.method == "cp-sat":
        report(0.892, "Journées de bus recomposées toutes ensemble…")
        tours, shifts = _noted_pass(regroup_days, regrouped_note, instance, tours, shifts, travel, targets, warnings)
        if staffed:
            report(0.893, "Bus à l'arrêt faute d'équipe : journées d'équipe déplacées…")
            tours, shifts = _noted_pass(
                move_crew_days, crew_days_note, instance, tours, shifts, travel, targets, warnings
            )
        report(0.895, "Séances échangées entre journées, pour moins de route…")
        tours, exchanged_shifts, exchanges = exchange_sessions(instance, tours, shifts, travel, targets.visits)
        shifts = tuple(exchanged_shifts)
        if exchanges.kept:
            warnings.append(exchanges.text(instance.rules.weeks))
        # last: the moves above leave days a waiting commune can now join (docs/architecture.md, « The last fill »)
        tours, shifts, added = fill_free_sessions(instance, tours, shifts, travel, targets)
        if added:
            warnings.append(LAST_FILL.format(added=added))

    report(0.9, "Vérification indépendante du plan…")
    # The bound of the problem with nothing blocked: days the rota could not crew are not proven
    # uncrewable, so the last round's own bound would not bound every pattern.
    pattern = tighten_bound(first_problem, pattern, found_in=problem)
    reasons = {
        insee: r.text for insee, r in left_out_reasons(problem, pattern, tours, dropped, travel, crews, targets).items()
    }
    search, extra = search_report(problem, pattern, options, first_budget=first_budget, rounds=rounds)
    idle = free_sessions(instance, tours, shifts, travel, targets.visits)[0]
    extra["idle_sessions"] = len(idle)
    warnings += idle_text(instance, idle)
    if dated_note:
        search = f"{search} {dated_note}."
    result = assemble(
        instance,
        tours,
        shifts,
        travel,
        warnings,
        clock.perf_counter() - began,
        reasons,
        search=search,
        extra_kpis=extra,
        uncrewed=len(dropped),
        targets=targets,
    )
    report(0.95, "Borne des règles (le plus de besoin qu'un plan valide puisse servir)…")
    if bound_ahead is not None:
        found = bound_ahead.result()
    else:
        # unrounded: the KPI, rounded up, would be a floor above the plan itself
        priority_served = need_shares(instance, tours, targets).priority or 0.0
        found = rules_bound_for(instance, travel, targets, staffed, limits, priority_served)
    # the bound is part of the planning: the summary's « calculé en » counts it
    result = replace(
        result,
        kpis={**result.kpis, **bound_kpis(found)},
        search=result.search + unpaired_bound_note(instance, found),
        solver_seconds=round(clock.perf_counter() - began, 3),
    )
    raise_if_invalid(instance, result, travel, "le plan calculé")
    return result


def _dated_days(
    problem: PatternProblem, pattern: Pattern, crews, options: PlanOptions, bound: Future[RulesBound | None] | None
) -> tuple[list | None, str]:
    """The dated visits to lay down: the pattern's, or more need by dated visits
    (`planner.tours.dated_search`, stopping at the bound of the rules when it is solved ahead), with
    a French note saying what changed."""
    if options.method != "cp-sat" or pattern.need >= problem.need_total:
        return None, ""
    days = dated_visits(problem.instance, pattern, crews)

    def ceiling() -> float | None:
        found = bound.result() if bound is not None else None
        return found.need_share if found is not None else None

    better = improve_dated(problem, days, seed=options.seed, need_ceiling=ceiling)
    if better is None:
        return None, ""
    before = problem.need_share(pattern.need)
    note = (
        f"Visites datées : besoin servi porté de {percent_fr(before)} à {percent_fr(problem.need_share(better.need))} "
        f"par des visites hors du motif ; {better.kept} des {better.pattern_visits} visites du motif gardées"
    )
    return better.days, note


def swaps_note(swapped: int, refilled: int, before: NeedShares, after: NeedShares) -> str:
    """What the sessions given to other communes (`planner.crews.session_swaps`) changed, in French,
    with the shares they moved: priority zones come first, and on the Orne département their gain
    (96.5 → 96.7 %) cost need elsewhere (55.6 → 51.9 %), which the note once called "more need"."""

    return (
        f"{swapped} séance(s) changée(s) de commune, mêmes jours et mêmes équipes : données à une commune qui "
        "attendait (zone prioritaire, ou plus grand besoin), ou à une commune en zone prioritaire reprise d'un "
        "autre bus, qui sert alors une telle commune, ou une journée entière donnée à une commune qui vaut plus "
        "que toutes ses séances (zone prioritaire d'abord), ou à une commune en zone prioritaire reprise d'un "
        "autre bus, qui sert alors une commune valant plus que toutes ces séances."
        + (f" Puis {refilled} séance(s) ajoutée(s) aux jours ainsi libérés." if refilled else "")
        + f" Besoin servi : {shares_moved(before, after)}."
    )


#: A pass over a finished plan's days: (instance, tours, shifts, travel, bus visits a week by INSEE
#: code) → (tours, shifts, how many days changed).
PlanPass = Callable[
    [Instance, Sequence[Tour], Sequence[Shift], TravelMatrix, Mapping[str, float]], tuple[list[Tour], list[Shift], int]
]


def _noted_pass(
    run: PlanPass,
    note: Callable[[int, NeedShares, NeedShares], str],
    instance: Instance,
    tours: list[Tour],
    shifts: tuple,
    travel: TravelMatrix,
    targets: Targets,
    warnings: list[str],
) -> tuple[list[Tour], tuple]:
    """``run`` over the plan, and ``note``'s French line in ``warnings`` when it changed a day."""
    before = need_shares(instance, tours, targets)
    tours, new_shifts, changed = run(instance, tours, shifts, travel, targets.visits)
    if changed:
        warnings.append(note(changed, before, need_shares(instance, tours, targets)))
    return tours, tuple(new_shifts)


def regrouped_note(days: int, before: NeedShares, after: NeedShares) -> str:
    """What choosing every bus day's communes at once (`planner.crews.day_sets`) changed, in French."""
    return (
        f"{days} journée(s) de bus recomposée(s) toutes ensemble, mêmes bus, mêmes jours et mêmes équipes : les "
        "communes de chaque journée choisies avec celles de toutes les autres (zones prioritaires d'abord, puis le "
        f"besoin, puis moins de route). Besoin servi : {shares_moved(before, after)}."
    )


def crew_days_note(opened: int, before: NeedShares, after: NeedShares) -> str:
    """What moving crews' days to parked buses (`planner.crews.crew_day_moves`) changed, in French."""
    return (
        f"{opened} bus à l'arrêt faute d'équipe ouvert(s) avec l'équipe d'un autre bus de la même semaine, "
        f"les journées des deux semaines recomposées : {shares_moved(before, after)}."
    )


def shares_moved(before: NeedShares, after: NeedShares) -> str:
    """The need shares before → after, priority zones first, and why need fell if it did."""

    def change(old: float, new: float) -> str:
        return f"{percent_fr(old, 2)} → {percent_fr(new, 2)}"

    moved = change(before.need, after.need)
    if before.priority is not None and after.priority is not None:
        moved = f"en zones prioritaires {change(before.priority, after.priority)} ; en tout {moved}"
    if after.need < before.need - 1e-9:
        moved += " (les zones prioritaires passent d'abord : leur gain a coûté du besoin ailleurs)"
    return moved


def fill_free_sessions(
    instance: Instance, tours: list[Tour], shifts: tuple, travel: TravelMatrix, targets: Targets
) -> tuple[list[Tour], tuple, int]:
    """Every bus day that can hold one more session for a commune below its target gets it
    (`planner.crews.free_capacity`): the pattern is regular, and leaves days a regular pattern
    cannot fill every week. Returns the tours, the shifts and how many sessions were added."""
    found, tours, new_shifts = free_sessions(instance, tours, shifts, travel, targets.visits, fill=True)
    return tours, tuple(new_shifts), sum(1 for f in found if f.tour is not None)


def rules_bound_for(
    instance: Instance,
    travel: TravelMatrix,
    targets: Targets,
    staffed: bool,
    limits: tuple[PostLimit, ...],
    priority_served: float,
) -> RulesBound | None:
    """The bound of the rules (`planner.tours.rules_bound`): on priority zones' need over every plan
    the validator accepts, whatever the method, and on need over those that serve at least
    ``priority_served`` in priority zones (the plan's own share, unrounded: priority zones come first);
    ``staffed``: the roster is counted. Unrounded (the dated search stops at it; `bound_kpis`)."""
    if staffed:
        day_crews, place_crews = bus_day_sessions(instance), crew_counts(instance)
    else:
        day_crews, place_crews, limits = (lambda u, d: u.sessions_per_day), any_crew, ()
    return rules_bound(
        instance,
        travel,
        targets.visits,
        targets.places,
        day_crews=day_crews,
        place_crews=place_crews,
        post_limits=limits,
        people=instance.staff if staffed else (),
        priority_floor=priority_served,
    )


def bound_kpis(found: RulesBound | None) -> dict[str, float]:
    """A bound as the plan's KPIs ``need_bound_share`` and ``priority_bound_share``, rounded up
    (`_ceil4`)."""
    if found is None:
        return {}
    kpis = {"need_bound_share": _ceil4(found.need_share)}
    if found.priority_share is not None:
        kpis["priority_bound_share"] = _ceil4(found.priority_share)
    return kpis


#: How `unpaired_bound_note` begins (`bench/bench_quality.py` marks such bounds by it).
UNPAIRED_BOUND = "Borne des règles calculée sans apparier les séances date par date"


def unpaired_bound_note(instance: Instance, found: RulesBound | None) -> str:
    """What the bound leaves out where it does not pair a day's sessions date by date (too many
    pairs: the Orne département, Gers-Armagnac; they are counted over each unit's days), in French,
    or "". It may count days the rule between sessions forbids, so the gap to it may overstate what
    the plan leaves (docs/architecture.md, "How loose the bound of the rules is")."""
    if found is None or found.days_paired:
        return ""
    return (
        f" {UNPAIRED_BOUND} (trop de paires possibles : elles sont comptées sur tous les jours de chaque "
        "unité ; ou plus de deux séances par jour) : "
        "elle peut compter des journées que la règle des "
        f"{instance.rules.max_drive_between_sessions} min entre séances interdit, et donc dépasser le meilleur "
        "plan possible."
    )


def _bound_ahead(
    instance: Instance, travel: TravelMatrix, targets: Targets, staffed: bool, limits: tuple[PostLimit, ...]
) -> Future[RulesBound | None] | None:
    """Without priority-zone targets the bound of the rules has no floor to wait for: it is solved
    in a thread beside the search (its solvers release the GIL; the demo's 0.3 s overlap the pattern
    search), the same bound as after it, and stops the dated search once reached. ``None`` with
    priority zones: it waits for the plan."""
    if has_priority_targets(instance, targets.visits, targets.places):
        return None
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="borne")
    future = pool.submit(rules_bound_for, instance, travel, targets, staffed, limits, 0.0)
    pool.shutdown(wait=False)
    return future


def _ceil4(share: float) -> float:
    """A bound rounded up to the KPIs' four decimals, so that rounding never puts it below a plan."""
    return math.ceil(share * 10_000 - 1e-9) / 10_000


def raise_if_invalid(instance: Instance, plan: Plan, travel: TravelMatrix, what: str) -> None:
    """A plan the solvers made breaks a hard rule: a defect, raised as `PlanningError` with the rules."""
    violations = validate_as_made(instance, plan, travel)
    if violations:
        lines = "\n".join(f"- {v.message}" for v in violations[:20])
        msg = f"{what} enfreint {len(violations)} règle(s) ; merci de signaler ce défaut :\n{lines}"
        raise PlanningError(msg)


def _choose_pattern(
    problem: PatternProblem, options: PlanOptions, time_limit: float | None, previous: Pattern | None, report: Progress
) -> Pattern:
    """The greedy pattern, or CP-SAT's from the ``previous`` pattern (the greedy one at first)."""
    if options.method != "cp-sat":
        return greedy_pattern(problem)
    hint = greedy_pattern(problem) if previous is None else previous
    return solve_pattern(
        problem, time_limit=time_limit, seed=options.seed, hint=hint, workers=options.threads, progress=report
    )


def _scaled(report: Progress, low: float, high: float, label: str = "") -> Progress:
    """``report`` for a part of the work running from ``low`` to ``high`` of the whole, its messages
    after ``label``."""
    return lambda fraction, message: report(low + (high - low) * fraction, f"{label}{message}")


def better_plan(plan_: Plan, smaller: Plan, smaller_budget: float) -> Plan:
    """The better of ``plan_`` and the plan at ``smaller_budget`` (more priority-zone need, then more
    need, then less driving; ``plan_`` on a tie), its ``search`` saying what was compared and kept."""
    names = ("priority_need_served_share", "need_served_share", "drive_minutes_per_week")
    full, half = ([p.kpis.get(n, 0.0) for n in names] for p in (plan_, smaller))
    budget = f"{number_fr(smaller_budget, None)} s"
    if (half[0], half[1], -half[2]) <= (full[0], full[1], -full[2]):
        text = f"Le plan au budget de {budget}, calculé aussi, ne servait pas plus."
        return replace(plan_, search=f"{plan_.search} {text}")
    if half[0] != full[0]:
        less = f"moins de besoin en zones prioritaires ({percent_fr(full[0], 2)} contre {percent_fr(half[0], 2)})"
    elif half[1] != full[1]:
        less = f"moins de besoin ({percent_fr(full[1], 2)} contre {percent_fr(half[1], 2)})"
    else:
        less = f"autant, avec plus de route ({number_fr(full[2])} min par semaine contre {number_fr(half[2])})"
    text = (
        f"Plan au budget de {budget}, gardé : celui du budget double servait {less} "
        "(les passes après le motif sont des recherches locales)."
    )
    return replace(smaller, search=f"{smaller.search} {text}")


def _between(report: Progress, low: float, high: float) -> Progress:
    """``report`` for the pattern's search, which runs from ``low`` to ``high`` of the whole: its own
    fractions mapped there, its messages after the step's name."""
    return lambda fraction, message: report(low + (high - low) * fraction, f"{PATTERN_STEP} : {message}…")


def assemble(
    instance: Instance,
    tours: list[Tour],
    shifts: tuple,
    travel: TravelMatrix,
    warnings: list[str],
    seconds: float,
    reasons: dict[str, str] | None = None,
    *,
    search: str = "",
    extra_kpis: dict[str, float] | None = None,
    uncrewed: int = 0,
    targets: Targets | None = None,
) -> Plan:
    """A `Plan` with its KPIs and what was left out, from its tours and shifts.

    ``search`` says how the weekly pattern was found; ``extra_kpis`` are figures of the search
    (the proven bound on need served), listed after the plan's own; ``uncrewed`` counts tours dropped
    for want of a crew; ``targets`` are the plan's (computed here when not given).
    """
    tours = sorted(tours, key=lambda t: (t.date, t.unit_id))
    targets = targets or Targets.of(instance, travel)
    unserved = unserved_communes(instance, tours, travel, reasons, targets)
    kpis = compute_kpis(instance, tours, shifts, travel, uncrewed=uncrewed, targets=targets) | (extra_kpis or {})
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
        search=search,
    )
