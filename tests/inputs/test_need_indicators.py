"""Tests of the real need indicators (`planner.inputs.need_indicators`): the publishers' files read as
distributed, the APL rule of the zoning, the merge into a territory's communes.csv and its errors."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from planner.domain.errors import InputError
from planner.inputs import load_communes, parse_communes
from planner.inputs.communes import need_of
from planner.inputs.need_indicators import (
    APL_ADEQUATE,
    APL_PRIORITY,
    SOURCE_APL,
    SOURCE_WITHOUT_GP,
    IndicatorError,
    apl_need,
    merge_indicators,
    merge_report_fr,
    read_indicator,
)
from planner.inputs.need_proxy import need_proxy
from tests.support.need_files import apl_csv_text, without_gp_csv_text, write_apl_xlsx
from tests.support.paths import TINY

APL = {"76217": 3.1, "76008": 1.8, "76026": 2.4, "01001": 4.6}


@pytest.fixture
def folder(tmp_path):
    shutil.copytree(TINY, tmp_path / "terr")
    return tmp_path / "terr"


def test_apl_need_grows_as_the_apl_falls_below_the_zoning_threshold():
    """No need at or above the threshold; at the priority threshold, the missing share of the population."""
    assert apl_need(1000, APL_ADEQUATE) == 0 == apl_need(1000, 6.0)
    at_priority = apl_need(1000, APL_PRIORITY)
    assert at_priority == pytest.approx(1000 * (APL_ADEQUATE - APL_PRIORITY) / APL_ADEQUATE)
    assert apl_need(1000, 3.5) < at_priority < apl_need(1000, 1.0) < apl_need(1000, 0.0) == 1000


def test_the_drees_workbook_is_read_from_its_newest_year_sheet(tmp_path):
    """Title rows, a units row and notes are skipped; the zoning's column (65 ans ou moins) is taken."""
    path = write_apl_xlsx(tmp_path / "apl.xlsx", APL, older={"76217": 9.9})
    indicator = read_indicator(path, SOURCE_APL)
    assert indicator.sheet == "APL 2023"
    assert indicator.values == pytest.approx(APL)
    assert "65 ans ou moins" in indicator.column


def test_a_csv_export_with_decimal_commas_reads_the_same(tmp_path):
    path = tmp_path / "apl.csv"
    path.write_text(apl_csv_text(APL), encoding="cp1252")
    assert read_indicator(path, SOURCE_APL).values == pytest.approx(APL)


def test_the_count_without_a_gp_keeps_the_latest_year_and_not_the_share(tmp_path):
    """The count column is taken, not the share beside it; « NS » (secret statistique) is no figure."""
    path = tmp_path / "sans-medecin.csv"
    path.write_text(without_gp_csv_text({"76217": 1200, "76413": "NS"}, older={"76217": 800, "76413": 30}))
    values = read_indicator(path, SOURCE_WITHOUT_GP).values
    assert values == {"76217": 1200, "76413": 30}


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("code;valeur\n76217;3\n", SOURCE_APL, "pas de colonne de code commune"),
        ("code_commune;population\n76217;3\n", SOURCE_APL, "pas de colonne de l'APL"),
        ("code_commune;part_patients_sans_medecin_traitant\n76217;3\n", SOURCE_WITHOUT_GP, "sans médecin traitant"),
        ("code_commune;apl\nabc;NS\n", SOURCE_APL, "aucune commune avec un chiffre"),
        ("\x00\x01binaire", SOURCE_APL, "ni un classeur xlsx ni un CSV"),
    ],
)
def test_a_wrong_file_is_refused_in_french(tmp_path, text, kind, expected):
    path = tmp_path / "fichier.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IndicatorError, match=expected):
        read_indicator(path, kind)


def test_a_missing_or_broken_file_is_refused(tmp_path):
    with pytest.raises(IndicatorError, match="fichier illisible"):
        read_indicator(tmp_path / "absent.xlsx", SOURCE_APL)
    broken = tmp_path / "casse.xlsx"
    broken.write_bytes(b"PK\x03\x04 pas un classeur")
    with pytest.raises(IndicatorError, match="classeur illisible"):
        read_indicator(broken, SOURCE_APL)


