"""Time to publish a large plan: every iCal feed and every printable page.

Case built by hand (no solver): 60 staff (40 doctors, 20 drivers), 5 buses, 40 communes, 12 weeks,
each bus out Monday to Friday with two sessions a day and a doctor + a driver: 300 tours, 600 sessions,
600 shifts. Prints the median of 3 runs of each step.

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

from planner.domain.instance import Instance, Role, Rules
from planner.domain.plan import Plan
from planner.publish.feeds import publish_feeds
from planner.publish.posters import write_posters
from planner.publish.store import PlanStore
from tests.builders import MONDAY, bus, commune, person
from tests.plan_builders import AFTERNOON, MORNING, crew_shifts, make_tour

WEEKS, UNITS, COMMUNES, DOCTORS, DRIVERS = 12, 5, 40, 40, 20
RUNS = 3
STAMP = datetime(2026, 12, 1, tzinfo=UTC)


def large_case() -> tuple[Instance, Plan]:
    communes = tuple(commune(f"76{i:03d}", 49.7 + 0.01 * i, 1.0 + 0.01 * i) for i in range(COMMUNES))
    units = tuple(bus(f"bus{u}") for u in range(UNITS))
    staff = tuple(person(f"d{i:02d}", {Role.DOCTOR}) for i in range(DOCTORS)) + tuple(
        person(f"c{i:02d}", {Role.DRIVER}) for i in range(DRIVERS)
    )
    instance = Instance("bench", communes, units, staff, Rules(start=MONDAY, weeks=WEEKS), title="Banc d'essai")
    tours, shifts = [], []
    for w in range(WEEKS):
        for d in range(5):
            day = MONDAY + timedelta(days=7 * w + d)
            for u in range(UNITS):
                a = communes[(2 * (u * 5 + d)) % COMMUNES].insee
                b = communes[(2 * (u * 5 + d) + 1) % COMMUNES].insee
                tour = make_tour(f"bus{u}", day, [(a, *MORNING), (b, *AFTERNOON)])
                tours.append(tour)
                doctor = f"d{(u * 5 + d + w) % DOCTORS:02d}"
                driver = f"c{(u * 4 + d + w) % DRIVERS:02d}"
                shifts += crew_shifts(tour, {Role.DOCTOR: [doctor], Role.DRIVER: [driver]})
    plan = Plan("bench", MONDAY, WEEKS, tuple(tours), tuple(shifts))
    return instance, plan


def replanned(plan: Plan) -> Plan:
    """Every 10th tour dropped, every 7th tour's afternoon an hour later: a realistic re-plan."""
    tours = []
    for i, t in enumerate(plan.tours):
        if i % 10 == 0:
            continue
        if i % 7 == 0:
            a, b = t.sessions
            t = make_tour(t.unit_id, t.date, [(a.insee, a.start, a.end), (b.insee, b.start + 60, b.end + 60)])
        tours.append(t)
    keys = {t.key for t in tours}
    return Plan(
        plan.instance_name, plan.start, plan.weeks, tuple(tours), tuple(s for s in plan.shifts if s.tour_key in keys)
    )


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def median_of(make) -> float:
    return statistics.median(make() for _ in range(RUNS))


def main() -> None:
    instance, plan = large_case()
    print(
        f"cas : {len(instance.staff)} personnes, {len(instance.units)} unités, {WEEKS} semaines, "
        f"{len(plan.tours)} tournées, {len(plan.sessions())} passages, {len(plan.shifts)} gardes"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
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
            first = timed(
                lambda: (
                    store.publish(store.save(plan, instance)),
                    publish_feeds(instance, plan, tmp / f"s{n}", store=store, stamp=STAMP),
                )
            )
            new = replanned(plan)
            second = timed(
                lambda: (
                    store.publish(store.save(new, instance)),
                    publish_feeds(instance, new, tmp / f"s{n}", store=store, stamp=STAMP),
                )
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
        print(f"calendriers (sans registre)               : {feeds:6.2f} s (médiane de {RUNS})")
        print(f"affiches, tableaux, listes, CSV           : {posters:6.2f} s (médiane de {RUNS})")
        print(f"enregistrer + publier + calendriers (1re) : {statistics.median(r[0] for r in runs):6.2f} s")
        print(f"idem après re-planification (SEQUENCE)    : {statistics.median(r[1] for r in runs):6.2f} s")
        print(f"différences entre les deux versions       : {statistics.median(r[2] for r in runs):6.2f} s")


if __name__ == "__main__":
    main()
