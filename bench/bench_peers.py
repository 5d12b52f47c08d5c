"""Ahead of the peers (issue 23, item 2): PyVRP and OR-Tools routing against `planner plan` on one week.

For each benchmark territory, the one-week version of it (``Instance.replace(rules=…weeks=1)``) is
planned by the planner (``plan(instance_1week, PlanOptions())``, its wall time measured) and given to
two general-purpose routing solvers under exactly the planner's rules, derived from the planner's code
(bench/peer_models.py says which and how): the same travel matrix (``travel_for(instance,
"estimate")``), the same candidate communes and value of a visit (KPI need: need × min(visits,
target) on one week; priority zones first, then need, then driving), every bus that can reach a
commune (`reachable`, no nearest-two cut), sessions on the time grid within working hours, the lunch
break, sessions per day, the 30-min pairing, one visit per commune a day, ``min_gap_days``,
``ceil(target)`` visits at most, and only the (bus, date)s and half-days the roster can crew
(`crew_counts`).

- **PyVRP** 0.14: prize-collecting VRPTW, one vehicle type per (bus, date), mutually exclusive client
  groups (at most one visit of a commune, or ``k`` runs of dates for ``k`` visits), seed 0,
  ``MaxRuntime``.
- **OR-Tools routing**: disjunctions with need penalties, the same vehicles, time and count
  dimensions, guided local search with a time limit.

Each peer runs twice: with the planner's own wall time on that week, and with ``--seconds`` (60 s).
The peers' objective is need first, strictly; the planner may give up to ``need_tolerance_percent``
(1 % by default) of need for less driving, so a second planner row, "planner tol. 0", plans the same
week with no tolerance: the planner under the peers' own objective.
With ``--same-communes``, PyVRP also gets ``--seconds`` on the week reduced to the communes the
planner's bus days serve, each at most as often (`planners_communes`): it then serves the planner's
need at best, and its driving is the least it finds at the planner's own need ("at equal need"),
where the other rows compare plans that differ in need, however little.
Every peer route is then re-checked by the planner's own code (`peer_models.check_routes`: place and
reach, crew count, 30-min pairing, timed by `route_day`, the week's frequency and gaps), a route that
fails is dropped and counted; the routes kept are crewed by the planner's rota (`assign_crews`: a tour
it cannot crew is dropped and counted), run through the independent validator (violations are shown,
0 expected) and measured by the planner's KPIs (`compute_kpis` via `assemble`). The planner's own
bus days go through the same route checks (0 dropped expected: a check of the checks). Fixed places
are no routing problem: their tours are the planner's in every row (their need counts as the
planner's), and a territory whose units are all fixed is skipped.

Columns: territory | solver | time s (wall, model built and solved; the planner: ``plan()``) |
priority need % (KPI ``priority_need_served_share``, "—" without priority zones) | need %
(``need_served_share``) | driving min/week (``drive_minutes_per_week``) | routes dropped by the checks
(route checks + uncrewed) | sessions. Notes under the table give the reasons of drops, validator
violations, the solvers' status and objective, the planner's own week read into each peer's model
(accepted, and at what objective), and what of each week the planner's pattern model could not hold
though the rules allow it (`outside_pattern`: a bus beyond the commune's nearest two, a pair of
sessions `_pair_fits` refuses): where a peer beats the planner, this says whether the planner's model
or its search is short. ``--json`` also keeps every kept bus day.

Run (one run at a time, sequentially; about 2 × (planner time + 60 s) per territory):

    python bench/bench_peers.py                                  # every territory
    python bench/bench_peers.py --only dieppe,evreux,creuse,nievre
    python bench/bench_peers.py --only orne-departement --seconds 60
    python bench/bench_peers.py --skip-long                      # peers at the planner's time only
    python bench/bench_peers.py --json /tmp/peers.json           # rows also as JSON
    python bench/bench_peers.py --skip-long --same-communes       # driving at the planner's need

``--only`` takes names or parts of names (``dieppe`` matches ``medicobus-dieppe``). Territories:
the built-in medicobus-dieppe, doctobus-evreux, mobilsante-vichy, bench/data/creuse-sud,
bench/data/nievre-morvan, bench/data/orne-departement, and every folder of bench/data/unseen/ present
when the script runs. ``--skip-long`` leaves out the runs at ``--seconds``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from peer_models import (  # type: ignore[import-not-found]  # noqa: E402  (a sibling script, on sys.path above)
    PeerRun,
    WeekProblem,
    bus_routes_of,
    check_routes,
    ortools_objective,
    pyvrp_objective,
    solve_ortools,
    solve_pyvrp,
)

from planner.domain.instance import Instance, UnitKind  # noqa: E402

TERRITORIES = (
    "medicobus-dieppe",
    "doctobus-evreux",
    "mobilsante-vichy",
    "bench/data/creuse-sud",
    "bench/data/nievre-morvan",
    "bench/data/orne-departement",
)


def unseen() -> tuple[str, ...]:
    folder = ROOT / "bench" / "data" / "unseen"
    return tuple(f"bench/data/unseen/{f.name}" for f in sorted(folder.glob("*")) if (f / "scenario.toml").is_file())


def one_week(instance: Instance) -> Instance:
    return instance.replace(rules=dataclasses.replace(instance.rules, weeks=1))


@dataclasses.dataclass
class Row:
    territory: str
    solver: str
    seconds: float
    priority: float | None
    need: float
    drive: float
    dropped: int
    sessions: int
    notes: str = ""
    routes: list = dataclasses.field(default_factory=list)  # kept bus days: [unit, date, [INSEE…]] (JSON only)

    def cells(self) -> list[str]:
        prio = "—" if self.priority is None else f"{100 * self.priority:.2f}"
        return [
            self.territory,
            self.solver,
            f"{self.seconds:.1f}",
            prio,
            f"{100 * self.need:.2f}",
            f"{self.drive:.0f}",
            str(self.dropped),
            str(self.sessions),
        ]


HEADER = ["territory", "solver", "time s", "priority need %", "need %", "driving min/week", "dropped", "sessions"]


def table(rows: list[Row]) -> str:
    cells = [HEADER] + [r.cells() for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    lines = []
    for k, c in enumerate(cells):
        lines.append(
            " | ".join(x.ljust(w) if i < 2 else x.rjust(w) for i, (x, w) in enumerate(zip(c, widths, strict=True)))
        )
        if k == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def measure(instance, travel, targets, bus_tours, fixed_tours, seconds: float) -> tuple[Mapping[str, float], int, int]:
    """Crew the tours with the planner's rota, assemble and validate the plan, return its KPIs, the
    posts left uncrewed and the validator's violations."""
    from planner.check.validate import validate_as_made
    from planner.crews.posts import without_posts
    from planner.crews.rota_search import assign_crews
    from planner.planning.pipeline import assemble

    tours = list(bus_tours) + list(fixed_tours)
    rota = assign_crews(instance, tours, time_limit=1.0, seed=0)
    kept, shifts = without_posts(instance, tours, rota.shifts, rota.uncrewed)
    result = assemble(instance, kept, tuple(shifts), travel, [], seconds, targets=targets, uncrewed=len(rota.uncrewed))
    violations = validate_as_made(instance, result, travel)
    return result.kpis, len(rota.uncrewed), len(violations)


