"""Quality of the plans, side by side: this method, the greedy baseline, and the previous method.

For the built-in territories, the whole Orne (5 buses, 12 weeks, 60 volunteers) and the benchmark
territories of bench/data (Creuse, Nièvre, Manche with fixed places), prints: need served, the
proven bound (of this method's model) and the gap to it, priority inversions, uncrewed tours, km
from home per shift (median / max), driving per session, population within 15 minutes, time and
peak memory, and the need served in priority zones (served before any other need: a plan
serving more of it may serve less need in all). Every plan is made in its own process (clean time and memory) and every figure is
measured by this tree's KPIs on the plan's tours and shifts, whatever method made them.

The previous method is main at commit 827f8ef, run from a separate checkout:

    git worktree add /tmp/prev 827f8ef
    python bench/bench_quality.py --previous /tmp/prev [--runs 1] [--only orne-departement,…]

Without ``--previous`` its column is left out. Timing figures are medians over ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TERRITORIES = (
    "medicobus-dieppe",
    "doctobus-evreux",
    "mobilsante-vichy",
    "orne-solidarite",
    "bench/data/orne-departement",
    "bench/data/creuse-sud",
    "bench/data/nievre-morvan",
    "bench/data/manche-centre",
)
METHODS = ("cp-sat", "greedy", "previous")


def child(territory: str, method: str, out: str) -> None:
    """In a fresh process: plan ``territory`` with ``method``, write the plan and the run's facts.

    For the previous method this process imports the previous checkout's ``planner``; only its
    public API (``load_territory``, ``plan``, ``PlanOptions``) is used, plus its pipeline's rota
    calls, watched to count the tours it left without a crew.
    """
    import resource
    import time

    import planner.planning.pipeline as pipeline
    from planner import PlanOptions, load_territory, plan
    from planner.publish.plan_json import write_plan_json

    uncrewed: list[int] = [0]
    real = pipeline.assign_crews

    def watched(*args, **kwargs):
        result = real(*args, **kwargs)
        uncrewed[0] = len(result.uncrewed)
        return result

    pipeline.assign_crews = watched
    instance = load_territory(territory)
    began = time.perf_counter()
    result = plan(instance, PlanOptions(method="greedy" if method == "greedy" else "cp-sat"))
    seconds = time.perf_counter() - began
    write_plan_json(result, Path(out) / "plan.json")
    facts = {
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "uncrewed": uncrewed[0],
    }
    (Path(out) / "facts.json").write_text(json.dumps(facts), encoding="utf-8")


def run_child(territory: str, method: str, previous: str | None) -> tuple[dict, Path]:
    """Plan in a subprocess (this tree, or the previous checkout); returns its facts and folder."""
    out = Path(tempfile.mkdtemp(prefix="bench-quality-"))
    source = previous if method == "previous" else str(ROOT)
    env = dict(os.environ, PYTHONPATH=source)
    place = territory if not territory.startswith("bench/") else str(ROOT / territory)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", place, method, str(out)]
    subprocess.run(command, env=env, cwd=tempfile.gettempdir(), check=True, capture_output=True)
    return json.loads((out / "facts.json").read_text(encoding="utf-8")), out


def measure(
    territory: str, method: str, previous: str | None, runs: int, bound: float | None, floor: float | None = None
) -> dict:
    """Every figure of one method on one territory, by this tree's KPIs. ``bound`` holds for plans
    serving at least ``floor`` of the priority zones' need: a plan serving less gets no gap."""
    from planner import load_territory
    from planner.publish.plan_json import read_plan_json
    from planner.results.kpis import compute_kpis
    from planner.travel import travel_for

    place = territory if not territory.startswith("bench/") else str(ROOT / territory)
    instance = load_territory(place)
    facts_runs = []
    for _ in range(runs):
        facts, out = run_child(territory, method, previous)
        facts_runs.append(facts)
    result = read_plan_json(out / "plan.json")
    kpis = compute_kpis(instance, list(result.tours), list(result.shifts), travel_for(instance))
    bound = result.kpis.get("need_bound_share", bound)
    served = kpis["need_served_share"]
    sessions = kpis["sessions_per_week"]
    return {
        "priority": kpis.get("priority_need_served_share"),
        "need": served,
        "bound": bound,
        "gap": (1 - served / bound) if bound and not _below(kpis.get("priority_need_served_share"), floor) else None,
        "inversions": kpis.get("inversions"),
        "uncrewed": facts_runs[-1]["uncrewed"],
        "home_median": kpis.get("home_km_median"),
        "home_max": kpis.get("home_km_max"),
        "drive_per_session": kpis["drive_minutes_per_week"] / sessions if sessions else 0.0,
        "pop15": kpis["population_within_15min"],
        "seconds": statistics.median(f["seconds"] for f in facts_runs),
        "peak_mb": max(f["peak_mb"] for f in facts_runs),
        "search": result.search,
    }


def _below(priority: float | None, floor: float | None) -> bool:
    return priority is not None and floor is not None and priority < floor - 1e-9


def _cell(value, fmt: str) -> str:
    width = int("".join(ch for ch in fmt.split(".")[0] if ch.isdigit()) or 0)
    return "—".rjust(width) if value is None else format(value, fmt)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--previous", help="checkout of main at 827f8ef (git worktree add /tmp/prev 827f8ef)")
    parser.add_argument("--runs", type=int, default=1, help="runs per plan (time: median)")
    parser.add_argument("--only", help="territories, comma-separated (default: all)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    territories = args.only.split(",") if args.only else TERRITORIES
    methods = [m for m in METHODS if m != "previous" or args.previous]
    header = (
        f"{'territoire':<28}{'méthode':<10}{'prio.':>7}{'besoin':>8}{'borne':>8}{'écart':>7}{'invers.':>8}{'ss équipe':>10}"
        f"{'dom. méd.':>10}{'dom. max':>9}{'cond./séance':>13}{'pop ≤15 min':>12}{'temps s':>9}{'Mo':>7}"
    )
    print(header)
    print("-" * len(header))
    for territory in territories:
        bound = floor = None
        for method in methods:
            row = measure(territory, method, args.previous, args.runs, bound, floor)
            if bound is None:
                bound, floor = row["bound"], row["priority"]
            name = territory.removeprefix("bench/data/")
            print(
                f"{name:<28}{method:<10}{_cell(row['priority'], '7.1%')}{_cell(row['need'], '8.1%')}{_cell(row['bound'], '8.1%')}"
                f"{_cell(row['gap'], '7.1%')}{_cell(row['inversions'], '8')}{row['uncrewed']:>10}"
                f"{_cell(row['home_median'], '10.1f')}{_cell(row['home_max'], '9.1f')}{row['drive_per_session']:>13.1f}"
                f"{row['pop15']:>12}{row['seconds']:>9.1f}{row['peak_mb']:>7.0f}",
                flush=True,
            )
        print()
    print(
        "écart « — » : le plan sert moins le besoin des zones prioritaires que celui de la borne, qui ne "
        "vaut que pour les plans qui en servent au moins autant (zones prioritaires d'abord)."
    )


if __name__ == "__main__":
    main()
