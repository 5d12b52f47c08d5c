"""Re-plans that move visits (issue 25, item 3): a session whose day is lost goes to the nearest day
that keeps the rules, before any is dropped; the change list says « déplacée au … »."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.check.validate import validate
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.planning.changes import CommuneClosed, StaffUnavailable, UnitOutOfService
from planner.planning.lost_visits import MOVE_WINDOW_DAYS
from planner.planning.replan import replan
from planner.planning.replan_text import summary_text
from tests.support.builders import MONDAY
from tests.support.replan_case import published_plan, two_bus_territory

TODAY = MONDAY + timedelta(days=7)
BROKEN = MONDAY + timedelta(days=9)  # week 2's Wednesday: bus1 visits 76003 and 76004


@pytest.fixture(scope="module")
def published() -> tuple[Instance, Plan]:
    instance = two_bus_territory()
    return instance, published_plan(instance)


def visits(plan: Plan, insee: str) -> list[str]:
    return sorted(f"{t.unit_id}/{t.date.isoformat()}" for t, s in plan.sessions() if s.insee == insee)


def test_a_breakdown_moves_the_days_visits_to_another_bus_that_day(published):
    """bus1 out of service on the day of 2 visits, bus2 free: both visits stay on that day, on bus2,
    crewed, and the change list says so."""
    instance, plan = published
    result = replan(instance, plan, [UnitOutOfService("bus1", BROKEN, BROKEN)], today=TODAY, time_limit=5)
    assert validate(instance, result.plan) == []
    assert (result.sessions_moved, result.sessions_removed, result.tours_removed) == (2, 0, 1)
    tour = next(t for t in result.plan.tours if t.key == f"bus2/{BROKEN.isoformat()}")
    assert {s.insee for s in tour.sessions} == {"76003", "76004"}
    assert {s.tour_key for s in result.plan.shifts} >= {tour.key}
    moved = [line for line in result.diff if "déplacée au" in line]
    assert len(moved) == 2
    assert all("séance du mercredi 13 janv. 2027 déplacée au mercredi 13 janv. 2027 (Bus bus2)" in m for m in moved)
    assert "2 séance(s) déplacée(s)" in summary_text(result)


def test_with_every_bus_down_that_day_the_visits_go_to_the_nearest_day(published):
    """Both buses out of service that day: the 2 visits go to the nearest day with room (the day
    before, a Tuesday without a tour), never before today, and the plan passes the validator."""
    instance, plan = published
    down = [UnitOutOfService("bus1", BROKEN, BROKEN), UnitOutOfService("bus2", BROKEN, BROKEN)]
    result = replan(instance, plan, down, today=TODAY, time_limit=5)
    assert validate(instance, result.plan) == []
    assert result.sessions_moved == 2 and result.sessions_removed == 0
    nearest = BROKEN - timedelta(days=1)
    for insee in ("76003", "76004"):
        assert f"bus1/{nearest.isoformat()}" in visits(result.plan, insee)
        assert f"bus1/{BROKEN.isoformat()}" not in visits(result.plan, insee)
    assert sum("déplacée au mardi 12 janv. 2027 (Bus bus1)" in line for line in result.diff) == 2
    assert [t for t in result.plan.tours if t.date < TODAY] == [t for t in plan.tours if t.date < TODAY]


def test_a_visit_is_dropped_only_when_no_nearby_day_fits(published):
    """76003 closed for the whole window around both of its coming visits: nothing fits, so they are
    dropped, as before, and the change list says that none could be moved."""
    instance, plan = published
    closed = frozenset(TODAY + timedelta(days=d) for d in range(13))  # Monday of week 2 to end of week 3
    result = replan(instance, plan, [CommuneClosed("76003", closed)], today=TODAY, time_limit=5)
    assert validate(instance, result.plan) == []
    assert result.sessions_moved == 0 and result.sessions_removed == 2
    assert [v for v in visits(result.plan, "76003") if v >= f"bus1/{TODAY.isoformat()}"] == []
    dropped = [line for line in result.diff if "non déplacée" in line]
    assert len(dropped) == 2 and all(f"± {MOVE_WINDOW_DAYS} jours" in line for line in dropped)
    assert not any("déplacée au" in line for line in result.diff)


def test_a_day_without_a_crew_moves_its_visits_too(published):
    """Both drivers away on the day of 2 visits: no crew for that bus day, so its visits go to the
    nearest day a crew is free, rather than being dropped « faute d'équipe »."""
    instance, plan = published
    away = [StaffUnavailable(driver, BROKEN, BROKEN) for driver in ("c1", "c2")]
    result = replan(instance, plan, away, today=TODAY, time_limit=5)
    assert validate(instance, result.plan) == []
    assert result.sessions_moved == 2 and result.sessions_removed == 0
    assert all(t.date != BROKEN for t in result.plan.tours)
    assert any("tournée supprimée faute d'équipe" in line for line in result.diff)
    assert sum("séance du mercredi 13 janv. 2027 déplacée au" in line for line in result.diff) == 2
    assert not any(s.staff_id in {"c1", "c2"} and s.date == BROKEN for s in result.plan.shifts)