def pattern_problem_of(instance, travel):
    """The planner's own pattern problem of the week, built as `planner.planning.pipeline.plan` builds
    it (crews, fixed places' catchments, the roster's limits): which (commune, bus, slot) it offers
    and which sessions it lets follow each other (`PatternProblem.near`)."""
    from planner.crews.staffing import crew_counts, post_limits
    from planner.tours.catchment import catchment_demand, catchments
    from planner.tours.pattern_problem import any_crew, build_problem

    staffed = bool(instance.staff) and any(u.crew for u in instance.units)
    return build_problem(
        instance,
        travel,
        crews=crew_counts(instance) if staffed else any_crew,
        demand=catchment_demand(instance, catchments(instance, travel)),
        post_limits=post_limits(instance) if staffed else (),
    )


def outside_pattern(problem, instance, tours) -> tuple[int, int]:
    """What of ``tours`` the planner's pattern model cannot hold, though the rules allow it: sessions
    by a bus it does not offer the commune (beyond its `MAX_UNITS_PER_COMMUNE` nearest units in reach,
    or a commune left out of the model), and consecutive sessions it would not pair
    (`PatternProblem.near`: within the 30-min drive and `_pair_fits`)."""
    offered = {insee: {slot.unit_id for slot in slots} for insee, slots in problem.allowed.items()}
    sessions = pairs = 0
    for t in tours:
        if instance.unit(t.unit_id).kind is not UnitKind.BUS:
            continue
        sessions += sum(t.unit_id not in offered.get(s.insee, ()) for s in t.sessions)
        pairs += sum(
            b.insee not in problem.near.get((t.unit_id, a.insee), ()) for a, b in zip(t.sessions, t.sessions[1:])
        )
    return sessions, pairs


