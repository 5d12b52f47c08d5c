"""Two sessions exchanged: each goes to the other's day and unit.

Its own module because a swap is a second kind of manual move, checked and finished like one
(`planner.planning.moves`: the quick checks, both days re-timed, re-crewed, the validator) but with
its own refusals (two sessions of the same tour or commune).
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date

from planner.domain.errors import MoveRefused
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.domain.travel_matrix import TravelMatrix
from planner.planning.changes import SessionMove
from planner.planning.move_checks import NO_CHANGE, PRECHECKS, refused, source_tour
from planner.planning.move_timing import timed_day
from planner.planning.moves import MoveResult, MoveRun, finish_move
from planner.planning.published_plan import check_published, published_timing, published_travel


def swap_sessions(
    instance: Instance,
    plan: Plan,
    first: tuple[str, date, str],
    second: tuple[str, date, str],
    *,
    today: date,
    travel: TravelMatrix | None = None,
    time_limit: float | None = None,
    seed: int = 0,
) -> MoveResult:
    """Exchange two sessions (each a unit id, a day, an INSEE code): each goes to the other's day and
    unit, both days re-timed by the day routing (each session as close to its old time as it can),
    re-crewed and validated as in `move_session`; a swap that breaks a rule is refused the same way.

    Raises
    ------
    MoveRefused
        When either session is missing or a fixed place's, when both are of the same tour or commune
        (``NO_CHANGE``), or when the swap breaks a hard rule (its French name ends the message).
    """
    began = time.perf_counter()
    check_published(instance, plan)
    gridded = instance
    instance = published_timing(instance, plan)
    a = SessionMove(first[0], first[1], first[2], second[1], second[0])
    b = SessionMove(second[0], second[1], second[2], first[1], first[0])
    tour_a, tour_b = source_tour(instance, plan, a), source_tour(instance, plan, b)
    if tour_a.key == tour_b.key or a.insee == b.insee:
        why = "de la même tournée" if tour_a.key == tour_b.key else "de la même commune"
        msg = (
            f"Refusé : les deux séances sont {why} ; l'échange ne changerait rien "
            "(pour une autre heure, déplacez l'une des deux)"
        )
        raise MoveRefused(NO_CHANGE, msg)
    for move, other in ((a, b), (b, a)):
        without = replace(
            plan,
            tours=tuple(
                replace(t, sessions=tuple(s for s in t.sessions if s.insee != other.insee))
                if t.key == f"{other.unit_id}/{other.day.isoformat()}"
                else t
                for t in plan.tours
            ),
        )  # the other session has left its day
        for check in PRECHECKS:
            reason = check(instance, without, move, instance.unit(move.target_unit), today)
            if reason:
                raise refused(*reason)
    travel = travel or published_travel(instance, plan)
    usual = {s.insee: s.start for t in (tour_a, tour_b) for s in t.sessions}
    changed = []
    for tour, leaving, coming in ((tour_a, a.insee, b.insee), (tour_b, b.insee, a.insee)):
        day = [instance.commune(s.insee) for s in tour.sessions if s.insee != leaving] + [instance.commune(coming)]
        changed.append(timed_day(instance, instance.unit(tour.unit_id), tour.date, day, usual, travel))
    headline = f"Séances échangées — {a.text(instance)} ; {b.text(instance)}"
    run = MoveRun(today, travel, time_limit, seed, began, gridded)
    return finish_move(instance, plan, changed, {tour_a.key, tour_b.key}, headline, run)
