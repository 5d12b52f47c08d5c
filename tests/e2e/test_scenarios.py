"""Scenario tests on the built-in territories: the plans look like the real schemes they model."""

from __future__ import annotations

from statistics import mean

import pytest

from planner.check.validate import validate
from planner.inputs import load_territory
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan
from planner.travel import travel_for

pytestmark = pytest.mark.slow  # the built-in territories planned whole

OPTIONS = PlanOptions(time_limit=3.0, rota_time_limit=0.5)


@pytest.fixture(scope="module")
def dieppe():
    instance = load_territory("medicobus-dieppe")
    return instance, plan(instance, OPTIONS)


def test_medicobus_serves_six_communes_over_five_weekdays(dieppe):
    """Like the real Médicobus: six communes, Monday to Friday, mostly on fixed weekdays (need comes
    before regularity: a dated visit serves the Christmas week's lost need, docs/architecture.md)."""
    instance, result = dieppe
    assert validate(instance, result, travel=travel_for(instance, OPTIONS.roads)) == []
    served = {s.insee for _, s in result.sessions()}
    assert len(served) == 6
    assert {t.date.weekday() for t in result.tours} == {0, 1, 2, 3, 4}
    assert result.kpis["regularity"] >= 0.8
    assert result.kpis["need_served_share"] >= result.kpis["pattern_bound_share"]


def test_medicobus_skips_christmas_and_says_so(dieppe):
    """Christmas Day 2026 (a Friday) has no tour; the communes it costs a visit are listed."""
    _, result = dieppe
    assert all(t.date.isoformat() != "2026-12-25" for t in result.tours)
    assert result.unserved and all(u.planned_visits < u.target_visits for u in result.unserved)


def test_every_tour_has_its_crew(dieppe):
    """No tour without a doctor and a driver."""
    instance, result = dieppe
    for tour in result.tours:
        roles = sorted(s.role.value for s in result.shifts if s.tour_key == tour.key)
        assert roles == sorted(r.value for r, n in instance.unit(tour.unit_id).crew.items() for _ in range(n))


def test_doctobus_favours_communes_far_from_larger_towns():
    """On Évreux Portes de Normandie the chosen stops lie farther from larger towns than the others."""
    instance = load_territory("doctobus-evreux")
    result = plan(instance, OPTIONS)
    served = {s.insee for _, s in result.sessions()}
    km = {c.insee: c.nearest_town_km for c in instance.communes if c.nearest_town_km is not None}
    inside = [km[i] for i in served if i in km]
    outside = [v for i, v in km.items() if i not in served]
    assert inside and outside
    assert mean(inside) > mean(outside)
    assert_on_the_grid(instance, result)


@pytest.mark.parametrize("name", ["mobilsante-vichy", "orne-solidarite"])
def test_other_builtin_territories_plan_validly(name):
    """The remote-doctor crew and the fixed consultation places give valid, crewed plans."""
    instance = load_territory(name)
    result = plan(instance, OPTIONS)
    assert result.tours
    assert validate(instance, result, travel=travel_for(instance, OPTIONS.roads)) == []
    assert_on_the_grid(instance, result)


def assert_on_the_grid(instance, result) -> None:
    """Sessions and shifts on the 15-min grid, shifts with their set-up (besides the validator's check)."""
    assert instance.rules.time_step == 15 and instance.rules.setup_minutes == 15
    assert all(t % 15 == 0 for _, s in result.sessions() for t in (s.start, s.end))
    assert result.shifts and all(t % 15 == 0 for s in result.shifts for t in (s.start, s.end))
    tours = {t.key: t for t in result.tours}
    for s in result.shifts:
        work = tours[s.tour_key].sessions[s.session] if s.session is not None else None
        begin, end = (
            (work.start, work.end) if work else (tours[s.tour_key].leave_depot, tours[s.tour_key].back_at_depot)
        )
        assert s.start <= begin - 15 and s.end >= end + 15


def test_builtin_plans_are_on_the_grid(dieppe):
    assert_on_the_grid(*dieppe)