def run_territory(name: str, long_seconds: float, skip_long: bool, out, same_communes: bool = False) -> list[Row]:
    from planner import load_territory
    from planner.results.kpis import Targets
    from planner.tours.catchment import catchments
    from planner.travel import travel_for

    short = name.rsplit("/", 1)[-1]
    place = str(ROOT / name) if name.startswith("bench/") else name
    instance = one_week(load_territory(place))
    if all(u.kind is UnitKind.FIXED for u in instance.units):
        print(f"{short}: every unit is a fixed place, no routing problem: skipped", file=out, flush=True)
        return []

    travel = travel_for(instance, "estimate")
    targets = Targets.from_catchments(instance, catchments(instance, travel))
    week = WeekProblem.of(instance, travel, dict(targets.visits))
    first, planned = planner_row(instance, week, short, "planner")
    planner_seconds = first.seconds
    fixed_tours = [t for t in planned.tours if instance.unit(t.unit_id).kind is UnitKind.FIXED]
    problem = pattern_problem_of(instance, travel)
    k = planned.kpis
    first.notes += (
        f"; uncrewed {int(k.get('uncrewed_tours', 0))}; bounds: priority {k.get('priority_bound_share', '—')}, "
        f"need {k.get('need_bound_share', '—')}"
    )
    rows = [first]
    print(
        f"{short} (load average {os.getloadavg()[0]:.1f}): {len(week.vehicles)} bus days, "
        f"{len(week.demand)} bus candidates, {len(week.options)} (commune, date, clock) options; "
        f"planner {planner_seconds:.1f} s" + (f"; crew-limited days: {week.notes}" if week.notes else ""),
        file=out,
        flush=True,
    )
    rows[0].routes = [[t.unit_id, t.date.isoformat(), [x.insee for x in t.sessions]] for t in planned.tours]
    beyond, unpaired = outside_pattern(problem, instance, planned.tours)
    rows[0].notes += f"; outside its own pattern model (days added beyond it): {beyond} session(s), {unpaired} pair(s)"
    # The planner's bus days through the peers' measuring path (rota, assemble, KPIs): the same
    # figures as its own KPIs, or the comparison is not like for like.
    bus = [t for t in planned.tours if instance.unit(t.unit_id).kind is UnitKind.BUS]
    again, _, _ = measure(instance, travel, targets, bus, fixed_tours, planner_seconds)
    rows[0].notes += (
        f"; re-measured as the peers are: priority {again.get('priority_need_served_share', '—')}, "
        f"need {again['need_served_share']}, driving {again['drive_minutes_per_week']}"
    )
    # The planner's own week read into each peer's model: accepted (the model is no stricter than
    # the rules there) and at what objective, to compare with what the peer finds.
    read_in = {"pyvrp": pyvrp_objective(week, planned.tours), "ortools": ortools_objective(week, planned.tours)}
    rows[0].notes += "; its week in the peers' models: " + ", ".join(
        f"{s} {'rejected' if v is None else f'objective {v}'}" for s, v in read_in.items()
    )
    if instance.rules.need_tolerance_percent:
        rows.append(strict_row(instance, week, short))
        print("  " + " | ".join(rows[-1].cells()), file=out, flush=True)
    budgets = [("own", planner_seconds)] + ([] if skip_long else [("long", long_seconds)])
    runs = [(label, seconds, solver, week) for label, seconds in budgets for solver in ("pyvrp", "ortools")]
    if same_communes:
        runs.append(("same", long_seconds, "pyvrp", planners_communes(week, bus)))
    for label, seconds, solver, given in runs:
        run: PeerRun = solve_pyvrp(given, seconds, seed=0) if solver == "pyvrp" else solve_ortools(given, seconds)
        checked = check_routes(week, run.routes)
        kpis, uncrewed, violations = measure(instance, travel, targets, checked.tours, fixed_tours, run.seconds)
        beyond, unpaired = outside_pattern(problem, instance, checked.tours)
        dropped = Counter(checked.dropped)
        if uncrewed:
            dropped["uncrewed"] += uncrewed
        row = Row(
            short,
            {"long": f"{solver} {seconds:.0f}s", "same": f"{solver} {seconds:.0f}s, planner's communes"}.get(
                label, f"{solver} @planner"
            ),
            run.seconds,
            kpis.get("priority_need_served_share"),
            kpis["need_served_share"],
            kpis["drive_minutes_per_week"],
            sum(dropped.values()),
            sum(len(t.sessions) for t in checked.tours) + sum(len(t.sessions) for t in fixed_tours),
            f"{run.status}; {len(run.routes)} routes; dropped {dict(dropped) or 'none'}; "
            f"validator violations {violations}; outside the planner's pattern model: {beyond} session(s) "
            f"by a bus it does not offer, {unpaired} pair(s) it would not pair",
        )
        row.routes = [[t.unit_id, t.date.isoformat(), [x.insee for x in t.sessions]] for t in checked.tours]
        rows.append(row)
        print("  " + " | ".join(row.cells()) + f"   ({row.notes})", file=out, flush=True)
    return rows


