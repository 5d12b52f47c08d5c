"""scenario.toml (planner.inputs.scenario): rules and unknown keys, each problem on its line (units:
test_scenario_units.py; the TOML text: test_scenario_text.py)."""

from __future__ import annotations

from tests.support.territory_files import only, problems_of, territory

# --- scenario.toml problems -----------------------------------------------------------------------


def test_sessions_that_do_not_fit_in_the_day_and_unknown_keys(tmp_path):
    """Three 180-minute sessions exceed 8 working hours; a misspelt key is not silently ignored."""
    folder = territory(
        tmp_path, scenario=[("sessions_per_day = 2", "sessions_per_day = 3"), ("min_gap_days", "min_gap_day")]
    )
    problems = problems_of(folder)
    assert "ne tiennent pas" in only(problems, "scenario.toml", "units.sessions_per_day").message
    assert "clé inconnue « min_gap_day »" in only(problems, "scenario.toml", "rules.min_gap_day").message
