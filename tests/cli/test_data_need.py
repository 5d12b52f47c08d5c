"""`planner data besoin`: real indicators merged into a territory folder, counted, and the errors."""

from __future__ import annotations

import pandas as pd

from planner.cli import main
from planner.inputs import need_download
from tests.support.need_files import without_gp_csv_text, write_apl_xlsx
from tests.support.territory_files import territory


def test_apl_and_count_are_merged_and_counted(tmp_path, capsys):
    folder = territory(tmp_path)
    apl = write_apl_xlsx(tmp_path / "apl.xlsx", {"76008": 1.8, "76413": 2.2})
    counts = tmp_path / "sm.csv"
    counts.write_text(without_gp_csv_text({"76482": 400}), encoding="utf-8")
    assert main(["data", "besoin", str(folder), "--apl", str(apl), "--sans-medecin", str(counts)]) == 0
    out = capsys.readouterr().out
    assert "4 commune(s) sur 5 ont un besoin réel" in out  # Dieppe's count was there already
    frame = pd.read_csv(folder / "communes.csv", dtype=str, keep_default_na=False)
    assert sorted(frame["need_source"]) == ["apl", "apl", "proxy", "sans-medecin", "sans-medecin"]
    assert main(["check", str(folder)]) == 0
    assert "substitution pour 1 commune(s) sur 5" in capsys.readouterr().out


def test_a_wrong_file_exits_2_with_a_french_message(tmp_path, capsys):
    folder = territory(tmp_path)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("code;valeur\n1;2\n", encoding="utf-8")
    assert main(["data", "besoin", str(folder), "--apl", str(wrong)]) == 2
    assert "pas de colonne de code commune" in capsys.readouterr().err


def test_nothing_to_merge_and_a_builtin_name_are_refused(tmp_path, capsys):
    assert main(["data", "besoin", str(territory(tmp_path))]) == 2
    assert "rien à fusionner" in capsys.readouterr().err
    assert main(["data", "besoin", "medicobus-dieppe", "--apl", "x.xlsx"]) == 2
    assert "territoire intégré" in capsys.readouterr().err


def test_telecharger_goes_through_the_network_boundary(tmp_path, capsys, monkeypatch):
    folder = territory(tmp_path)
    monkeypatch.setattr(
        need_download, "apl_file_url", lambda: ("https://example.org/apl.xlsx", "APL aux médecins généralistes")
    )
    workbook = write_apl_xlsx(tmp_path / "apl.xlsx", {"76008": 1.8}).read_bytes()
    monkeypatch.setattr(need_download, "http_get", lambda url: workbook)
    assert main(["data", "besoin", str(folder), "--telecharger"]) == 0
    out = capsys.readouterr().out
    assert "APL aux médecins généralistes (DREES) : 1 commune(s)" in out
    assert "demandez le fichier par commune à votre CPAM" in out
