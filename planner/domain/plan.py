"""What a plan is: dated tours with their timed sessions, the crews' shifts, what was left out.

Frozen data only: a `Plan` knows nothing of how it was found nor of how it is reported
(`planner.results.summary` writes it in French, `planner.publish` writes its files).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from planner.domain.instance import HalfDay, Role, Rules, half_days_of


@dataclass(frozen=True)
class Session:
    """One stop of a tour: the unit arrives, consults from ``start`` to ``end``, then leaves.

    At a fixed place with several rooms, sessions at the same time are told apart by ``room``
    (0, 1, …), each with its own crew.
    """

    insee: str
    site_id: str
    arrival: int
    start: int
    end: int
    departure: int
    room: int = 0


@dataclass(frozen=True)
class Tour:
    """A unit's working day: depot → sessions → depot (a fixed place has no driving)."""

    unit_id: str
    date: date
    leave_depot: int
    back_at_depot: int
    sessions: tuple[Session, ...]
    drive_minutes: float = 0.0
    drive_km: float = 0.0

    @property
    def key(self) -> str:
        """Stable identifier of the tour: unit and date."""
        return f"{self.unit_id}/{self.date.isoformat()}"

    @property
    def half_days(self) -> frozenset[HalfDay]:
        return half_days_of(self.leave_depot, self.back_at_depot)

    @property
    def public_sessions(self) -> tuple[Session, ...]:
        """The sessions as residents see them: parallel rooms of a fixed place are one consultation."""
        seen: set[tuple[str, int, int]] = set()
        kept = []
        for s in self.sessions:
            if (s.insee, s.start, s.end) not in seen:
                seen.add((s.insee, s.start, s.end))
                kept.append(s)
        return tuple(kept)


def shift_times(tour: Tour, session: int | None, rules: Rules) -> tuple[int, int]:
    """When a shift on ``tour`` starts and ends: the whole tour from depot to depot (a bus) or its
    ``session`` (a fixed place), with the set-up time before and after, on the time grid
    (`Rules.shift_span`). The rota, the re-plan and the validator all use this one definition."""
    if session is None:
        return rules.shift_span(tour.leave_depot, tour.back_at_depot)
    return rules.shift_span(tour.sessions[session].start, tour.sessions[session].end)


@dataclass(frozen=True)
class Shift:
    """One person filling one role on one tour (a bus: the whole tour; a fixed place: one session,
    its index in the tour's sessions in ``session``, each session having its own crew)."""

    unit_id: str
    date: date
    staff_id: str
    role: Role
    start: int
    end: int
    remote: bool = False
    session: int | None = None

    @property
    def tour_key(self) -> str:
        return f"{self.unit_id}/{self.date.isoformat()}"

    def sessions_of(self, tour: Tour | None) -> tuple[Session, ...]:
        """The sessions this shift works on its tour: all of a bus's, its own at a fixed place."""
        if tour is None:
            return ()
        if self.session is None:
            return tour.sessions
        return tour.sessions[self.session : self.session + 1]

    @property
    def post_key(self) -> str:
        """The crew place it fills: the tour, or one session of a fixed place's tour."""
        return self.tour_key if self.session is None else f"{self.tour_key}#{self.session}"


@dataclass(frozen=True)
class Unserved:
    """A commune that got fewer visits than its target, and why."""

    insee: str
    name: str
    target_visits: float
    planned_visits: int
    reason: str


@dataclass(frozen=True)
class Plan:
    """The result of `planner.plan`: dated tours, their crews, what was left out, KPIs, warnings.

    Every plan the planner returns has passed `planner.check.validate`; `planner.results.summary`
    says it in French.
    """

    instance_name: str
    start: date
    weeks: int
    tours: tuple[Tour, ...]
    shifts: tuple[Shift, ...] = ()
    unserved: tuple[Unserved, ...] = ()
    kpis: Mapping[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    travel_label: str = ""
    solver_seconds: float = 0.0
    search: str = ""  # how the weekly pattern was found (French), see `planner.planning.search_report`

    def __post_init__(self) -> None:
        object.__setattr__(self, "kpis", MappingProxyType(dict(self.kpis)))

    def sessions(self) -> list[tuple[Tour, Session]]:
        return [(t, s) for t in self.tours for s in t.sessions]

    def public_sessions(self) -> list[tuple[Tour, Session]]:
        """Sessions as residents see them (`Tour.public_sessions`: parallel rooms are one)."""
        return [(t, s) for t in self.tours for s in t.public_sessions]
