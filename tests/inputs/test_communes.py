"""communes.csv (planner.inputs.communes): codes kept as written, rows numbered as in a spreadsheet,
each bad cell reported where it is."""

from __future__ import annotations

import pytest

from planner.domain.errors import InputError
from planner.inputs import (
    parse_communes,
)
from tests.support.territory_files import only, problems_of, territory


def test_insee_codes_stay_strings_with_leading_zeros_and_letters():
    """01004 and 2A004 are kept as written; a code that lost its zero in a spreadsheet is explained."""
    header = "insee,name,population,lat,lon,epci\n"
    rows = "01004,Ambérieu-en-Bugey,14000,45.958,5.359,CC\n2a004,Ajaccio,70000,41.919,8.738,CA\n"
    communes = parse_communes(header + rows, "communes.csv")
    assert [c.insee for c in communes] == ["01004", "2A004"]
    with pytest.raises(InputError) as info:
        parse_communes(header + "1004,Ambérieu-en-Bugey,14000,45.958,5.359,CC\n", "communes.csv")
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (2, "insee")
    assert "zéro initial" in problem.message and "01004" in problem.message


# --- communes.csv problems ------------------------------------------------------------------------


def test_missing_column_is_reported_on_the_header_row(tmp_path):
    """A required column that is absent is named, on row 1, once (not once per row)."""
    folder = territory(tmp_path, communes=[("insee,name,population,lat,", "insee,name,population,latitude,")])
    problem = only(problems_of(folder), "communes.csv", "lat")
    assert problem.row == 1
    assert "colonne obligatoire absente" in problem.message
    assert str(problem).startswith("communes.csv, ligne 1, colonne « lat » : ")


def test_latitude_that_is_not_a_number_matches_the_documented_message(tmp_path):
    """The message reads as in the issue: what is wrong, then « attendu : » and an example."""
    folder = territory(tmp_path, communes=[("49.86429", "abc")])
    assert str(only(problems_of(folder), "communes.csv", "lat")) == (
        "communes.csv, ligne 5, colonne « lat » : « abc » n'est pas un nombre ; "
        "attendu : latitude en degrés décimaux (ex. 49.92)"
    )


def test_overseas_points_are_in_france():
    """Saint-Denis (La Réunion) and Ajaccio (Corse) load without a problem."""
    text = (
        "insee,name,population,lat,lon,epci\n"
        "97411,Saint-Denis,150000,-20.882,55.450,CINOR\n"
        "97415,Saint-Paul,100000,-21.010,55.270,TCO\n"
        "97416,Saint-Pierre,80000,-21.340,55.478,CIVIS\n"
    )
    assert len(parse_communes(text, "communes.csv")) == 3


def test_unknown_frequency_word_and_accepted_words():
    """hebdo/quinzaine/mensuel and their English words are numbers; anything else is reported."""
    header = "insee,name,population,lat,lon,epci,visits_per_week\n"
    words = ["weekly", "fortnightly", "mensuel", "0,5", "souvent"]
    rows = "".join(f"7600{i},C{i},10,49.9,1.1,CC,{w}\n" for i, w in enumerate(words)).replace("0,5", '"0,5"')
    with pytest.raises(InputError) as info:
        parse_communes(header + rows, "communes.csv")
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (6, "visits_per_week") and "souvent" in problem.message
    communes = parse_communes(header + rows.replace("souvent", "0"), "communes.csv")
    assert [c.visits_per_week for c in communes] == [1.0, 0.5, 0.25, 0.5, 0.0]


def test_rows_count_as_in_a_spreadsheet_even_with_blank_lines():
    """A blank line still takes a row number, so the row named is the one the user sees."""
    text = "insee,name,population,lat,lon,epci\n76001,A,1,49.9,1.1,CC\n\n76002,B,x,49.9,1.1,CC\n"
    with pytest.raises(InputError) as info:
        parse_communes(text, "communes.csv")
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (4, "population")


def test_unquoted_comma_in_a_value_is_reported():
    """A comma inside an unquoted name shifts the row: say so instead of reading shifted values."""
    text = "insee,name,population,lat,lon,epci\n76001,A,1,49.9,1.1,CC, de test\n"
    with pytest.raises(InputError) as info:
        parse_communes(text, "communes.csv")
    (problem,) = info.value.problems
    assert problem.row == 2 and "virgule non protégée" in problem.message
