"""The plan as a workbook (planner.publish.spreadsheet): one sheet per table, text never run as a formula."""

from __future__ import annotations

import io
from dataclasses import replace

import openpyxl
import pytest

from planner.domain.plan import Unserved
from planner.publish.outputs import write_outputs
from planner.publish.spreadsheet import workbook_bytes

SHEETS = [
    "Séances",
    "Gardes",
    "Équipes par semaine",
    "Unités par semaine",
    "Indicateurs",
    "Communes peu ou pas visitées",
]


@pytest.fixture
def book(small_instance, sample_plan):
    base = small_instance
    tricky = replace(base.communes[1], name='=HYPERLINK("http://x")')
    instance = base.replace(communes=(base.communes[0], tricky, *base.communes[2:]))
    return instance, openpyxl.load_workbook(io.BytesIO(workbook_bytes(instance, sample_plan(instance))))


def test_workbook_has_a_sheet_per_table_with_french_headers(book):
    """Sessions and shifts have a row each; the rota sheet has a row per person and week."""
    instance, wb = book
    assert wb.sheetnames == SHEETS
    sessions, shifts, rota = wb["Séances"], wb["Gardes"], wb["Équipes par semaine"]
    assert [c.value for c in sessions[1]][:4] == ["date", "jour", "unité", "insee"]
    assert sessions.max_row == 1 + 8 and shifts.max_row == 1 + 8
    assert rota.max_row == 1 + 2 * len(instance.staff)
    assert [c.value for c in rota[1]] == ["semaine", "personne", "lundi", "mardi", "mercredi", "jeudi", "vendredi"]
    units = wb["Unités par semaine"]
    assert [c.value for c in units[1]][-2:] == ["séance 1", "séance 2"]
    assert [c.value for c in wb["Indicateurs"][2]][:3] == ["Séances / semaine", 4.0, "4"]


def test_left_out_sheet_lists_communes_below_target_and_those_never_visited_by_choice(small_instance, sample_plan):
    """A commune with a target of 0 is in the sheet with its reason, beside those below their target."""
    base = small_instance
    never = replace(base.communes[3], insee="76099", name="Ville-sans-objectif", visits_per_week=0.0)
    instance = base.replace(communes=(*base.communes, never))
    plan = replace(
        sample_plan(instance), unserved=(Unserved("76004", "Commune 76004", 0.5, 0, "capacité insuffisante"),)
    )
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(instance, plan)))[SHEETS[-1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [
        ["Commune 76004", "76004", 0.5, 0, "capacité insuffisante"],
        ["Ville-sans-objectif", "76099", 0, 0, "objectif 0 : jamais visitée, par choix"],
    ]


def test_no_cell_is_a_formula(book):
    """The commune whose name starts with '=' is stored as text with a leading quote, in every sheet."""
    _, wb = book
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    names = [c.value for c in wb["Séances"]["E"]]
    assert any(isinstance(v, str) and v.startswith("'=") for v in names)


def test_write_outputs_writes_plan_xlsx(tmp_path, small_instance, sample_plan):
    """planner plan's output folder holds plan.xlsx beside the CSV files."""
    instance = small_instance
    paths = write_outputs(instance, sample_plan(instance), tmp_path)
    assert tmp_path / "plan.xlsx" in paths
    assert openpyxl.load_workbook(tmp_path / "plan.xlsx").sheetnames == SHEETS
