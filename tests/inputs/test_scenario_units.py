"""scenario.toml's units (planner.inputs.scenario_units): depots, fixed places and their defaults,
remote roles outside the crew, each problem on its line."""

from __future__ import annotations

from datetime import date

from planner.inputs import load_territory
from tests.support.territory_files import only, problems_of, territory


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
