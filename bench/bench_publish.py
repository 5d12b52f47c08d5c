"""Time to publish a large plan: every iCal feed, every printable page, and the whole all-or-nothing
publication (`publish_version`: validation, a versioned folder flushed to disk, the atomic switch, the
store), first and after a re-plan.

Case: the Mobil'Santé of Vichy (mobilsante-vichy) over 12 weeks, planned once with the greedy method (the
timings here are of publishing, not planning), then re-planned with a doctor away for two weeks.
Prints the median of 3 runs of each step.

    python bench/bench_publish.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.domain.instance import Role
from planner.planning.changes import StaffUnavailable
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan as make_plan
from planner.planning.replan import replan
from planner.publish.feeds import publish_feeds
from planner.publish.plan_inputs import PlanInputs, Settings, TerritoryFiles
from planner.publish.posters import write_posters
from planner.publish.publication import publish_version
from planner.publish.store import PlanStore

TERRITORY, WEEKS = "mobilsante-vichy", 12
RUNS = 3
STAMP = datetime(2026, 12, 1, tzinfo=UTC)


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def median_of(make) -> float:
    return statistics.median(make() for _ in range(RUNS))


def main() -> None:
    files = TerritoryFiles.load(TERRITORY)
    inputs = PlanInputs(files, Settings({"weeks": WEEKS}), PlanOptions(method="greedy"))
    instance = inputs.instance()
    plan = make_plan(instance, inputs.options)
    doctor = next(s.staff_id for s in plan.shifts if s.role is Role.DOCTOR)
    today = instance.rules.start + timedelta(days=14)
    change = StaffUnavailable(doctor, today, today + timedelta(days=13))
    new = replan(instance, plan, [change], today=today, time_limit=5).plan
    after = inputs.with_changes([change], today)
    print(
        f"cas : {TERRITORY}, {len(instance.staff)} personnes, {len(instance.units)} unités, {WEEKS} semaines, "
        f"{len(plan.tours)} tournées, {len(plan.sessions())} passages, {len(plan.shifts)} gardes"
    )
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        counter = iter(range(1000))

        def feeds_only() -> float:
            return timed(lambda: publish_feeds(instance, plan, tmp / f"f{next(counter)}", stamp=STAMP))

        def posters_only() -> float:
            return timed(
                lambda: write_posters(instance, plan, tmp / f"p{next(counter)}", base_url="https://exemple.org/x")
            )

        def with_store() -> tuple[float, float, float]:
            n = next(counter)
            store = PlanStore(tmp / f"ws{n}")
            out = tmp / f"s{n}"
            first = timed(lambda: publish_version(store, store.save(plan, instance, inputs=inputs), out, stamp=STAMP))
            second = timed(
                lambda: publish_version(store, store.save(new, after.instance(), inputs=after), out, stamp=STAMP)
            )
            diff = timed(lambda: store.diff(1, 2))
            return first, second, diff

        feeds = median_of(feeds_only)
        posters = median_of(posters_only)
        runs = [with_store() for _ in range(RUNS)]
        index = publish_feeds(instance, plan, tmp / "last", stamp=STAMP)
        pages = write_posters(instance, plan, tmp / "last")
        size = sum(p.stat().st_size for p in index.all_paths() + pages)
        print(f"fichiers : {len(index.all_paths())} calendriers/index + {len(pages)} pages/CSV, {size / 1e6:.1f} Mo")
        print(f"calendriers (sans registre)                 : {feeds:6.2f} s (médiane de {RUNS})")
        print(f"affiches, tableaux, listes, CSV             : {posters:6.2f} s (médiane de {RUNS})")
        print(f"enregistrer + publier tout (1re publication): {statistics.median(r[0] for r in runs):6.2f} s")
        print(f"idem après re-planification (SEQUENCE)      : {statistics.median(r[1] for r in runs):6.2f} s")
        print(f"différences entre les deux versions         : {statistics.median(r[2] for r in runs):6.2f} s")
        ratio = statistics.median(r[0] for r in runs) / (feeds + posters)
        print(f"rapport publication complète / (calendriers + pages) : {ratio:.2f}")


if __name__ == "__main__":
    main()
