"""Benchmark of the planning core against the greedy baseline, in the same run.

Prints, for each case, the median time to plan over several runs (wall clock, and the process's CPU
time, which a busy machine inflates less), the peak memory of the process so far, and the KPIs of
the CP-SAT plan and of the "nearest highest-need first" greedy plan (same roll-out, rota and
validator), then the ratios. Targets (issue 3): medicobus-dieppe 4 weeks < 5 s, doctobus-evreux 8
weeks < 20 s, all communes of Orne with 3 units over 4 weeks < 60 s; CP-SAT at least as good on need
served, with less driving per session. Issue 23: the Orne département (bench/data, 381 communes,
5 buses, 12 weeks, 60 volunteers; case ``departement``) < 60 s and < 1 GB at the default budget
(``--time-limit 0``); the demo end to end is measured on the command line
(``python -X importtime -m planner plan``, ``/usr/bin/time -v``).

    python bench/bench_plan.py [--runs 3] [--time-limit 5] [--cases medicobus,doctobus,orne,departement]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from planner.domain.instance import (
    HalfDay,
    Instance,
    Point,
    Role,
    Rules,
    Staff,
    TimeWindow,
    Unit,
    UnitKind,
)
from planner.inputs import load_communes, load_territory
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "planner" / "data"
ORNE_DEPOTS = {"61001": "Alençon", "61006": "Argentan", "61169": "Flers"}


def orne_department() -> Instance:
    """Every commune of Orne as a candidate, three buses (Alençon, Argentan, Flers), invented crews."""
    communes = load_communes(DATA / "communes" / "orne-departement.csv")
    by_insee = {c.insee: c for c in communes}
    units = tuple(
        Unit(
            id=f"bus-{name.lower()}",
            name=f"Bus de {name}",
            kind=UnitKind.BUS,
            depot=Point(name, by_insee[insee].lat, by_insee[insee].lon),
            days=frozenset(range(5)),
            hours=TimeWindow(8 * 60 + 30, 17 * 60 + 30),
            lunch=TimeWindow(12 * 60 + 30, 13 * 60 + 30),
            sessions_per_day=2,
            crew={Role.DOCTOR: 1, Role.DRIVER: 1},
        )
        for insee, name in ORNE_DEPOTS.items()
    )
    week = frozenset((d, h) for d in range(5) for h in HalfDay)
    staff = tuple(
        Staff(f"{role.value}-{i}", f"Personne {i} ({role.value}, exemple)", frozenset({role}), week, (), 3, 12)
        for role in (Role.DOCTOR, Role.DRIVER)
        for i in range(8)
    )
    rules = Rules(start=load_territory("medicobus-dieppe").rules.start, weeks=4, session_minutes=180)
    return Instance("orne-departement", communes, units, staff, rules, title="Orne (toutes communes, 3 bus)")


def cases(names: list[str]) -> list[tuple[str, Instance]]:
    found = []
    if "medicobus" in names:
        inst = load_territory("medicobus-dieppe")
        found.append(("medicobus-dieppe, 4 sem.", inst.replace(rules=replace(inst.rules, weeks=4))))
    if "doctobus" in names:
        inst = load_territory("doctobus-evreux")
        found.append(("doctobus-evreux, 8 sem.", inst.replace(rules=replace(inst.rules, weeks=8))))
    if "orne" in names:
        found.append(("Orne, 381 communes, 3 bus, 4 sem.", orne_department()))
    if "departement" in names:
        inst = load_territory(str(ROOT / "bench" / "data" / "orne-departement"))
        found.append(("Orne département, 5 bus, 12 sem., 60 bénévoles", inst))
    return found


KEYS = (
    ("need_served_share", "besoin couvert"),
    ("sessions_per_week", "séances/sem"),
    ("communes_served", "communes"),
    ("drive_minutes_per_week", "conduite min/sem"),
    ("drive_km_per_week", "km/sem"),
    ("regularity", "régularité"),
    ("population_within_15min", "pop ≤15 min"),
)


def run(instance: Instance, options: PlanOptions, runs: int):
    """The median wall-clock and CPU seconds of ``runs`` plans, and the last plan."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = plan(instance, options)
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return statistics.median(times), statistics.median(cpu), result


def peak_memory_mb() -> float:
    """The process's peak resident memory so far, in MB (``None`` where `resource` is missing)."""
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=10.0, help="0 : le budget par défaut du planificateur")
    parser.add_argument("--cases", default="medicobus,doctobus,orne")
    args = parser.parse_args()
    for label, instance in cases(args.cases.split(",")):
        print(
            f"\n== {label}: {len(instance.communes)} communes, {len(instance.units)} unité(s), "
            f"{len(instance.staff)} personnes"
        )
        rows = {}
        for method in ("greedy", "cp-sat"):
            options = PlanOptions(method=method, time_limit=args.time_limit or None)
            seconds, cpu, result = run(instance, options, args.runs)
            rows[method] = result.kpis
            per_session = result.kpis["drive_minutes_per_week"] / max(result.kpis["sessions_per_week"], 1e-9)
            figures = "  ".join(f"{name}={result.kpis[key]:g}" for key, name in KEYS)
            print(
                f"{method:7s} median {seconds:6.2f} s (CPU {cpu:6.2f} s) over {args.runs}, "
                f"peak {peak_memory_mb():.0f} MB  {figures}  conduite/séance={per_session:.1f} min"
            )
        g, c = rows["greedy"], rows["cp-sat"]
        need_ratio = c["need_served_share"] / g["need_served_share"] if g["need_served_share"] else float("inf")
        drive_g = g["drive_minutes_per_week"] / max(g["sessions_per_week"], 1e-9)
        drive_c = c["drive_minutes_per_week"] / max(c["sessions_per_week"], 1e-9)
        print(
            f"ratio cp-sat/greedy: need served ×{need_ratio:.3f}, "
            f"driving per session ×{drive_c / drive_g if drive_g else float('nan'):.3f}"
        )


if __name__ == "__main__":
    main()
