"""`planner check`: every problem printed and exit code 2; a valid territory accepted."""

from __future__ import annotations

from planner.cli import main
from tests.support.paths import TINY
from tests.support.territory_files import territory


def test_cli_check_prints_every_problem_and_exits_2(tmp_path, capsys):
    folder = territory(
        tmp_path,
        communes=[("Ancourt,653,", "Ancourt,abc,")],
        scenario=[('hours = "08:30-17:30"', 'hours = "17:30-08:30"')],
    )
    assert main(["check", str(folder)]) == 2
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith(("communes.csv", "scenario.toml"))]
    assert lines == [
        "communes.csv, ligne 3, colonne « population » : « abc » n'est pas un nombre ; "
        "attendu : population légale, nombre entier de 0 à 3 000 000 (ex. 29080)",
        "scenario.toml, ligne 25, colonne « units.hours » : la plage « 17:30-08:30 » se termine avant de commencer ; "
        "attendu : une plage HH:MM-HH:MM dont le début précède la fin (ex. 08:30-17:30)",
    ]
    assert "2 problème(s)" in out


def test_cli_check_on_a_valid_territory(capsys):
    assert main(["check", str(TINY)]) == 0
    out = capsys.readouterr().out
    assert "données valides" in out and "5 communes" in out
