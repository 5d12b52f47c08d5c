"""Identifiers in a territory's files (planner.inputs.tables, fields, scenario): staff and unit ids,
INSEE codes and the references to them are NFKC-normalised, and refused in French with file, row and
column when they hold an invisible or control character."""

from __future__ import annotations

import pytest

from planner.cli import main
from planner.inputs import load_territory, parse_insee
from planner.inputs.fields import FieldError
from tests.support.territory_files import only, problems_of, territory

ZWSP = "\u200b"


def test_a_zero_width_space_does_not_make_a_second_person(tmp_path, capsys):
    """``m01`` and ``m01`` + U+200B are not two people: the second is refused (roster.csv, row 4, id)."""
    folder = territory(tmp_path, roster=[("d1,Dr A.", "m01,Dr A."), ("d3,Dr C.", f"m01{ZWSP},Dr C.")])
    problem = only(problems_of(folder), "roster.csv", "id")
    assert problem.row == 4
    assert "caractère invisible ou de contrôle U+200B (ZERO WIDTH SPACE) dans un identifiant" in problem.message
    assert main(["check", str(folder)]) == 2
    out = capsys.readouterr().out
    assert "roster.csv, ligne 4, colonne « id » : caractère invisible" in out


@pytest.mark.parametrize("ch", ["\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2067", "\x01", "\x9f"])
def test_other_invisible_or_control_characters_in_a_staff_id(tmp_path, ch):
    folder = territory(tmp_path, roster=[("d3,Dr C.", f"d{ch}3,Dr C.")])
    problem = only(problems_of(folder), "roster.csv", "id")
    assert problem.row == 4 and f"U+{ord(ch):04X}" in problem.message


def test_an_id_that_is_the_same_after_nfkc_is_a_duplicate(tmp_path):
    """A full-width ``ｃ１`` is ``c1``: a second person with it is a duplicate id."""
    folder = territory(tmp_path, roster=[("c2,E. Moreau", "ｃ１,E. Moreau")])
    assert "identifiant « c1 » déjà utilisé ligne 5" in only(problems_of(folder), "roster.csv", "id").message


def test_a_full_width_insee_code_becomes_the_ascii_code(tmp_path):
    """``７６００８`` (full-width digits) is the code ``76008``, in the communes file and wherever it is
    referred to (a home commune, a depot, a commune closure)."""
    folder = territory(
        tmp_path,
        communes=[("76008,Ancourt", "７６００８,Ancourt")],
        roster=[(",76008,,,,", ",７６００８,,,,")],
        scenario=[('depot = "76217"', 'depot = "７６２１７"'), ('insee = "76413"', 'insee = "７６４１３"')],
    )
    instance = load_territory(folder)
    assert instance.commune("76008").name == "Ancourt"
    home = next(s.home for s in instance.staff if s.id == "c1")
    assert home is not None and home.name == "Ancourt"
    assert instance.rules.commune_closures[0].insee == "76413"


def test_a_full_width_insee_code_is_a_duplicate_of_the_ascii_one(tmp_path):
    folder = territory(tmp_path, communes=[("76026,Arques", "７６００８,Arques")])
    assert "code INSEE « 76008 » déjà utilisé ligne 3" in only(problems_of(folder), "communes.csv", "insee").message


def test_parse_insee_normalises_and_refuses():
    assert parse_insee("７６００８") == "76008"
    assert parse_insee("２a００４") == "2A004"
    with pytest.raises(FieldError, match="U\\+200B"):
        parse_insee(f"76008{ZWSP}")
    with pytest.raises(FieldError, match="n'est pas un code INSEE"):
        parse_insee("٧٦٠٠٨")  # Arabic-Indic digits: no NFKC form in ASCII


def test_invisible_character_in_an_insee_code_and_a_reference(tmp_path):
    folder = territory(
        tmp_path,
        communes=[("76413,Martigny", f"76413{ZWSP},Martigny")],
        roster=[("76026;76413", f"76026;76413{ZWSP}")],
    )
    problems = problems_of(folder)
    assert only(problems, "communes.csv", "insee").row == 5
    assert "U+200B" in only(problems, "roster.csv", "preferred_communes").message


def test_invisible_character_in_a_header_names_the_column(tmp_path):
    folder = territory(tmp_path, roster=[("id,name", f"id{ZWSP},name")])
    problem = only(problems_of(folder), "roster.csv", None)
    assert problem.row == 1 and "en-tête : colonne « id\\u200b »" in problem.message and "U+200B" in problem.message


def test_full_width_header_is_the_column(tmp_path):
    folder = territory(tmp_path, roster=[("id,name", "ｉｄ,name")])
    assert len(load_territory(folder).staff) == 5


def test_a_unit_id_with_an_invisible_character_is_refused_at_its_line(tmp_path):
    folder = territory(tmp_path, scenario=[('id = "medicobus"', f'id = "medicobus{ZWSP}"')])
    problem = only(problems_of(folder), "scenario.toml", "units.id")
    assert problem.row == 20 and "U+200B (ZERO WIDTH SPACE)" in problem.message


def test_a_full_width_unit_id_is_normalised(tmp_path):
    """``ｍｅｄｉｃｏｂｕｓ`` is ``medicobus``: the roster's preferred unit still names it."""
    folder = territory(tmp_path, scenario=[('id = "medicobus"', 'id = "ｍｅｄｉｃｏｂｕｓ"')])
    assert [u.id for u in load_territory(folder).units] == ["medicobus"]


def test_a_key_with_an_invisible_character(tmp_path):
    """A quoted key (a bare TOML key cannot hold one) with a zero-width space is named as such."""
    folder = territory(tmp_path, scenario=[("weeks = 2", f'"weeks{ZWSP}" = 2')])
    problems = problems_of(folder)
    assert any("nom de clé : caractère invisible" in p.message and "U+200B" in p.message for p in problems)
