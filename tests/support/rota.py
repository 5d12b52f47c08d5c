"""The rota tests' small world: six communes in a row, one instance per roster, tours by week and
weekday, and Wednesdays no driver offers."""

from __future__ import annotations

from datetime import date, timedelta

from planner.domain.instance import (
    HalfDay,
    Instance,
    Role,
    Rules,
    Weights,
)
from planner.domain.plan import Tour
from tests.support.builders import MONDAY, bus, commune, person
from tests.support.plan_builders import AFTERNOON, MORNING, make_tour

COMMUNES = tuple(commune(f"7600{i}", 49.90 + 0.01 * i, 1.10 + 0.01 * i) for i in range(1, 7))


def instance_of(staff, *, units=None, weeks: int = 4, weights: Weights | None = None) -> Instance:
    rules = Rules(start=MONDAY, weeks=weeks, weights=weights or Weights())
    return Instance("rota", COMMUNES, tuple(units or (bus(),)), tuple(staff), rules)


def day(week: int, weekday: int) -> date:
    return MONDAY + timedelta(days=7 * week + weekday)


def tour(unit: str, when: date, insee: str = "76001", other: str = "76002") -> Tour:
    return make_tour(unit, when, [(insee, *MORNING), (other, *AFTERNOON)])


# --- assign_crews ---------------------------------------------------------------------------------


def wednesday_case() -> tuple[Instance, list[Tour]]:
    """No driver offers Wednesdays; doctors do."""
    no_wednesday = frozenset((d, h) for d in (0, 1, 3, 4) for h in HalfDay)
    staff = [
        person("d1", {Role.DOCTOR}),
        person("d2", {Role.DOCTOR}),
        person("c1", {Role.DRIVER}, availability=no_wednesday),
    ]
    tours = [
        tour("bus1", day(w, d), *(("76001", "76002") if d == 0 else ("76003", "76004")))
        for w in range(2)
        for d in (0, 2)
    ]
    return instance_of(staff, weeks=2), tours
