"""Week views of a plan (planner.results.week_views): the rota as people × days, a unit's week as
days × sessions, holidays said in the grid."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from planner.results.week_views import day_label, person_week, rota_grid, unit_week, week_of


@pytest.fixture
def instance(small_instance):
    return small_instance


def test_rota_grid_has_a_row_per_person_and_a_column_per_working_day(instance, sample_plan):
    """Week 1: d1 and the driver c1 on Monday and Thursday with unit, communes and hours; d2 is free."""
    plan = sample_plan(instance)
    grid = rota_grid(instance, plan, 0)
    monday = plan.start
    assert grid.columns[0] == day_label(monday) and len(grid.columns) == len(instance.units[0].days)
    rows = dict(grid.rows)
    assert set(rows) == {p.name for p in instance.staff}
    d1 = rows[instance.person("d1").name]
    assert d1[0] == ("Bus bus1 (médecin)", "Commune 76001, Commune 76002", "08:15–17:45")
    assert d1[1] == () and d1[3][0] == "Bus bus1 (médecin)"
    assert all(cell == () for cell in rows[instance.person("d2").name])
    frame = grid.frame()
    assert list(frame.columns) == ["personne", *grid.columns] and len(frame) == len(instance.staff)


def test_unit_week_has_a_row_per_day_and_a_column_per_session_with_the_crew(instance, sample_plan):
    """Monday's two sessions each name their commune, hours and crew; a day without tour says so."""
    plan = sample_plan(instance)
    grid = unit_week(instance, plan, "bus1", 1)
    assert grid.columns == ("séance 1", "séance 2")
    rows = dict(grid.rows)
    monday = rows[day_label(plan.start + timedelta(days=7))]
    assert monday[0][:2] == ("Commune 76001", "09:00–12:00") and monday[1][:2] == ("Commune 76002", "14:00–17:00")
    assert "médecin : " + instance.person("d2").name in monday[0][2] and "chauffeur : c1 (exemple)" in monday[0][2]
    tuesday = rows[day_label(plan.start + timedelta(days=8))]
    assert tuesday == (("pas de tournée",), ())


def test_a_public_holiday_is_named_in_the_unit_week(instance, sample_plan):
    """A horizon that contains Christmas Day: the unit's week says "férié (Noël)" on that row."""
    rules = replace(instance.rules, start=instance.rules.start.replace(year=2026, month=12, day=21))
    instance = instance.replace(rules=rules)
    grid = unit_week(instance, sample_plan(instance), "bus1", 0)
    friday = dict(grid.rows).get(day_label(rules.start + timedelta(days=4)))
    assert friday is not None and friday[0][0].startswith("férié (Noël")


def test_person_week_has_a_row_per_working_day_and_says_free_days(instance, sample_plan):
    """d2 works week 2 only (doctors alternate): Monday and Thursday with unit, communes and hours, a dash
    on the other days; in week 1 every day is free."""
    plan = sample_plan(instance)
    grid = person_week(instance, plan, "d2", 1)
    assert grid.columns == ("garde",) and grid.title == f"{instance.person('d2').name} — semaine 2"
    rows = dict(grid.rows)
    monday = plan.start + timedelta(days=7)
    assert rows[day_label(monday)] == (("Bus bus1 (médecin)", "Commune 76001, Commune 76002", "08:15–17:45"),)
    assert rows[day_label(monday + timedelta(days=1))] == (("—",),)
    assert all(cells == (("—",),) for _, cells in person_week(instance, plan, "d2", 0).rows)


def test_week_of_a_date_stays_in_the_horizon(instance, sample_plan):
    plan = sample_plan(instance)
    assert week_of(plan, plan.start) == 0 and week_of(plan, plan.start + timedelta(days=8)) == 1
    assert week_of(plan, plan.start - timedelta(days=30)) == 0
    assert week_of(plan, plan.start + timedelta(days=300)) == plan.weeks - 1
