"""Hand-built plans for the publishing tests (serialisation, store, feeds, posters) and bench/.

No solver: every tour, session and shift is written out, so each test knows exactly what to expect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from planner.domain.instance import Instance, Role, Rules
from planner.domain.plan import Plan, Session, Shift, Tour, shift_times


def make_tour(unit_id: str, day: date, stops: Sequence[tuple[str, int, int]], *, drive: int = 20) -> Tour:
    """A tour visiting ``stops`` = [(insee, start, end), …] (minutes), ``drive`` minutes between places."""
    sessions = tuple(Session(insee, insee, start - 10, start, end, end + 10) for insee, start, end in stops)
    return Tour(
        unit_id=unit_id,
        date=day,
        leave_depot=stops[0][1] - 10 - drive,
        back_at_depot=stops[-1][2] + 10 + drive,
        sessions=sessions,
        drive_minutes=float(drive * (len(stops) + 1)),
        drive_km=float(drive * (len(stops) + 1)),
    )


def crew_shifts(tour: Tour, crew: Mapping[Role, Iterable[str]], rules: Rules | None = None) -> list[Shift]:
    """Shifts covering the whole tour for each (role, staff ids), set-up included (``rules``'
    timing, else the default one)."""
    start, end = shift_times(tour, None, rules or Rules(start=tour.date, weeks=1))
    return [
        Shift(tour.unit_id, tour.date, staff_id, role, start, end) for role, ids in crew.items() for staff_id in ids
    ]


MORNING = (9 * 60, 12 * 60)
AFTERNOON = (14 * 60, 17 * 60)


def sample_plan(instance: Instance, *, weeks: int | None = None) -> Plan:
    """Two tours a week (Monday, Thursday) of the first unit over ``small_instance``'s communes.

    Monday: 76001 morning, 76002 afternoon; Thursday: 76003 morning, 76004 afternoon. Doctors d1/d2
    alternate by week, driver c1 always.
    """
    weeks = weeks or instance.rules.weeks
    unit = instance.units[0].id
    tours, shifts = [], []
    for w in range(weeks):
        monday = instance.rules.start + timedelta(days=7 * w)
        doctor = "d1" if w % 2 == 0 else "d2"
        for day, (a, b) in ((monday, ("76001", "76002")), (monday + timedelta(days=3), ("76003", "76004"))):
            tour = make_tour(unit, day, [(a, *MORNING), (b, *AFTERNOON)])
            tours.append(tour)
            shifts += crew_shifts(tour, {Role.DOCTOR: [doctor], Role.DRIVER: ["c1"]})
    return Plan(
        instance_name=instance.name,
        start=instance.rules.start,
        weeks=weeks,
        tours=tuple(tours),
        shifts=tuple(shifts),
        kpis={"sessions_per_week": 4.0},
        warnings=("exemple d'avertissement",),
        travel_label="estimation (test)",
    )


def replanned_sample_plan(instance: Instance) -> Plan:
    """The sample plan after a re-plan: Monday week 1 afternoon moved to 15:00, Thursday week 2 dropped,
    and d3 instead of d1 on Monday week 1."""
    plan = sample_plan(instance)
    first, *rest = plan.tours
    moved = make_tour(
        first.unit_id, first.date, [(first.sessions[0].insee, 9 * 60, 12 * 60), ("76002", 15 * 60, 18 * 60)]
    )
    kept = [t for t in rest if t.key != "bus1/2027-01-14"]
    shifts = [s for s in plan.shifts if s.tour_key not in (first.key, "bus1/2027-01-14")]
    shifts += crew_shifts(moved, {Role.DOCTOR: ["d3"], Role.DRIVER: ["c1"]})
    return replace(plan, tours=(moved, *kept), shifts=tuple(shifts))
