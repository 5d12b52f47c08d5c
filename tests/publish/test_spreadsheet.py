"""The plan as a workbook (planner.publish.spreadsheet): one sheet per table, text never run as a formula,
printed A4 landscape one page wide, with typed dates and times and French words."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime, time, timedelta

import openpyxl
import pytest

from planner.domain.plan import Unserved
from planner.publish.outputs import write_outputs
from planner.publish.spreadsheet import time_of_day, workbook_bytes

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


def test_every_sheet_prints_a4_landscape_one_page_wide_with_its_header_on_each_page(book):
    """No more strips of columns: fit to the page's width, as many pages down as needed."""
    _, wb = book
    for sheet in wb.worksheets:
        setup = sheet.page_setup
        assert int(setup.paperSize) == 9 and setup.orientation == "landscape", sheet.title  # 9: A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0, sheet.title
        assert sheet.print_title_rows in ("1:1", "$1:$1"), sheet.title
        assert sheet.freeze_panes == "A2"
        assert all(sheet.column_dimensions[c.column_letter].width for c in sheet[1])


def test_dates_and_times_are_typed_cells_shown_in_french(book):
    """Dates are Excel dates shown dd/mm/yyyy, times Excel times shown « 9 h 15 »."""
    _, wb = book
    sessions = wb["Séances"]
    header = [c.value for c in sessions[1]]
    first = sessions[2]
    date_cell, start_cell = first[header.index("date")], first[header.index("début")]
    assert isinstance(date_cell.value, datetime) and date_cell.number_format == "dd/mm/yyyy"
    assert isinstance(start_cell.value, time) and start_cell.number_format == 'h" h "mm'
    units = wb["Unités par semaine"]
    assert all(isinstance(row[2].value, datetime) for row in units.iter_rows(min_row=2))
    shifts = wb["Gardes"]
    remote = [c.value for c in shifts[1]].index("à distance")
    assert {row[remote].value for row in shifts.iter_rows(min_row=2)} <= {"oui", "non"}


def test_no_english_word_nor_boolean_is_shown(book):
    """Headers are French (« salle », not `room`); no `true`/`false` anywhere; no ISO date text."""
    _, wb = book
    assert "salle" in [c.value for c in wb["Séances"][1]]
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert not isinstance(cell.value, bool), (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert cell.value.lower() not in {"true", "false", "room", "weekday", "unit"}, cell.coordinate
                    assert not re.fullmatch(r"\d{4}-\d\d-\d\d", cell.value), cell.coordinate


@pytest.mark.parametrize(("text", "expected"), [("09:15", time(9, 15)), ("24:00", timedelta(hours=24))])
def test_time_of_day(text, expected):
    assert time_of_day(text) == expected
