"""scenario.toml (planner.inputs.scenario): depots, fixed places, closures, unknown keys and TOML
syntax, each problem on its line."""

from __future__ import annotations

from datetime import date

from planner.inputs import (
    load_territory,
)
from tests.support.territory_files import only, problems_of, territory

# --- scenario.toml problems -----------------------------------------------------------------------


def test_depot_as_a_point_and_fixed_place_without_places(tmp_path):
    """A depot point is accepted; a fixed place with no places is reported."""
    folder = territory(
        tmp_path,
        scenario=[('depot = "76217"', 'depot_lat = 49.93\ndepot_lon = 1.08\ndepot_name = "Garage"')],
    )
    assert load_territory(folder).units[0].depot.name == "Garage"
    folder = territory(tmp_path / "b", scenario=[('kind = "bus"', 'kind = "fixed"')])
    problem = only(problems_of(folder), "scenario.toml", "units.places")
    assert "lieu fixe sans lieux" in problem.message


def test_sessions_that_do_not_fit_in_the_day_and_unknown_keys(tmp_path):
    """Three 180-minute sessions exceed 8 working hours; a misspelt key is not silently ignored."""
    folder = territory(
        tmp_path, scenario=[("sessions_per_day = 2", "sessions_per_day = 3"), ("min_gap_days", "min_gap_day")]
    )
    problems = problems_of(folder)
    assert "ne tiennent pas" in only(problems, "scenario.toml", "units.sessions_per_day").message
    assert "clé inconnue « min_gap_day »" in only(problems, "scenario.toml", "rules.min_gap_day").message


def test_fixed_place_defaults_and_period_closures(tmp_path):
    """A fixed place without depot starts from its first place; a closure string is a period."""
    folder = territory(
        tmp_path,
        scenario=[
            ('kind = "bus"\ndepot = "76217"', 'kind = "fixed"\nplaces = ["Offranville"]'),
            ("closures = [2027-01-08]", 'closures = ["2027-01-06..2027-01-08"]'),
        ],
    )
    inst = load_territory(folder)
    assert inst.units[0].places == ("76482",)
    assert inst.units[0].depot.name == "Salle des fêtes"
    assert inst.rules.closures == {date(2027, 1, 6), date(2027, 1, 7), date(2027, 1, 8)}


def test_remote_role_outside_crew_and_unknown_holiday_subdivision(tmp_path):
    folder = territory(
        tmp_path,
        scenario=[
            ("public_holidays = true", 'public_holidays = true\nholiday_subdivision = "99"'),
            ("crew = { doctor = 1, driver = 1 }", 'crew = { doctor = 1, driver = 1 }\nremote_roles = ["nurse"]'),
        ],
    )
    problems = problems_of(folder)
    assert (
        "« 99 » n'est pas une subdivision connue"
        in only(problems, "scenario.toml", "rules.holiday_subdivision").message
    )
    assert "absent de l'équipage" in only(problems, "scenario.toml", "units.remote_roles").message


def test_toml_syntax_error_names_the_line(tmp_path):
    folder = territory(tmp_path, scenario=[("weeks = 2", "weeks = ")])
    (problem,) = problems_of(folder)
    assert (problem.file, problem.row) == ("scenario.toml", 6) and "syntaxe TOML" in problem.message