def test_merge_writes_the_figures_and_the_need_follows_the_rules(folder, tmp_path):
    """APL for three communes, a count for one: each commune's need comes from its best figure."""
    apl = read_indicator(write_apl_xlsx(tmp_path / "apl.xlsx", APL), SOURCE_APL)
    counts = tmp_path / "sm.csv"
    counts.write_text(without_gp_csv_text({"76026": 250}))
    report = merge_indicators(folder, apl, read_indicator(counts, SOURCE_WITHOUT_GP))
    assert (report.communes, report.apl, report.without_gp) == (5, 3, 1)
    frame = pd.read_csv(folder / "communes.csv", dtype=str, keep_default_na=False).set_index("insee")
    # Dieppe had its count already (900): it stays the count; Arques gets the new count over its APL
    assert dict(frame["need_source"]) == {
        "76217": "sans-medecin",
        "76008": "apl",
        "76026": "sans-medecin",
        "76413": "proxy",
        "76482": "proxy",
    }
    assert report.real == 3
    communes = {c.insee: c for c in load_communes(folder / "communes.csv")}
    ancourt = communes["76008"]
    assert ancourt.need == pytest.approx(apl_need(ancourt.population, APL["76008"]))
    assert not ancourt.need_is_proxy and ancourt.need_source == SOURCE_APL
    assert communes["76026"].need == 250
    assert communes["76413"].need_is_proxy and communes["76413"].need == 40  # the file's proxy
    text = merge_report_fr(report)
    assert "3 commune(s) sur 5 ont un besoin réel" in text and "les 2 autres" in text


def test_merge_keeps_the_semicolons_of_a_french_spreadsheet(folder, tmp_path):
    path = folder / "communes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="cp1252")
    apl = tmp_path / "apl.csv"
    apl.write_text(apl_csv_text({"76008": 1.8}), encoding="utf-8")
    assert merge_indicators(folder, read_indicator(apl, SOURCE_APL)).apl == 1
    header, ancourt = (line for line in path.read_text(encoding="utf-8").splitlines()[:3] if "Dieppe" not in line)
    assert header.endswith(";apl;need_source") and ancourt.startswith("76008;Ancourt;")
    assert {c.insee: c for c in load_communes(path)}["76008"].need_source == SOURCE_APL


def test_merge_refuses_a_file_of_another_territory(folder, tmp_path):
    path = tmp_path / "apl.csv"
    path.write_text(apl_csv_text({"01001": 2.0, "01002": 3.0}), encoding="utf-8")
    before = (folder / "communes.csv").read_text(encoding="utf-8")
    with pytest.raises(IndicatorError, match="aucune des 5 communes du territoire"):
        merge_indicators(folder, read_indicator(path, SOURCE_APL))
    assert (folder / "communes.csv").read_text(encoding="utf-8") == before


def test_merge_refuses_a_builtin_name_or_a_missing_folder(tmp_path):
    with pytest.raises(IndicatorError, match="territoire intégré"):
        merge_indicators("medicobus-dieppe")
    with pytest.raises(IndicatorError, match="ni un dossier de territoire"):
        merge_indicators(tmp_path / "nulle-part")


def test_need_of_without_any_figure_is_the_proxy():
    """No figure: the proxy of the distance to a town, else the national share of the population."""
    assert need_of(1000, town_km=12.0) == (pytest.approx(need_proxy(1000, 12.0)), "proxy")
    need, source = need_of(1000)
    assert source == "proxy" and 0 < need < 1000
    with pytest.raises(ValueError, match="apl"):
        need_of(1000, declared=SOURCE_APL)


@pytest.mark.parametrize(
    ("source", "message"),
    [("xyz", "n'est pas une origine du besoin"), ("apl", "puisque need_source vaut « apl »")],
)
def test_a_wrong_need_source_is_refused(source, message):
    text = f"insee,name,population,lat,lon,epci,need_source\n76008,Ancourt,653,49.9091,1.17938,CA,{source}\n"
    with pytest.raises(InputError, match=message):
        parse_communes(text)