def planners_communes(week: WeekProblem, bus_tours) -> WeekProblem:
    """The week with only the communes the planner's bus days serve, each at most as often: a peer
    on it serves the planner's need at best, so its driving is the planner's at equal need."""
    visits = Counter(s.insee for t in bus_tours for s in t.sessions)
    demand = {i: dataclasses.replace(d, visits=min(d.visits, visits[i])) for i, d in week.demand.items() if visits[i]}
    options = [o for o in week.options if o.insee in demand]
    return dataclasses.replace(week, demand=demand, options=options)


def planner_row(instance: Instance, week: WeekProblem, short: str, solver: str) -> tuple[Row, Any]:
    """``instance`` planned by the planner (``plan()`` timed), as a row, with the plan."""
    from planner import PlanOptions, plan

    began = time.perf_counter()
    planned = plan(instance, PlanOptions())
    seconds = time.perf_counter() - began
    k = planned.kpis
    own = check_routes(week, bus_routes_of(instance, planned.tours))
    row = Row(
        short,
        solver,
        seconds,
        k.get("priority_need_served_share"),
        k["need_served_share"],
        k["drive_minutes_per_week"],
        sum(own.dropped.values()),
        sum(len(t.sessions) for t in planned.tours),
        f"route checks on its own bus days: {dict(own.dropped) or 'none dropped'}; {planned.search}",
    )
    return row, planned


def strict_row(instance: Instance, week: WeekProblem, short: str) -> Row:
    """The planner on the same week with no need tolerance (the peers' objective: need strictly first)."""
    strict = instance.replace(rules=dataclasses.replace(instance.rules, need_tolerance_percent=0))
    row, _ = planner_row(strict, week, short, "planner tol. 0")
    row.notes = f"need_tolerance_percent 0; {row.notes}"
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="territories (names or parts of names), comma-separated")
    parser.add_argument("--seconds", type=float, default=60.0, help="the peers' long budget (default 60)")
    parser.add_argument("--skip-long", action="store_true", help="peers only at the planner's own wall time")
    parser.add_argument("--json", default="", help="also write the rows to this JSON file")
    parser.add_argument(
        "--same-communes",
        action="store_true",
        help="also PyVRP for --seconds on the communes the planner serves only (its driving at equal need)",
    )
    args = parser.parse_args(argv)
    names = TERRITORIES + unseen()
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        names = tuple(n for n in names if any(w in n for w in wanted))
    rows: list[Row] = []
    for name in names:
        rows += run_territory(name, args.seconds, args.skip_long, sys.stderr, args.same_communes)
        if args.json:
            Path(args.json).write_text(json.dumps([dataclasses.asdict(r) for r in rows], indent=1), encoding="utf-8")
    print(table(rows))
    print()
    for r in rows:
        print(f"- {r.territory} / {r.solver}: {r.notes}")


if __name__ == "__main__":
    main()
