"""What every hard rule of the validator reads: the instance, the plan, the legs, and `Violation`.

Imports `planner.domain` only: the validator never trusts solver code (see `planner.check`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TypeVar

import holidays as holidays_lib

from planner.domain.french import date_fr, hhmm
from planner.domain.geo import BUS_TOP_SPEED_KMH, estimated_km_minutes, haversine_km
from planner.domain.instance import Commune, Instance, Point, Unit, UnitKind
from planner.domain.plan import Plan, Session, Shift, Tour
from planner.domain.travel_matrix import TravelMatrix

#: Minutes a leg's timetable may leave less than the reference matrix says to drive it: float noise
#: only. Every planning step rounds drives up to whole minutes (`whole_minutes`), so no plan needs
#: more; with a whole minute the bound of the rules had to count days no timetable of the rules
#: holds (docs/architecture.md, "The validator's legs").
LEG_TOLERANCE_MIN = 1e-6
#: Minutes of slack on the physical bound (`check_speed`): timetables are in whole minutes, the
#: straight line at top speed in fractions of one.
SPEED_TOLERANCE_MIN = 1.0
#: Allowed gap, per leg, between a tour's drive_minutes / drive_km and the sum of its legs.
DRIVE_MINUTES_TOLERANCE_PER_LEG = 1.0
DRIVE_KM_TOLERANCE_PER_LEG = 0.5
#: The fastest a unit can cover the straight line between two places, km/h: the physical bound of
#: SPEED, computed from coordinates alone. A health bus is a coach or a heavy vehicle (French motorway
#: limits: 100 km/h for coaches, 110 for 3.5-12 t, 90 above), and no road is shorter than the
#: straight line. No leg, whatever matrix it came from, may be driven faster than this.
TOP_SPEED_KMH = BUS_TOP_SPEED_KMH

T = TypeVar("T")


@dataclass(frozen=True)
class Violation:
    """One broken hard constraint: which rule, a French message, and the tour / person concerned."""

    rule: str
    message: str
    tour_key: str | None = None
    staff_id: str | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def minutes_text(value: float) -> str:
    """A duration in whole minutes, rounded up (a trip of 24.2 min takes 25 min)."""
    return f"{math.ceil(value - 1e-9)} min"


def straight_km(a: Point, b: Point) -> float:
    """Great-circle km between two places: no road between them is shorter, whatever a matrix says."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def least_minutes(km: float) -> float:
    """The fewest minutes ``km`` of straight line can take at `TOP_SPEED_KMH`."""
    return km / TOP_SPEED_KMH * 60.0


# --- What every rule reads ------------------------------------------------------------------


@dataclass
class Legs:
    """Minutes and km between two places: from ``matrix`` when it has both places, else estimated
    from the coordinates (`planner.domain.geo`); ``estimated`` collects the places a given matrix lacked."""

    matrix: TravelMatrix | None = None
    estimated: set[Point] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._index = {p: i for i, p in enumerate(self.matrix.places)} if self.matrix is not None else {}
        self._estimates: dict[tuple[Point, Point], tuple[float, float]] = {}

    def leg(self, a: Point, b: Point) -> tuple[float, float]:
        if a == b:
            return 0.0, 0.0
        i, j = self._index.get(a), self._index.get(b)
        if self.matrix is not None and i is not None and j is not None:
            return float(self.matrix.minutes[i, j]), float(self.matrix.km[i, j])
        if self.matrix is not None:
            self.estimated.update(p for p, k in ((a, i), (b, j)) if k is None)
        if (a, b) not in self._estimates:
            km, minutes = estimated_km_minutes([a, b])
            self._estimates[(a, b)] = float(minutes[0, 1]), float(km[0, 1])
        return self._estimates[(a, b)]


@dataclass(frozen=True)
class _Stop:
    """A place a tour passes through, with when it gets there and when it leaves."""

    point: Point
    name: str
    arrival: int
    departure: int


