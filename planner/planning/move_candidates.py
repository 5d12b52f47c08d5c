"""Where a session may move: every place `planner.planning.moves.move_session` accepts, by date, and
every session it may be swapped with (`swap_options`).

Its own module because listing the options is a search over candidate days, units and starts (for
the app's "Planifier" page), built on the move rather than part of it: each candidate passes the
quick checks (`planner.planning.move_checks.PRECHECKS`), then is made with `move_session`. Not
named after `move_options`: a module of that name would hide the function of the planning face.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from planner.domain.errors import MoveRefused
from planner.domain.french import date_fr, time_fr
from planner.domain.instance import Instance, Unit, UnitKind
from planner.domain.plan import Plan
from planner.domain.travel_matrix import TravelMatrix
from planner.planning.changes import CarriedOver, SessionMove, apply_carried, unit_name
from planner.planning.move_checks import PRECHECKS, source_tour
from planner.planning.moves import move_session
from planner.planning.published_plan import check_published, published_timing, published_travel


@dataclass(frozen=True)
class MoveOption:
    """A place a session may go: the day, the unit and the start the move gives it; ``move`` is the
    move that was tried and accepted (apply it with `move_session`), ``shifts_changed`` its cost."""

    to_day: date
    unit_id: str
    start: int
    move: SessionMove
    shifts_changed: int

    def text(self, instance: Instance) -> str:
        """« lundi 7 déc. 2026, Médicobus, 14 h 00 »; a swap: « échange avec Luneray : lundi 7 déc.
        2026, Médicobus, 14 h 00 »."""
        where = f"{date_fr(self.to_day)}, {unit_name(instance, self.unit_id)}, {time_fr(self.start)}"
        if self.move.swap_with:
            other = instance.commune(self.move.swap_with).name
            return f"échange avec {other} : {where}"
        return where


#: At most this many other starts are tried on the session's own day and unit (nearest first).
OWN_DAY_TRIES = 6


def move_options(
    instance: Instance,
    plan: Plan,
    session: tuple[str, date, str],
    *,
    today: date,
    travel: TravelMatrix | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    carried: CarriedOver | None = None,
) -> list[MoveOption]:
    """Every move of ``session`` (unit id, day, INSEE code) that `move_session` accepts, by date.

    Candidates: each date from ``today`` (and the plan's start) to the end of the horizon, on each
    bus, the start being the one the day's routing gives (as close to the old time as it can); on
    the session's own day and unit, up to `OWN_DAY_TRIES` other starts of the time grid, nearest to
    the old one first. Each candidate is checked by the quick checks, then by `move_session` itself
    (re-timing, crews, the validator): an option listed is a move that is accepted as it stands.
    With ``carried`` (``plan`` is an older version), the options are those of ``plan`` re-planned with
    what the newer versions accepted; each option's move is then made with ``carried`` too.

    Raises
    ------
    MoveRefused
        When the session cannot move at all (no such session, a fixed place's).
    CarryOverRefused
        When ``carried`` cannot be carried over.
    """
    instance, plan, travel = _carried_over(instance, plan, today, travel, time_limit, seed, carried)
    timed = published_timing(instance, plan)
    unit_id, day, insee = session
    probe = SessionMove(unit_id, day, insee, day)
    source = source_tour(timed, plan, probe)
    held = next(s for s in source.sessions if s.insee == insee)
    buses = [u for u in timed.units if u.kind is not UnitKind.FIXED]
    first = max(today, timed.rules.start, plan.start)
    candidates: list[SessionMove] = []
    for offset in range((timed.rules.end - first).days + 1):
        to_day = first + timedelta(days=offset)
        for unit in buses:
            if unit.id == unit_id and to_day == day:
                candidates += [replace(probe, start=s) for s in _other_starts(timed, unit, held.start)]
            else:
                candidates.append(SessionMove(unit_id, day, insee, to_day, "" if unit.id == unit_id else unit.id))
    options = []
    for move in candidates:
        unit = timed.unit(move.target_unit)
        if any(check(timed, plan, move, unit, today) for check in PRECHECKS):
            continue
        options += _accepted(instance, plan, move, today, travel, time_limit, seed)
    order = {u.id: i for i, u in enumerate(buses)}
    return sorted(options, key=lambda o: (o.to_day, order[o.unit_id], o.start))


def swap_options(
    instance: Instance,
    plan: Plan,
    session: tuple[str, date, str],
    *,
    today: date,
    travel: TravelMatrix | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    carried: CarriedOver | None = None,
) -> list[MoveOption]:
    """Every swap of ``session`` (unit id, day, INSEE code) with another bus session from ``today``
    on that `move_session` accepts (`SessionMove.swap`), by date: each option's ``to_day`` and
    ``unit_id`` are the other session's, ``start`` the time ``session`` gets there. ``carried`` as in
    `move_options`.

    Raises
    ------
    MoveRefused
        When the session cannot move at all (no such session, a fixed place's).
    CarryOverRefused
        When ``carried`` cannot be carried over.
    """
    instance, plan, travel = _carried_over(instance, plan, today, travel, time_limit, seed, carried)
    timed = published_timing(instance, plan)
    source_tour(timed, plan, SessionMove(*session, session[1]))
    first = max(today, timed.rules.start, plan.start)
    options = []
    for tour, other in plan.sessions():
        if tour.date < first or tour.key == f"{session[0]}/{session[1].isoformat()}" or other.insee == session[2]:
            continue  # a swap within a tour changes nothing; one with the same commune neither
        if timed.unit(tour.unit_id).kind is UnitKind.FIXED:
            continue
        options += _accepted(
            instance, plan, SessionMove.swap(session, (tour.unit_id, tour.date, other.insee)), today, travel,
            time_limit, seed,
        )  # fmt: skip
    return sorted(options, key=lambda o: (o.to_day, o.unit_id, o.move.swap_with))


def _carried_over(
    instance: Instance,
    plan: Plan,
    today: date,
    travel: TravelMatrix | None,
    time_limit: float | None,
    seed: int,
    carried: CarriedOver | None,
) -> tuple[Instance, Plan, TravelMatrix]:
    """The instance and plan the options are looked for in (``plan`` re-planned with what ``carried``
    holds, when given), checked, and the travel."""
    travel = travel or published_travel(instance, plan)
    if carried:
        from planner.planning.replan import replan

        plan = replan(
            instance, plan, [], today=today, time_limit=time_limit, travel=travel, seed=seed, carried=carried
        ).plan
        instance = apply_carried(instance, carried)
    check_published(instance, plan)
    return instance, plan, travel


def _accepted(
    instance: Instance,
    plan: Plan,
    move: SessionMove,
    today: date,
    travel: TravelMatrix,
    time_limit: float | None,
    seed: int,
) -> list[MoveOption]:
    """``move`` as an option when `move_session` accepts it (none when refused)."""
    try:
        result = move_session(instance, plan, move, today=today, travel=travel, time_limit=time_limit, seed=seed)
    except MoveRefused:
        return []
    key = f"{move.target_unit}/{move.to_day.isoformat()}"
    tour = next(t for t in result.plan.tours if t.key == key)
    start = next(s.start for s in tour.sessions if s.insee == move.insee)
    return [MoveOption(move.to_day, move.target_unit, start, move, result.shifts_changed)]


def _other_starts(instance: Instance, unit: Unit, start: int) -> list[int]:
    """Up to `OWN_DAY_TRIES` starts of the grid within the unit's hours, other than ``start``, nearest first."""
    step, length = instance.rules.time_step, instance.rules.session_length(unit)
    first = unit.hours.start + (-unit.hours.start) % step
    grid = [s for s in range(first, unit.hours.end - length + 1, step) if s != start]
    return sorted(grid, key=lambda s: (abs(s - start), s))[:OWN_DAY_TRIES]
