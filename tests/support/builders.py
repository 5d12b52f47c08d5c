"""Small hand-built instances and plans for tests: no files, no network, every value visible."""

from __future__ import annotations

from datetime import date

from planner.domain.instance import (
    Commune,
    HalfDay,
    Instance,
    Point,
    Role,
    Rules,
    Site,
    Staff,
    TimeWindow,
    Unit,
    UnitKind,
)

ALL_HALF_DAYS = frozenset((d, h) for d in range(5) for h in HalfDay)
MONDAY = date(2027, 1, 4)
#: The default bus's depot, working hours and lunch break.
DEPOT = Point("Dépôt", 49.90, 1.10)
HOURS = TimeWindow(8 * 60 + 30, 17 * 60 + 30)
LUNCH = TimeWindow(12 * 60 + 30, 13 * 60 + 30)


def commune(
    insee: str,
    lat: float,
    lon: float,
    *,
    need: float = 100.0,
    visits_per_week: float = 1.0,
    population: int = 1000,
    priority: bool = False,
    open_days: frozenset[int] = frozenset(range(7)),
    open_hours: TimeWindow | None = None,
) -> Commune:
    """A commune whose site is its town hall, at (lat, lon)."""
    name = f"Commune {insee}"
    site = Site(insee, insee, f"Mairie de {name}", lat, lon, open_days, open_hours)
    return Commune(
        insee=insee,
        name=name,
        population=population,
        lat=lat,
        lon=lon,
        epci="CC Test",
        site=site,
        need=need,
        need_is_proxy=False,
        visits_per_week=visits_per_week,
        priority=priority,
    )


def bus(
    unit_id: str = "bus1",
    *,
    depot: Point = DEPOT,
    days: frozenset[int] = frozenset(range(5)),
    hours: TimeWindow = HOURS,
    lunch: TimeWindow | None = LUNCH,
    sessions_per_day: int = 2,
    crew: dict[Role, int] | None = None,
    places: tuple[str, ...] = (),
) -> Unit:
    return Unit(
        id=unit_id,
        name=f"Bus {unit_id}",
        kind=UnitKind.BUS,
        depot=depot,
        days=days,
        hours=hours,
        lunch=lunch,
        sessions_per_day=sessions_per_day,
        crew=crew or {Role.DOCTOR: 1, Role.DRIVER: 1},
        places=places,
    )


def person(
    staff_id: str,
    roles: set[Role],
    *,
    availability: frozenset[tuple[int, HalfDay]] = ALL_HALF_DAYS,
    max_week: int = 5,
    max_month: int = 22,
    **kwargs,
) -> Staff:
    return Staff(
        id=staff_id,
        name=f"Dr {staff_id.upper()} Exemple (exemple)" if Role.DOCTOR in roles else f"{staff_id} (exemple)",
        roles=frozenset(roles),
        availability=availability,
        max_shifts_per_week=max_week,
        max_shifts_per_month=max_month,
        **kwargs,
    )


def small_instance(*, weeks: int = 2, start: date = MONDAY, **rule_changes) -> Instance:
    """Four communes around a depot, one bus, three doctors and two drivers."""
    communes = (
        commune("76001", 49.95, 1.15, need=300),
        commune("76002", 49.85, 1.20, need=200),
        commune("76003", 49.92, 1.30, need=150, visits_per_week=0.5),
        commune("76004", 49.80, 1.05, need=50, visits_per_week=0.25),
    )
    staff = (
        person("d1", {Role.DOCTOR}),
        person("d2", {Role.DOCTOR}),
        person("d3", {Role.DOCTOR}),
        person("c1", {Role.DRIVER}),
        person("c2", {Role.DRIVER}),
    )
    rules = Rules(start=start, weeks=weeks, **rule_changes)
    return Instance(name="test", communes=communes, units=(bus(),), staff=staff, rules=rules)