@dataclass
class Context:
    """The instance, the plan and the travel lookups every rule reads."""

    instance: Instance
    plan: Plan
    travel: Legs

    def unit_of(self, unit_id: str) -> Unit | None:
        try:
            return self.instance.unit(unit_id)
        except KeyError:
            return None

    def commune_of(self, insee: str) -> Commune | None:
        return self.instance.commune(insee) if self.instance.has_commune(insee) else None

    def tours(self) -> Iterator[tuple[Tour, Unit]]:
        """Tours whose unit exists (UNIT_DAY reports the others)."""
        for tour in self.plan.tours:
            unit = self.unit_of(tour.unit_id)
            if unit is not None:
                yield tour, unit

    def visits(self) -> Iterator[tuple[Tour, Unit, Session, Commune]]:
        """Sessions of known tours in known communes (UNIT_PLACES reports the others)."""
        for tour, unit in self.tours():
            for session in tour.sessions:
                commune = self.commune_of(session.insee)
                if commune is not None:
                    yield tour, unit, session, commune

    def unit_name(self, unit_id: str) -> str:
        unit = self.unit_of(unit_id)
        return unit.name if unit else unit_id

    def where(self, tour: Tour) -> str:
        """The start of every message about a tour: ``Bus bus1, lundi 4 janv. 2027``."""
        return f"{self.unit_name(tour.unit_id)}, {date_fr(tour.date)}"

    def place_name(self, session: Session) -> str:
        commune = self.commune_of(session.insee)
        return commune.name if commune else session.insee

    def stops(self, tour: Tour, unit: Unit) -> list[_Stop] | None:
        """Depot, sessions, depot; None when a session's commune is unknown. A fixed place's
        sessions held at the same time in several rooms are one stop."""
        depot = _Stop(unit.depot, unit.depot.name, tour.leave_depot, tour.leave_depot)
        stops = [depot]
        sessions: Sequence[Session] = tour.sessions
        if unit.kind is UnitKind.FIXED:
            sessions = sorted(
                {(s.arrival, s.departure, s.insee): s for s in sessions}.values(), key=lambda s: s.arrival
            )
        for session in sessions:
            commune = self.commune_of(session.insee)
            if commune is None:
                return None
            point = unit.depot if unit.kind is UnitKind.FIXED else commune.site.point
            stops.append(_Stop(point, commune.name, session.arrival, session.departure))
        stops.append(_Stop(unit.depot, unit.depot.name, tour.back_at_depot, tour.back_at_depot))
        return stops

    def driven_tours(self) -> Iterator[tuple[Tour, Unit, list[_Stop]]]:
        """Each tour that drives (a bus's, not a fixed place's) with its stops, when they are known."""
        for tour, unit in self.tours():
            if unit.kind is UnitKind.FIXED:
                continue
            stops = self.stops(tour, unit)
            if stops is not None:
                yield tour, unit, stops

    def leg(self, unit: Unit, a: _Stop, b: _Stop) -> tuple[float, float]:
        """Reference minutes and km of a leg (the given matrix, else the estimate); 0 for a fixed unit."""
        if unit.kind is UnitKind.FIXED:
            return 0.0, 0.0
        return self.travel.leg(a.point, b.point)

    @cached_property
    def holidays(self) -> dict[date, str]:
        """Public holidays (with their French names) of every year the plan or horizon touches."""
        rules = self.instance.rules
        if not rules.public_holidays:
            return {}
        years = {rules.start.year, rules.end.year} | {t.date.year for t in self.plan.tours}
        found = holidays_lib.France(years=sorted(years), subdiv=rules.holiday_subdivision or None, language="fr")
        return dict(found.items())

    @cached_property
    def tours_by_key(self) -> dict[str, Tour]:
        return {t.key: t for t in self.plan.tours}

    @cached_property
    def shifts_by_tour(self) -> dict[str, list[Shift]]:
        grouped: dict[str, list[Shift]] = defaultdict(list)
        for shift in self.plan.shifts:
            grouped[shift.tour_key].append(shift)
        return grouped

    def person_name(self, staff_id: str) -> str:
        try:
            return self.instance.person(staff_id).name
        except KeyError:
            return staff_id

    def shift_where(self, shift: Shift) -> str:
        """The start of every message about a shift: ``Dr A. Martin, Bus bus1, lundi 4 janv. 2027``."""
        return f"{self.person_name(shift.staff_id)}, {self.unit_name(shift.unit_id)}, {date_fr(shift.date)}"


def overlapping_pairs(
    items: Iterable[T], group: Callable[[T], Hashable], span: Callable[[T], tuple[int, int]]
) -> Iterator[tuple[T, T]]:
    """Pairs of items of the same group whose ``[start, end)`` spans overlap, earlier one first."""
    groups: dict[Hashable, list[T]] = defaultdict(list)
    for item in items:
        groups[group(item)].append(item)
    for members in groups.values():
        ordered = sorted(members, key=span)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if span(b)[0] >= span(a)[1]:
                    break
                yield a, b


def side_by_side(ctx: Context, a: tuple[str, int, int], b: tuple[str, int, int]) -> str:
    """``(Bus bus1 09:00-12:00, Bus bus2 09:30-12:30)``: two units' overlapping spans."""
    return ", ".join(f"{ctx.unit_name(u)} {hhmm(start)}-{hhmm(end)}" for u, start, end in (a, b)).join("()")
