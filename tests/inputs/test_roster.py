"""roster.csv (planner.inputs.roster): the roles the units need, maxima, duplicate ids."""

from __future__ import annotations

import pytest

from planner.domain.errors import InputError
from planner.inputs import (
    load_communes,
    load_territory,
    parse_roster,
)
from tests.support.paths import TINY
from tests.support.territory_files import only, problems_of, territory

# --- roster.csv problems --------------------------------------------------------------------------


def test_nobody_can_fill_a_role_a_unit_needs(tmp_path):
    """Without drivers the bus cannot run: the unit and the role are named."""
    folder = territory(
        tmp_path,
        roster=[
            ("c1,D. Leroy (exemple),chauffeur", "c1,D. Leroy (exemple),infirmier"),
            ("driver;secretaire", "secretaire"),
        ],
    )
    problem = only(problems_of(folder), "roster.csv", "roles")
    assert problem.row is None
    assert "personne ne peut tenir le rôle chauffeur" in problem.message and "« medicobus »" in problem.message


def test_role_holders_unavailable_on_every_working_day(tmp_path):
    """Drivers exist but only on weekends while the bus works Monday–Friday."""
    folder = territory(
        tmp_path,
        roster=[
            ("c1,D. Leroy (exemple),chauffeur,lun-ven", "c1,D. Leroy (exemple),chauffeur,sam-dim"),
            ("driver;secretaire,mer-ven", "driver;secretaire,dim"),
        ],
    )
    problem = only(problems_of(folder), "roster.csv", "roles")
    assert "0 personne(s) avec le rôle chauffeur" in problem.message and "lun, mar, mer, jeu, ven" in problem.message


def test_min_shifts_above_max_and_duplicate_staff_id(tmp_path):
    folder = territory(tmp_path, roster=[(",3,10,2,", ",3,10,12,"), ("c2,E. Moreau", "c1,E. Moreau")])
    problems = problems_of(folder)
    assert only(problems, "roster.csv", "min_shifts_per_month").row == 2
    assert "déjà utilisé ligne 5" in only(problems, "roster.csv", "id").message


def test_roster_alone_checks_crews_against_given_units():
    """parse_roster with units reports a role nobody holds, without communes."""
    communes = load_communes(TINY / "communes.csv")
    units = load_territory(TINY).units
    text = "id,name,roles,availability,dates_off,max_shifts_per_week,max_shifts_per_month\nd1,X,medecin,tous,,5,20\n"
    with pytest.raises(InputError) as info:
        parse_roster(text, "roster.csv", communes=communes, units=units)
    (problem,) = info.value.problems
    assert "chauffeur" in problem.message and problem.column == "roles"
