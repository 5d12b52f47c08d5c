"""A territory study (planner.studies.territory_study) that `planner plan` reproduces scenario by
scenario, with its table, spreadsheet, chart and knee."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from planner.cli import main
from planner.inputs import parse_territory
from planner.studies.figures import COLUMNS, OK
from planner.studies.grid import StudyError
from planner.studies.results_log import read_rows
from planner.studies.territory_study import (
    TerritoryStudy,
    run_territory_study,
)
from tests.support.paths import TINY
from tests.support.studies import FAST, plan_data

# --- A territory study ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_study(tmp_path_factory):
    study = TerritoryStudy(TINY, units=(1, 2), sessions_per_day=(1, 2), weeks=1, options=FAST)
    folder = tmp_path_factory.mktemp("study")
    return study, folder, run_territory_study(study, folder)


@pytest.mark.slow  # a study of four scenarios
def test_each_scenario_of_a_study_is_the_plan_that_planner_plan_gives(tiny_study, tmp_path):
    """For every scenario: `planner plan SCENARIO_FOLDER --options options.toml` writes the same plan."""
    _, folder, report = tiny_study
    assert [r["scenario"] for r in report.rows] == ["u1-s1", "u1-s2", "u2-s1", "u2-s2"]
    assert all(r["status"] == OK for r in report.rows)
    for row in report.rows:
        scenario = folder / "scenarios" / row["scenario"]
        out = tmp_path / row["scenario"]
        assert main(["plan", str(scenario), "--options", str(folder / "options.toml"), "--out", str(out)]) == 0
        assert plan_data(out / "plan.json") == plan_data(scenario / "plan.json")
    two = parse_territory(*(p.read_text(encoding="utf-8") for p in [folder / "scenarios" / "u2-s2" / n for n in
                            ("communes.csv", "roster.csv", "scenario.toml")]))  # fmt: skip
    assert [u.sessions_per_day for u in two.units] == [2, 2]
    assert len({u.depot for u in two.units}) == 2


@pytest.mark.slow  # a study of four scenarios
def test_a_study_writes_its_table_spreadsheet_chart_and_knee(tiny_study):
    _, folder, report = tiny_study
    rows = read_rows(folder / "etude.csv")
    assert [r["scenario"] for r in rows] == [r["scenario"] for r in report.rows]
    assert rows[0]["need_served_share"] == report.rows[0]["need_served_share"]
    sheet = load_workbook(folder / "etude.xlsx")["étude"]
    assert [c.value for c in sheet[1]] == list(COLUMNS.values())
    assert sheet.max_row == 1 + len(report.rows)
    assert (folder / "graphique.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (folder / "graphique.html").read_text(encoding="utf-8")
    assert "coude" in html or "pas de coude" in report.summary
    assert "cdn.jsdelivr" not in html  # opens offline
    assert report.sentences and report.sentences[0] in (folder / "resume.txt").read_text(encoding="utf-8")
    assert "Besoin : chiffres réels pour 1 commune(s) sur 5" in report.summary  # Dieppe: patients_without_gp
    served = {(r["units"], r["sessions_per_day"]): r["need_served_share"] for r in report.rows}
    assert served[(2, "2")] >= served[(1, "1")]  # more capacity never serves less here


@pytest.mark.slow  # a study of four scenarios
def test_a_study_refuses_a_folder_made_with_other_settings_or_files(tiny_study, tmp_path):
    _, folder, _ = tiny_study
    other = TerritoryStudy(TINY, units=(1,), weeks=2, options=FAST)
    with pytest.raises(StudyError, match="autres réglages"):
        run_territory_study(other, folder)
    territory = tmp_path / "tiny"
    shutil.copytree(TINY, territory)
    study = TerritoryStudy(territory, units=(1,), weeks=1, options=FAST)
    run_territory_study(study, tmp_path / "study")
    communes = territory / "communes.csv"
    communes.write_text(communes.read_text(encoding="utf-8").replace(",900,", ",950,"), encoding="utf-8")
    with pytest.raises(StudyError, match="autres réglages"):  # same settings, other need: not resumed
        run_territory_study(study, tmp_path / "study")


def test_cli_refuses_wrong_study_arguments_with_code_2(capsys):
    assert main(["study", "--region", "14"]) == 2
    assert "--each-epci" in capsys.readouterr().err
    assert main(["study", str(TINY), "--units", "3..1"]) == 2
    err = capsys.readouterr().err
    assert "--units « 3..1 »" in err and "Traceback" not in err
