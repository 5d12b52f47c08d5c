"""The KPIs of a plan (planner.results.kpis) computed from its tours and shifts."""

from __future__ import annotations

from dataclasses import replace

from planner.domain.instance import Role
from planner.results.kpis import compute_kpis
from planner.travel import travel_for
from tests.support.far_case import far_instance, far_plan


def test_far_shifts_counts_on_site_shifts_of_people_with_a_home():
    """The far case's plan: dn starts six shifts 50 km from home, next to busa's depot. Without dn's
    home they are not counted; busb's doctor working remotely starts nowhere: only busd's is left."""
    instance = far_instance()
    plan = far_plan(instance)

    def kpis(inst, shifts=plan.shifts) -> dict[str, float]:
        return compute_kpis(inst, list(plan.tours), list(shifts), travel_for(inst))

    figures = kpis(instance)
    assert figures["far_shifts"] == 6
    assert (figures["home_km_median"], figures["home_km_max"]) == (25.0, 50.1)  # 6 shifts at home, 6 at 50 km
    homeless = replace(instance.person("dn"), home=None)
    assert kpis(instance.replace(staff=(homeless, *instance.staff[1:])))["far_shifts"] == 0
    remote = tuple(replace(u, remote_roles=frozenset({Role.DOCTOR})) if u.id == "busb" else u for u in instance.units)
    on_b = {s for s in plan.shifts if s.unit_id == "busb"}
    shifts = [replace(s, remote=True) if s in on_b else s for s in plan.shifts]
    assert kpis(instance.replace(units=remote), shifts)["far_shifts"] == 1


def test_no_home_known_gives_no_distance_kpis(small_instance, sample_plan):
    """The small instance's staff have no home: no km from home, no far shifts."""
    plan = sample_plan(small_instance)
    figures = compute_kpis(small_instance, list(plan.tours), list(plan.shifts), travel_for(small_instance))
    assert "far_shifts" not in figures and "home_km_median" not in figures


def test_continuity_and_preferences_are_kpis_of_a_crewed_plan(small_instance, person):
    """Continuity of care (the share of a commune's visits by its most frequent doctor) and the share
    of shifts meeting their person's preferences, from the plan's own shifts."""
    from planner import PlanOptions, plan, validate
    from planner.domain.instance import Role
    from planner.results.staff_load import continuity_share

    liking = person("d9", {Role.DOCTOR}, preferred_units=frozenset({"bus1"}))
    instance = small_instance.replace(staff=(*small_instance.staff, liking))
    result = plan(instance, PlanOptions(time_limit=1))
    assert validate(instance, result) == []
    kpis = result.kpis
    assert kpis["continuity_share"] == round(continuity_share(result.tours, result.shifts), 4)
    assert 0 < kpis["continuity_share"] <= 1
    assert kpis["preferences_met_share"] == 1.0  # the only preference is the only unit
