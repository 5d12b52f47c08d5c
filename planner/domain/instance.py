"""What Tournée plans for: a territory's communes and sites, its units, the roster and the rules.

Everything here is frozen: an `Instance` is built once by the loaders (or by hand in tests), checked,
and then only read by the solvers. Times of day are whole minutes after midnight (`int`) so that the
solvers, the validator and the exports all count the same way; `hhmm()` formats them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from planner.domain.french import WEEKDAYS_FR, hhmm
from planner.domain.limits import horizon_problem


class HalfDay(enum.IntEnum):
    """The two halves of a working day; availability is given per half-day."""

    MORNING = 0
    AFTERNOON = 1

    @property
    def label_fr(self) -> str:
        return "matin" if self is HalfDay.MORNING else "après-midi"


#: Minute of the day that separates morning from afternoon for availability purposes.
NOON = 13 * 60


def half_days_of(start: int, end: int) -> frozenset[HalfDay]:
    """The half-days an interval ``[start, end)`` (minutes) touches."""
    halves = set()
    if start < NOON:
        halves.add(HalfDay.MORNING)
    if end > NOON:
        halves.add(HalfDay.AFTERNOON)
    return frozenset(halves)


def time_step_problem(step: int) -> str:
    """What is wrong with a time grid of ``step`` minutes, in French ("" when it is fine)."""
    if isinstance(step, bool) or not isinstance(step, int) or step <= 0 or 60 % step:
        return (
            f"pas horaire de {step} min : il doit diviser l'heure ; "
            "attendu : 1 (pas de grille), 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 ou 60"
        )
    return ""


def floor_to(minute: int, step: int) -> int:
    """``minute`` rounded down to the grid of ``step`` minutes."""
    return minute - minute % step


def ceil_to(minute: int, step: int) -> int:
    """``minute`` rounded up to the grid of ``step`` minutes."""
    return -(-minute // step) * step


class Role(str, enum.Enum):
    """Crew roles. Values are the canonical ids used in files and outputs."""

    DOCTOR = "doctor"
    DRIVER = "driver"
    NURSE = "nurse"
    SOCIAL_WORKER = "social_worker"
    PSYCHOLOGIST = "psychologist"
    SECRETARY = "secretary"

    @property
    def label_fr(self) -> str:
        return ROLE_LABELS_FR[self]


ROLE_LABELS_FR = {
    Role.DOCTOR: "médecin",
    Role.DRIVER: "chauffeur",
    Role.NURSE: "infirmier·e",
    Role.SOCIAL_WORKER: "travailleur·se social·e",
    Role.PSYCHOLOGIST: "psychologue",
    Role.SECRETARY: "secrétaire",
}


@dataclass(frozen=True)
class TimeWindow:
    """A stretch of a day, ``start`` included, ``end`` excluded, in minutes after midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end <= 24 * 60):
            msg = f"time window {hhmm(self.start)}-{hhmm(self.end)} must start before it ends, within one day"
            raise ValueError(msg)

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def contains(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies inside this window."""
        return self.start <= start and end <= self.end

    def overlaps(self, start: int, end: int) -> bool:
        return start < self.end and self.start < end

    def __str__(self) -> str:
        return f"{hhmm(self.start)}-{hhmm(self.end)}"


@dataclass(frozen=True)
class Site:
    """Where a unit parks or a volunteer consults, with when it can be used."""

    id: str
    insee: str
    name: str
    lat: float
    lon: float
    open_days: frozenset[int] = frozenset(range(7))  # 0 = Monday
    open_hours: TimeWindow | None = None  # None: any time

    @property
    def point(self) -> Point:
        """The place travel matrices know this site by."""
        return Point(self.name, self.lat, self.lon)

    def is_open(self, weekday: int, start: int, end: int) -> bool:
        if weekday not in self.open_days:
            return False
        return self.open_hours is None or self.open_hours.contains(start, end)


@dataclass(frozen=True)
class Commune:
    """A commune that may receive visits, with its need indicators.

    ``need`` is what the planner weighs, the unmet need in people: the real number of patients without
    a médecin traitant, or the care missing below the zoning's APL threshold, otherwise a proxy in the
    same unit (``need_is_proxy`` is then true and outputs say so). ``need_source`` names which:
    ``sans-medecin``, ``apl`` or ``proxy`` (docs/formats.md).
    ``visits_per_week`` is the target frequency (1 weekly, 0.5 fortnightly, 0.25 monthly, 0 never).
    """

    insee: str
    name: str
    population: int
    lat: float
    lon: float
    epci: str
    site: Site
    need: float
    need_is_proxy: bool
    visits_per_week: float
    priority: bool = False
    patients_without_gp: int | None = None
    apl: float | None = None
    nearest_town_km: float | None = None
    frequency_from_need: bool = False  # True when visits_per_week was derived from need
    need_source: str = "proxy"


@dataclass(frozen=True)
class Point:
    """A named location: a depot, a home, a site."""

    name: str
    lat: float
    lon: float


class UnitKind(str, enum.Enum):
    BUS = "bus"
    FIXED = "fixed"


@dataclass(frozen=True)
class Unit:
    """A bus (drives from its depot to sessions and back) or a fixed consultation place.

    ``crew`` maps each role to how many people the unit needs on every working day; roles in
    ``remote_roles`` take part by teleconsultation and do not travel.
    """

    id: str
    name: str
    kind: UnitKind
    depot: Point
    days: frozenset[int]
    hours: TimeWindow
    lunch: TimeWindow | None
    sessions_per_day: int
    crew: Mapping[Role, int]
    remote_roles: frozenset[Role] = frozenset()
    rooms: int = 1
    places: tuple[str, ...] = ()  # INSEE codes the unit may serve; empty = every commune
    session_minutes: int | None = None  # overrides `Rules.session_minutes` for this unit

    def __post_init__(self) -> None:
        object.__setattr__(self, "crew", MappingProxyType(dict(self.crew)))

    @property
    def crew_size(self) -> int:
        return sum(self.crew.values())

    def may_serve(self, insee: str) -> bool:
        return not self.places or insee in self.places

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass(frozen=True)
class DateRange:
    """Dates ``first`` to ``last``, both included."""

    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


@dataclass(frozen=True)
class Staff:
    """A volunteer or employee who can fill one or more roles."""

    id: str
    name: str
    roles: frozenset[Role]
    availability: frozenset[tuple[int, HalfDay]]  # (weekday, half-day)
    dates_off: tuple[DateRange, ...] = ()
    max_shifts_per_week: int = 5
    max_shifts_per_month: int = 22
    min_shifts_per_month: int = 0
    home: Point | None = None
    preferred_communes: frozenset[str] = frozenset()  # INSEE codes
    preferred_units: frozenset[str] = frozenset()

    def is_off(self, day: date) -> bool:
        return any(day in r for r in self.dates_off)

    @property
    def takes_shifts(self) -> bool:
        """Whether the person's weekly and monthly maxima allow any shift at all."""
        return self.max_shifts_per_week > 0 and self.max_shifts_per_month > 0

    def is_available(self, day: date, halves: Iterable[HalfDay]) -> bool:
        """Available on ``day`` for every half-day in ``halves`` (weekly pattern and dates off)."""
        if self.is_off(day):
            return False
        return all((day.weekday(), h) in self.availability for h in halves)


@dataclass(frozen=True)
class Weights:
    """Objective weights; larger means more important. Defaults follow the order of the objectives
    in docs/architecture.md; ``regularity`` is how hard a commune keeps its usual start time."""

    need: int = 100
    regularity: int = 10
    preferences: int = 5
    fairness: int = 20
    continuity: int = 5
    travel: int = 1

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0:
                msg = f"weight `{name}` is {value}: weights must be zero or positive"
                raise ValueError(msg)


@dataclass(frozen=True)
class CommuneClosure:
    insee: str
    dates: frozenset[date]


def _check_weekday(weekday: int, what: str) -> None:
    if not 0 <= weekday <= 6:
        msg = f"{what} : jour {weekday} ; attendu : 0 (lundi) à 6 (dimanche)"
        raise ValueError(msg)


@dataclass(frozen=True)
class Pin:
    """The coordinator's pin: ``insee``'s sessions happen on ``weekday`` (0 = Monday), with
    ``unit_id`` when given. Checked by the validator (rule PIN)."""

    insee: str
    weekday: int
    unit_id: str = ""

    def __post_init__(self) -> None:
        _check_weekday(self.weekday, f"épingle de {self.insee}")


@dataclass(frozen=True)
class BannedDay:
    """The coordinator's ban: no session of ``insee`` on ``weekday`` (rule BANNED_DAY)."""

    insee: str
    weekday: int

    def __post_init__(self) -> None:
        _check_weekday(self.weekday, f"jour interdit à {self.insee}")


@dataclass(frozen=True)
class UnitClosure:
    """A unit that cannot work on ``dates`` (breakdown, maintenance): no tour of it those days."""

    unit_id: str
    dates: frozenset[date]


@dataclass(frozen=True)
class Rules:
    """Planning rules: horizon, calendar and how often communes should be visited."""

    start: date
    weeks: int
    session_minutes: int = 180
    min_gap_days: int = 2
    public_holidays: bool = True
    holiday_subdivision: str = ""
    closures: frozenset[date] = frozenset()
    commune_closures: tuple[CommuneClosure, ...] = ()
    unit_closures: tuple[UnitClosure, ...] = ()
    max_drive_between_sessions: int = 30
    frequency_by_need: tuple[float, ...] = (1.0, 0.5, 0.25)
    weights: Weights = field(default_factory=Weights)
    #: Percent below the proven bound on need the planner may give up to drive less (0: need strictly first).
    need_tolerance_percent: int = 1
    #: Residents go to the nearest fixed consultation place within this many minutes' drive: its
    #: catchment, whose need sets the place's target (docs/formats.md).
    catchment_minutes: int = 30
    #: Need (people) one weekly consultation session at a fixed place serves: a place's target is its
    #: catchment's need divided by this, in sessions a week (rounded up, capped by its capacity).
    need_per_weekly_session: int = 200
    #: The coordinator's pins and banned weekdays (docs/formats.md, `[[pins]]`, `[[banned_days]]`).
    pins: tuple[Pin, ...] = ()
    banned_days: tuple[BannedDay, ...] = ()
    #: Published times sit on this grid (minutes; 1: no grid): session starts and ends, shift
    #: starts and ends (docs/formats.md). It divides 60, and every session length is a multiple of it.
    time_step: int = 15
    #: The crew arrives this many minutes before the tour leaves the depot (a fixed place: before
    #: its session) and stays as long after it comes back: part of every shift.
    setup_minutes: int = 15

    def __post_init__(self) -> None:
        problem = horizon_problem(self.start, self.weeks)
        if problem:
            raise ValueError(problem)
        if self.session_minutes <= 0:
            msg = f"session_minutes is {self.session_minutes}: give a positive length in minutes"
            raise ValueError(msg)
        if time_step_problem(self.time_step):
            raise ValueError(time_step_problem(self.time_step))
        if not 0 <= self.setup_minutes <= 240:
            msg = f"setup_minutes is {self.setup_minutes}: give 0 to 240 minutes"
            raise ValueError(msg)

    @property
    def end(self) -> date:
        """Last date of the horizon (included)."""
        return self.start + timedelta(days=7 * self.weeks - 1)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(7 * self.weeks)]

    def week_index(self, day: date) -> int:
        """0-based week of the horizon that ``day`` falls in."""
        return (day - self.start).days // 7

    def session_length(self, unit: Unit) -> int:
        """Minutes of one session of ``unit`` (its own length, else the rules' default)."""
        return unit.session_minutes or self.session_minutes

    def shift_span(self, begin: int, finish: int) -> tuple[int, int]:
        """A crew's shift around work from ``begin`` to ``finish`` (a tour from depot to depot, a
        fixed place's session): ``setup_minutes`` before and after, start rounded down and end up to
        the grid. `planner.domain.plan.shift_times` applies it to a tour; every rule uses that."""
        start = max(0, floor_to(begin - self.setup_minutes, self.time_step))
        return start, min(24 * 60, ceil_to(finish + self.setup_minutes, self.time_step))

    def commune_closed(self, insee: str, day: date) -> bool:
        return any(c.insee == insee and day in c.dates for c in self.commune_closures)

    def pin_of(self, insee: str) -> Pin | None:
        """The pin of a commune, if the coordinator set one (at most one per commune)."""
        return next((p for p in self.pins if p.insee == insee), None)

    def day_allowed(self, insee: str, weekday: int, unit_id: str) -> bool:
        """Whether pins and bans let ``insee`` be visited by ``unit_id`` on ``weekday``."""
        pin = self.pin_of(insee)
        if pin is not None and (pin.weekday != weekday or pin.unit_id not in ("", unit_id)):
            return False
        return not any(b.insee == insee and b.weekday == weekday for b in self.banned_days)

    def unit_closed(self, unit_id: str, day: date) -> bool:
        """Whether ``unit_id`` is out of service on ``day`` (a re-plan recorded it)."""
        return any(c.unit_id == unit_id and day in c.dates for c in self.unit_closures)


