"""A candidate plan beside the current one (planner.results.plan_compare): key figures with their
differences, and a week's sessions marked added, removed or moved."""

from __future__ import annotations

from dataclasses import replace

from planner.results.plan_compare import (
    ADDED,
    KEY_FIGURES,
    MOVED_IN,
    MOVED_OUT,
    REMOVED,
    SAME,
    change_grid,
    changed_weeks,
    key_figures,
    kpi_deltas,
)
from planner.results.plan_diff import diff_plans


def test_deltas_say_how_much_each_figure_changed_in_french(small_instance, sample_plan):
    """Shares differ in points, counts in units, with a sign; equal figures have no delta; the key
    figures come first; less driving is marked as the better direction."""
    plan = replace(sample_plan(small_instance, weeks=1), kpis={"need_served_share": 0.5, "drive_km_per_week": 120.0})
    better = replace(plan, kpis={"need_served_share": 0.625, "drive_km_per_week": 100.5})
    deltas = {d.key: d for d in kpi_deltas(plan, better)}
    assert deltas["need_served_share"].delta == "+12,5 pt" and deltas["need_served_share"].after.startswith("62,5")
    assert deltas["drive_km_per_week"].delta == "-19,5" and deltas["drive_km_per_week"].lower_is_better
    assert deltas["communes_below_target"].delta == "" and deltas["communes_below_target"].is_key
    assert [d.key for d in kpi_deltas(plan, better)] == [k for k in KEY_FIGURES if k in deltas]
    strip = key_figures(better)
    assert [f.label for f in strip] == ["Besoin couvert", "km / semaine", "Sous l'objectif"]
    assert strip[0].explanation.startswith("Besoin couvert : ") and len(strip) <= 6


def test_change_grid_marks_added_removed_and_moved_sessions(small_instance, sample_plan, make_tour):
    """Monday's first visit moved to Thursday evening, its second commune replaced by another: the
    week's grid shows the moved visit where it was (moved out) and where it is (moved in), the new
    commune added and the old one removed in its place, Thursday's own visits as they were."""
    plan = sample_plan(small_instance, weeks=1)
    monday, thursday = plan.tours
    first, second = monday.sessions
    other = thursday.sessions[-1].insee  # visited on Thursday already: Monday's visit there is new
    new_thursday = make_tour(
        "bus1", thursday.date, [(s.insee, s.start, s.end) for s in thursday.sessions] + [(first.insee, 1080, 1140)]
    )
    new_monday = make_tour("bus1", monday.date, [(other, second.start, second.end)])
    candidate = replace(plan, tours=(new_monday, new_thursday))
    diff = diff_plans(plan, candidate)
    assert changed_weeks(candidate, diff) == [0]
    grid = change_grid(small_instance, plan, candidate, diff, 0)
    ((unit, cells),) = grid.rows
    assert unit == small_instance.unit("bus1").name and len(cells) == len(grid.columns) == 5  # no empty weekend
    by_day = dict(zip(grid.days, cells, strict=True))
    assert [c.status for c in by_day[monday.date]] == [MOVED_OUT, ADDED, REMOVED]
    assert [c.status for c in by_day[thursday.date]] == [SAME] * len(thursday.sessions) + [MOVED_IN]
    name = small_instance.commune(first.insee).name
    assert by_day[monday.date][0].text.startswith(name) and "(déplacée au jeu. " in by_day[monday.date][0].text
    assert by_day[thursday.date][-1].text == f"{name} 18 h 00–19 h 00 (avant : lun. {monday.date:%d/%m}, 9 h 00)"
    assert small_instance.commune(other).name in by_day[monday.date][1].text
