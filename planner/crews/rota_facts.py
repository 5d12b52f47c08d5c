"""Facts of tours that the rota's rules, its greedy start and the explanations share: the week and
month of a date, the communes and value of a tour, the roles of continuity of care.

Apart from `planner.crews.rota_rules` so that the modules it lists rules from, and those that only
count (`planner.crews.uncrewed`, `planner.crews.free_capacity`…), use them without the model.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date

from planner.crews.posts import TourOrPost
from planner.domain.instance import Instance, Role

#: In a tour's value, a session in a priority zone outweighs any commune's need (people).
PRIORITY_SESSION_VALUE = 10_000
#: Roles for which continuity of care matters (the same person for the same commune).
CARE_ROLES = frozenset({Role.DOCTOR, Role.NURSE, Role.PSYCHOLOGIST, Role.SOCIAL_WORKER})


def iso_week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return (year, week)


def month_of(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def period_is(period: Callable[[date], Hashable], key: Hashable) -> Callable[[date], bool]:
    """Whether a date falls in the period ``key`` of ``period``."""
    return lambda day: period(day) == key


def communes_of(tour: TourOrPost) -> frozenset[str]:
    return frozenset(s.insee for s in tour.sessions)


def tour_value(instance: Instance, tour: TourOrPost) -> int:
    """What a tour serves: the need of its communes, a priority-zone session above any need."""
    value = 0
    for s in tour.sessions:
        if instance.has_commune(s.insee):
            c = instance.commune(s.insee)
            value += round(c.need) + (PRIORITY_SESSION_VALUE if c.priority else 0)
    return value
