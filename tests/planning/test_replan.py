"""Re-planning (planner.planning.replan): only what must change changes, the past never does, the result is valid."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from planner.check.validate import validate
from planner.domain.errors import InputError
from planner.domain.instance import Instance, Role
from planner.domain.plan import Plan
from planner.planning.changes import (
    CommuneClosed,
    StaffUnavailable,
    UnitOutOfService,
    apply_to_instance,
    parse_changes,
)
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan as plan_instance
from planner.planning.published_plan import UNGRIDDED_PLAN
from planner.planning.replan import replan
from planner.planning.replan_text import summary_text
from tests.support.builders import MONDAY
from tests.support.replan_case import published_plan, two_bus_territory


@pytest.fixture(scope="module")
def published() -> tuple[Instance, Plan]:
    """A valid published plan: bus1 on Mondays, Wednesdays, Fridays."""
    instance = two_bus_territory()
    return instance, published_plan(instance)


def test_replan_of_a_plan_made_before_the_time_grid():
    """A plan published before the time grid (sessions to the minute, shifts without set-up) is
    re-planned with its own timing: no crash, a valid plan, and a warning that says so."""
    instance = two_bus_territory()
    old_rules = replace(instance.rules, time_step=1, setup_minutes=0)
    old = published_plan(instance.replace(rules=old_rules))
    assert any(t % 15 for _, s in old.sessions() for t in (s.start, s.end))
    assert "TIME_GRID" in {v.rule for v in validate(instance, old)}
    today = MONDAY + timedelta(days=7)
    doctor = next(s.staff_id for s in old.shifts if s.role is Role.DOCTOR and s.date >= today)
    result = replan(
        instance, old, [StaffUnavailable(doctor, today, today + timedelta(days=6))], today=today, time_limit=5
    )
    assert validate(instance.replace(rules=old_rules), result.plan) == []
    assert UNGRIDDED_PLAN in result.plan.warnings
    assert all(s.staff_id != doctor for s in result.plan.shifts if today <= s.date <= today + timedelta(days=6))


def test_one_cancellation_changes_only_the_shifts_it_must(published):
    """A doctor away in week 2: exactly their week-2 shifts move to someone else; nothing else changes."""
    instance, plan = published
    plan = replace(plan, search="Motif hebdomadaire (CP-SAT, budget 2 s) : besoin servi optimal prouvé.")
    today = MONDAY + timedelta(days=7)
    doctor = next(s.staff_id for s in plan.shifts if s.role is Role.DOCTOR and s.date >= today)
    away = (today, today + timedelta(days=6))
    lost = {
        (s.tour_key, s.staff_id, s.role) for s in plan.shifts if s.staff_id == doctor and away[0] <= s.date <= away[1]
    }
    result = replan(instance, plan, [StaffUnavailable(doctor, *away)], today=today, time_limit=5)
    assert result.shifts_changed == len(lost) and result.tours_removed == 0 and result.sessions_removed == 0
    old = {(s.tour_key, s.staff_id, s.role) for s in plan.shifts}
    new = {(s.tour_key, s.staff_id, s.role) for s in result.plan.shifts}
    assert old - new == lost
    assert all(not (s.staff_id == doctor and away[0] <= s.date <= away[1]) for s in result.plan.shifts)
    assert len(result.diff) == len(lost) and all("remplacé·e par" in line for line in result.diff)
    assert validate(instance, result.plan) == []
    assert result.plan.search == plan.search  # how the pattern was found still holds


def test_past_dates_never_change(published):
    """An absence reaching back before today changes nothing before today."""
    instance, plan = published
    today = MONDAY + timedelta(days=9)
    doctor = next(s.staff_id for s in plan.shifts if s.role is Role.DOCTOR)
    result = replan(
        instance,
        plan,
        [StaffUnavailable(doctor, MONDAY, MONDAY + timedelta(days=20))],
        today=today,
        time_limit=5,
    )
    assert [s for s in result.plan.shifts if s.date < today] == [s for s in plan.shifts if s.date < today]
    assert [t for t in result.plan.tours if t.date < today] == [t for t in plan.tours if t.date < today]
    assert all(s.staff_id != doctor for s in result.plan.shifts if s.date >= today)


def test_unit_out_of_service_removes_its_tours_and_their_shifts(published):
    """bus1 broken on Wednesday of week 2: that tour and its two shifts are gone, the rest stays;
    its two sessions are moved (to bus2 that day), not dropped."""
    instance, plan = published
    broken = MONDAY + timedelta(days=9)
    result = replan(
        instance,
        plan,
        [UnitOutOfService("bus1", broken, broken)],
        today=MONDAY + timedelta(days=7),
        time_limit=5,
    )
    assert {t.key for t in plan.tours} - {t.key for t in result.plan.tours} == {f"bus1/{broken.isoformat()}"}
    assert (
        result.tours_removed,
        result.sessions_removed,
        result.shifts_cancelled,
        result.shifts_changed,
    ) == (1, 0, 2, 0)
    assert result.sessions_moved == 2
    assert "hors service" in result.diff[0] and "mercredi" in result.diff[0]


def test_accepted_unit_out_of_service_stays_out_of_later_plans(published):
    """Once a re-plan with bus1 out of service is accepted (`apply_to_instance`), planning the new
    instance again never puts a tour of bus1 back on that date, and the validator checks it."""
    instance, plan = published
    broken = MONDAY + timedelta(days=9)
    change = UnitOutOfService("bus1", broken, broken)
    current = apply_to_instance(instance, [change], today=MONDAY + timedelta(days=7))
    assert current.rules.unit_closed("bus1", broken) and not current.rules.unit_closed("bus2", broken)
    assert any(v.rule == "UNIT_CLOSED" for v in validate(current, plan))
    again = plan_instance(current, PlanOptions(time_limit=2, rota_time_limit=1))
    assert again.tours and not [t for t in again.tours if t.unit_id == "bus1" and t.date == broken]
    assert validate(current, again) == []


def test_closed_commune_removes_its_session_and_empty_tours(published):
    """76001 closed on week 3's Monday: the session leaves that day (moved to a nearby one), the tour
    keeps 76002 and its crew."""
    instance, plan = published
    monday = MONDAY + timedelta(days=14)
    result = replan(
        instance,
        plan,
        [CommuneClosed("76001", frozenset({monday}))],
        today=MONDAY + timedelta(days=7),
        time_limit=5,
    )
    [tour] = [t for t in result.plan.tours if t.date == monday]
    assert [s.insee for s in tour.sessions] == ["76002"]
    assert result.sessions_removed == 0 and result.tours_removed == 0 and result.shifts_changed == 0
    assert any("séance à Commune 76001 supprimée (commune fermée)" in line for line in result.diff)
    assert result.sessions_moved == 1 and any("Commune 76001 : séance du" in line for line in result.diff)
    assert validate(instance, result.plan) == []
    both = replan(
        instance,
        plan,
        [
            CommuneClosed("76001", frozenset({monday})),
            CommuneClosed("76002", frozenset({monday})),
        ],
        today=monday,
        time_limit=5,
    )
    assert all(t.date != monday for t in both.plan.tours) and both.tours_removed == 1
    assert "plus aucune séance" in summary_text(both)


def test_unknown_names_in_changes_are_reported_together(published):
    """An unknown person and an unknown unit: one InputError naming both."""
    instance, plan = published
    with pytest.raises(InputError) as info:
        replan(
            instance,
            plan,
            [
                StaffUnavailable("zz", MONDAY, MONDAY),
                UnitOutOfService("nope", MONDAY, MONDAY),
            ],
            today=MONDAY,
        )
    assert len(info.value.problems) == 2 and "zz" in str(info.value) and "nope" in str(info.value)


def test_parse_changes_reads_the_cli_forms_and_lists_every_bad_line():
    """The three kinds, ranges and lists of dates; bad lines are all reported with their number."""
    changes = parse_changes(
        [
            "unavailable d1:2026-12-02..2026-12-04",
            "out-of-service bus1:2026-12-03",
            "closed 76217:2026-12-02;2026-12-09",
            "",
        ]
    )
    first = MONDAY.replace(year=2026, month=12, day=2)
    assert changes[0] == StaffUnavailable("d1", first, first + timedelta(days=2))
    assert changes[1] == UnitOutOfService("bus1", first + timedelta(days=1), first + timedelta(days=1))
    assert changes[2] == CommuneClosed("76217", frozenset({first, first + timedelta(days=7)}))
    with pytest.raises(InputError) as info:
        parse_changes(
            [
                "broken d1:2026-12-02",
                "unavailable d1:2026-12-05..2026-12-01",
                "closed 76217",
            ]
        )
    rows = [p.row for p in info.value.problems]
    assert rows == [1, 2, 3]
