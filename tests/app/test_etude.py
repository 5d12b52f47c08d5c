"""Page "Étude": every combination planned, the table in French figures, two scenarios compared; a region
study's ranking, map and chart opened from its folder."""

from __future__ import annotations

import dataclasses

import pytest

from planner.studies import RANKING_COLUMNS, run_region_study
from planner.studies.region_study import RegionStudy
from planner.studies.study_run import Execution
from tests.app.conftest import button, ok, run_app
from tests.studies.test_region_study import _city_and_country
from tests.support.studies import FAST


def test_study_page_runs_a_study_and_compares_two_scenarios() -> None:
    """Units 1 to 2 on the demo, one week: a table of two scenarios, the knee sentence, two maps compared."""
    at = run_app("etude", coordinator=True)
    next(s for s in at.select_slider if s.label == "Unités").set_value((1, 2))
    next(n for n in at.number_input if n.label == "Semaines de l'horizon").set_value(1)
    next(n for n in at.number_input if n.label.startswith("Budget de calcul")).set_value(0.5)
    button(at, "Lancer l'étude").click().run()
    ok(at)
    assert at.success and at.success[0].value.startswith(("Au-delà de", "Jusqu'à"))
    table = at.dataframe[0].value
    assert list(table["scénario"]) == ["u1", "u2"] and list(table["statut"]) == ["ok", "ok"]
    assert table["besoin couvert (part)"].str.fullmatch(r"\d+,\d\u202f%").all()  # French figures
    assert [s.label for s in at.selectbox] == ["Scénario A", "Scénario B"]
    assert sum(m.label == "Besoin couvert" for m in at.metric) == 2

    work = at.session_state["work"]  # the roster edited: the same ranges make a new study, not a refusal
    files = work.inputs.files
    roster = files.roster.replace(b"(exemple)", b"(exemple bis)", 1)
    assert roster != files.roster
    at.session_state["work"] = dataclasses.replace(
        work, inputs=dataclasses.replace(work.inputs, files=dataclasses.replace(files, roster=roster))
    )
    button(at, "Lancer l'étude").click().run()
    ok(at)
    assert list(at.dataframe[0].value["statut"]) == ["ok", "ok"]


@pytest.mark.slow  # a region of two intercommunalities planned before the page opens it
def test_study_page_shows_a_region_study_s_ranking_map_and_chart(tmp_path) -> None:
    """The region tab opens a region study's folder: the criterion, the interactive map, the chart, the ranking
    with the rural intercommunality far from care first; a folder that is not one gets a French error."""
    region = RegionStudy(str(_city_and_country(tmp_path)), weeks=1, options=FAST)
    run_region_study(region, tmp_path / "etude-region", execution=Execution())
    at = run_app("etude", coordinator=True)
    assert [tab.label for tab in at.tabs] == ["Ce territoire", "Une région"]
    folder = next(t for t in at.text_input if t.label == "Dossier d'une étude régionale")
    folder.set_value(str(tmp_path)).run()
    ok_but_error = [e.value for e in at.error]
    assert ok_but_error and "classement.csv" in ok_but_error[0]
    folder.set_value(str(tmp_path / "etude-region")).run()
    ok(at)
    assert any(i.value.startswith("Classement par indice de priorité") for i in at.info)
    table = at.dataframe[0].value
    assert list(table[RANKING_COLUMNS["territory"]]) == ["200000020", "200000010"]
    assert list(table[RANKING_COLUMNS["rank"]]) == [1, 2]
    assert [h.value for h in at.subheader][:3] == ["Carte", "Graphique", "Classement"]
    shown = [getattr(e, "type", "") for e in at.main]
    assert "iframe" in shown and "image" in shown  # the map page, the chart's PNG
    frame = next(e for e in at.main if getattr(e, "type", "") == "iframe")
    assert frame.proto.src.startswith("data:text/html")  # its own origin, never the app's
