"""How many crews each date and session can have (planner.crews.staffing)."""

from __future__ import annotations

from planner.crews.staffing import crew_counts, max_crews
from planner.domain.instance import (
    HalfDay,
    Role,
)
from tests.support.rota import day, instance_of, tour, wednesday_case

# --- coverage -------------------------------------------------------------------------------------


def test_crew_counts_need_every_role_on_that_date():
    """No driver on Wednesdays: no Wednesday session can be crewed, Monday ones can; a blocked date
    gets no crew at all."""
    instance, _ = wednesday_case()
    crews = crew_counts(instance)
    bus = instance.units[0]
    assert crews(bus, day(0, 0), 0) == 1 and crews(bus, day(0, 0), 1) == 1
    assert crews(bus, day(0, 2), 0) == 0 and crews(bus, day(0, 2), 1) == 0
    from planner.crews.posts import posts_of

    blocked = crew_counts(instance, blocked=posts_of(instance, [tour("bus1", day(0, 0))]))
    assert blocked(bus, day(0, 0), 0) == 0 and blocked(bus, day(1, 0), 0) == 1


def test_crew_counts_respect_dates_off_and_half_days(person):
    """A doctor off on one date, another offering mornings only: the afternoon of that date has no crew."""
    from planner.domain.instance import DateRange

    morning = frozenset((d, HalfDay.MORNING) for d in range(5))
    staff = [
        person("d1", {Role.DOCTOR}, dates_off=(DateRange(day(0, 1), day(0, 1)),)),
        person("d2", {Role.DOCTOR}, availability=morning),
        person("c1", {Role.DRIVER}),
    ]
    instance = instance_of(staff, weeks=1)
    crews = crew_counts(instance)
    bus = instance.units[0]
    assert crews(bus, day(0, 1), 0) == 1  # d2 takes the morning
    assert crews(bus, day(0, 1), 1) == 0  # nobody for the whole day
    assert crews(bus, day(0, 2), 1) == 1


def test_max_crews_matches_people_to_roles_one_role_each(person):
    """A doctor-driver cannot be both in one crew: two people with the two roles make one crew."""
    both = person("x", {Role.DOCTOR, Role.DRIVER})
    crew = {Role.DOCTOR: 1, Role.DRIVER: 1}
    assert max_crews([both], crew, 2) == 0
    assert max_crews([both, person("d", {Role.DOCTOR})], crew, 2) == 1
    assert (
        max_crews(
            [both, person("d", {Role.DOCTOR}), person("c", {Role.DRIVER}), person("y", {Role.DOCTOR, Role.DRIVER})],
            crew,
            3,
        )
        == 2
    )
