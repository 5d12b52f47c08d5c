"""How many crews each date and session can have (planner.crews.staffing)."""

from __future__ import annotations

from planner.crews.staffing import bus_day_sessions, crew_counts, max_crews
from planner.domain.instance import (
    HalfDay,
    Role,
    TimeWindow,
)
from tests.support import builders
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


def test_a_morning_bus_is_crewed_by_people_free_in_the_mornings(person):
    """A bus working 08:00-12:45 (one session) needs its crew in the mornings only, as the rota
    crews it; a bus working the whole day with one session still needs the whole day."""
    mornings = frozenset((d, HalfDay.MORNING) for d in range(5))
    morning_bus = builders.bus("matin", hours=TimeWindow(8 * 60, 12 * 60 + 45), lunch=None, sessions_per_day=1)
    whole_day = builders.bus("jour", sessions_per_day=1)
    staff = [person("d1", {Role.DOCTOR}, availability=mornings), person("c1", {Role.DRIVER}, availability=mornings)]
    crews = crew_counts(instance_of(staff, units=[morning_bus, whole_day], weeks=1))
    assert crews(morning_bus, day(0, 0), 0) == 1
    assert crews(whole_day, day(0, 0), 0) == 0


def test_a_bus_day_holds_what_its_half_day_crews_can(person):
    """For the bound of the rules: with crews free in one half-day only, a day of two sessions holds
    what fits in that half-day (one session of 3 h with the set-up), and a morning bus (08:00-12:45)
    crewed only in the afternoons holds nothing: its hours hold no session there."""
    mornings = frozenset((d, HalfDay.MORNING) for d in range(5))
    afternoons = frozenset((d, HalfDay.AFTERNOON) for d in range(5))
    morning_bus = builders.bus("matin", hours=TimeWindow(8 * 60, 12 * 60 + 45), lunch=None, sessions_per_day=1)
    whole_day = builders.bus("jour")
    for halves, expected in ((mornings, {"matin": 1, "jour": 1}), (afternoons, {"matin": 0, "jour": 1})):
        staff = [person("d1", {Role.DOCTOR}, availability=halves), person("c1", {Role.DRIVER}, availability=halves)]
        instance = instance_of(staff, units=[morning_bus, whole_day], weeks=1)
        sessions = bus_day_sessions(instance)
        assert {u.id: sessions(u, day(0, 0)) for u in instance.units} == expected
    everyone = instance_of([person("d1", {Role.DOCTOR}), person("c1", {Role.DRIVER})], units=[whole_day], weeks=1)
    assert bus_day_sessions(everyone)(whole_day, day(0, 0)) == 2


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
