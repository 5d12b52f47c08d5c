"""The independent check of a finished plan: every hard constraint, re-checked from scratch.

This module knows nothing of the solvers (it imports none of them): it reads an `Instance` and a
`Plan` and returns every broken hard constraint as a `Violation` whose message, in French, names the
unit, the date, the place, the person and the times involved. Every plan the planner outputs has
passed it (`assert_valid`).

The rules are listed in one place, `HARD_RULES`, one function per rule, under the headings "hard:
tours" and "hard: staff" (the Timefold quickstart shape). Each rule function takes a `Context` and
yields its violations; a rule that cannot judge something another rule reports (an unknown unit, an
unknown commune) skips it, so that one mistake is reported once, by the rule it belongs to.

Travel
------
Every leg is looked up by place: a unit's depot is ``unit.depot`` and a session's place is its
commune's ``site.point``, exactly the points the planner builds its matrices over. Units of kind
``fixed`` never drive: every leg is 0, and the rules about driving (SPEED, DRIVE_BETWEEN_SESSIONS)
exempt them. What is checked against what:

- SPEED, against the coordinates only (`planner.domain.geo.haversine_km`), never a matrix: every
  leg (depot → first session, between sessions, last session → depot) leaves at least the
  great-circle km at `context.TOP_SPEED_KMH` (110 km/h) between leaving and arriving (1 min of
  slack), and a tour's ``drive_km`` / ``drive_minutes`` are at least its legs' great-circle km /
  that time (0.5 km / 1 min of slack per leg). A wrong matrix cannot satisfy it: no road is shorter
  than the straight line.
- TRAVEL, LUNCH and DRIVE_BETWEEN_SESSIONS, against the *reference legs*: the ``travel`` matrix when
  one is given (the plan was made on roads), else the great-circle estimate (× 1.3 at 60 km/h,
  `planner.domain.geo.estimated_km_minutes`) that the validator computes itself from the
  coordinates. `planner.planning` passes its matrix only when it is a road matrix: a plan made on the
  estimate is checked against the validator's own estimate, not against the solver's matrix. When a
  given matrix lacks a place, the legs touching it are estimated and a `PlanWarning` says which
  places (not a violation: the plan may be right, the matrix is only incomplete).

TRAVEL: each leg leaves the reference minutes to drive it (no slack beyond float noise: the planner
rounds drives up to whole minutes), and ``drive_minutes`` / ``drive_km`` match the sum of the
reference legs (1 min / 0.5 km of slack per leg). LUNCH: the drive of the gap that holds lunch fits
outside it, in the same minutes. DRIVE_BETWEEN_SESSIONS: consecutive sessions are at most
``rules.max_drive_between_sessions`` reference minutes apart (no slack either).

Times
-----
TIME_GRID: every session starts and ends, and every shift starts and ends, on the grid of
``rules.time_step`` minutes. SHIFT_TIMES: a shift covers its tour (a fixed place: its session) with
``rules.setup_minutes`` of set-up before and after, rounded outward to the grid.

Crews
-----
Crew rules (CREW) apply whenever the plan has shifts or the instance has staff: a tour without any
shift is then a violation ("tournée sans équipe") unless its unit's crew is empty. A plan of tours
only, for an instance without a roster, is checked for its tours alone. A person works at most one
tour a date: overlapping shifts are ONE_PLACE, any other second shift that date is
ONE_TOUR_PER_PERSON_PER_DAY. At a fixed place each session (each room) has its own crew: a shift
names its session (its index in the tour) and has that session's times; sessions at the same time
are in different rooms (SESSION_TIMES), and they are not visits of the place's commune for FREQUENCY
and MIN_GAP (a place's target comes from the communes around it).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable

from planner.check.context import Context, Legs, Violation
from planner.check.staff_rules import (
    AVAILABILITY,
    CREW,
    MAX_MONTH,
    MAX_WEEK,
    ONE_PLACE,
    ONE_TOUR_PER_PERSON_PER_DAY,
    REMOTE,
    ROLE,
    SHIFT_TIMES,
    check_availability,
    check_crew,
    check_max_month,
    check_max_week,
    check_one_place,
    check_one_tour_per_person_per_day,
    check_remote,
    check_role,
    check_shift_times,
)
from planner.check.time_rules import TIME_GRID, check_time_grid
from planner.check.tour_rules import (
    BANNED_DAY,
    COMMUNE_CLOSED,
    DRIVE_BETWEEN_SESSIONS,
    FREQUENCY,
    HOLIDAY,
    HOURS,
    LUNCH,
    MIN_GAP,
    ONE_TOUR_PER_DAY,
    PIN,
    SESSION_TIMES,
    SITE_CLASH,
    SITE_OPEN,
    SPEED,
    TRAVEL,
    UNIT_CLOSED,
    UNIT_DAY,
    UNIT_PLACES,
    check_banned_day,
    check_commune_closed,
    check_drive_between_sessions,
    check_frequency,
    check_holiday,
    check_hours,
    check_lunch,
    check_min_gap,
    check_one_tour_per_day,
    check_pin,
    check_session_times,
    check_site_clash,
    check_site_open,
    check_speed,
    check_travel,
    check_unit_closed,
    check_unit_day,
    check_unit_places,
)
from planner.domain.errors import PlanningError, PlanWarning
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.domain.travel_matrix import TravelMatrix

__all__ = ["HARD_RULES", "RULE_NAMES", "Context", "Violation", "assert_valid", "validate", "validate_as_made"]


#: Every hard rule, in the order they are checked and reported.
HARD_RULES: tuple[tuple[str, Callable[[Context], Iterable[Violation]]], ...] = (
    # hard: tours
    (UNIT_DAY, check_unit_day),
    (HOLIDAY, check_holiday),
    (COMMUNE_CLOSED, check_commune_closed),
    (UNIT_CLOSED, check_unit_closed),
    (HOURS, check_hours),
    (SESSION_TIMES, check_session_times),
    (TIME_GRID, check_time_grid),
    (TRAVEL, check_travel),
    (SPEED, check_speed),
    (DRIVE_BETWEEN_SESSIONS, check_drive_between_sessions),
    (LUNCH, check_lunch),
    (SITE_OPEN, check_site_open),
    (SITE_CLASH, check_site_clash),
    (UNIT_PLACES, check_unit_places),
    (FREQUENCY, check_frequency),
    (MIN_GAP, check_min_gap),
    (ONE_TOUR_PER_DAY, check_one_tour_per_day),
    (PIN, check_pin),
    (BANNED_DAY, check_banned_day),
    # hard: staff
    (CREW, check_crew),
    (ROLE, check_role),
    (REMOTE, check_remote),
    (AVAILABILITY, check_availability),
    (SHIFT_TIMES, check_shift_times),
    (ONE_PLACE, check_one_place),
    (ONE_TOUR_PER_PERSON_PER_DAY, check_one_tour_per_person_per_day),
    (MAX_WEEK, check_max_week),
    (MAX_MONTH, check_max_month),
)
RULE_NAMES: tuple[str, ...] = tuple(name for name, _ in HARD_RULES)


# --- Entry points ---------------------------------------------------------------------------


def validate(instance: Instance, plan: Plan, *, travel: TravelMatrix | None = None) -> list[Violation]:
    """Every hard constraint the plan breaks, as readable French violations (empty: the plan is valid).

    Parameters
    ----------
    instance
        The territory, units, roster and rules the plan was made for.
    plan
        The finished plan: dated tours and their shifts.
    travel
        The road matrix the plan was built with, for the reference legs; ``None`` estimates every
        reference leg from the coordinates (`planner.domain.geo`). Places missing from a given
        matrix are estimated, and a `PlanWarning` names them. SPEED never reads it.

    Returns
    -------
    list[Violation]
        In the order of `HARD_RULES`, then of the plan.
    """
    ctx = Context(instance, plan, Legs(travel))
    violations = [v for _name, rule in HARD_RULES for v in rule(ctx)]
    if travel is not None and ctx.travel.estimated:
        names = ", ".join(sorted(p.name for p in ctx.travel.estimated))
        msg = f"validation : trajets estimés à vol d'oiseau pour des lieux absents de la matrice fournie ({names})"
        warnings.warn(msg, PlanWarning, stacklevel=2)
    return violations


def validate_as_made(instance: Instance, plan: Plan, travel: TravelMatrix) -> list[Violation]:
    """`validate` against the matrix ``plan`` was made with: a road matrix is checked against; for an
    estimate the validator recomputes every leg from the coordinates itself."""
    return validate(instance, plan, travel=travel if travel.source == "road" else None)


def assert_valid(instance: Instance, plan: Plan, *, travel: TravelMatrix | None = None) -> None:
    """Raise `PlanningError` listing every violation when the plan breaks a hard constraint.

    Raises
    ------
    PlanningError
        With one line per violation.
    """
    violations = validate(instance, plan, travel=travel)
    if violations:
        lines = [f"Le plan enfreint {len(violations)} contrainte(s) impérative(s) :"]
        lines += [f"- {v}" for v in violations]
        raise PlanningError("\n".join(lines))