@dataclass(frozen=True)
class Instance:
    """Everything the planner needs, validated and frozen. Built by `planner.inputs.load_territory`."""

    name: str
    communes: tuple[Commune, ...]
    units: tuple[Unit, ...]
    staff: tuple[Staff, ...]
    rules: Rules
    title: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_communes", MappingProxyType({c.insee: c for c in self.communes}))
        object.__setattr__(self, "_units", MappingProxyType({u.id: u for u in self.units}))
        object.__setattr__(self, "_staff", MappingProxyType({s.id: s for s in self.staff}))
        self._check_pins()

    def _check_pins(self) -> None:
        """Pins and bans name communes and units of the instance, one pin per commune."""
        seen: set[str] = set()
        items: tuple[Pin | BannedDay, ...] = (*self.rules.pins, *self.rules.banned_days)
        for item in items:
            what = "épingle" if isinstance(item, Pin) else "jour interdit"
            if item.insee not in self._communes:  # type: ignore[attr-defined]
                msg = f"{what} : commune {item.insee} inconnue ; attendu : une commune du territoire"
                raise ValueError(msg)
            if isinstance(item, Pin):
                if item.unit_id and item.unit_id not in self._units:  # type: ignore[attr-defined]
                    msg = (
                        f"épingle de {item.insee} : unité « {item.unit_id} » inconnue ; attendu : une unité du scénario"
                    )
                    raise ValueError(msg)
                if item.insee in seen:
                    msg = f"commune {item.insee} épinglée deux fois ; attendu : une épingle par commune"
                    raise ValueError(msg)
                seen.add(item.insee)

    def pin_text(self, pin: Pin) -> str:
        """The pin in French: « Envermeu épinglée au mardi (Bus 1) »."""
        unit = f" ({self.unit(pin.unit_id).name})" if pin.unit_id else ""
        return f"{self.commune(pin.insee).name} épinglée au {WEEKDAYS_FR[pin.weekday]}{unit}"

    def commune(self, insee: str) -> Commune:
        return self._communes[insee]  # type: ignore[attr-defined]

    def unit(self, unit_id: str) -> Unit:
        return self._units[unit_id]  # type: ignore[attr-defined]

    def person(self, staff_id: str) -> Staff:
        return self._staff[staff_id]  # type: ignore[attr-defined]

    def has_commune(self, insee: str) -> bool:
        return insee in self._communes  # type: ignore[attr-defined]

    def replace(self, **changes: Any) -> Instance:
        """A copy with some fields changed (rules, staff…), re-indexed."""
        fields = {k: getattr(self, k) for k in ("name", "communes", "units", "staff", "rules", "title", "source")}
        fields.update(changes)
        return Instance(**fields)
