"""The files of `planner plan` (planner.publish.outputs): the CSV files for people in French, those for programs."""

from __future__ import annotations

import csv
import re
from dataclasses import replace

import pytest

from planner.publish.outputs import write_outputs

SESSIONS_FR = ["date", "unité", "insee", "commune", "lieu", "latitude", "longitude", "arrivée", "début", "fin"]
SHIFTS_FR = ["date", "unité", "identifiant", "nom", "rôle", "à distance", "début", "fin", "insee", "commune"]


def read_csv(path, delimiter):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


@pytest.fixture
def out(tmp_path, small_instance, sample_plan):
    """The output folder of a plan in which one commune's name looks like a formula."""
    base = small_instance
    tricky = replace(base.communes[1], name='=HYPERLINK("http://x")')
    instance = base.replace(communes=(base.communes[0], tricky, *base.communes[2:]))
    paths = write_outputs(instance, sample_plan(instance), tmp_path)
    return tmp_path, paths


def test_outputs_are_the_documented_files(out):
    folder, paths = out
    names = ["plan.json", "seances.csv", "gardes.csv", "sessions.csv", "shifts.csv", "plan.xlsx", "summary.txt"]
    assert [p.name for p in paths] == names
    assert all((folder / n).stat().st_size > 0 for n in names)


@pytest.mark.parametrize(("name", "header"), [("seances.csv", SESSIONS_FR), ("gardes.csv", SHIFTS_FR)])
def test_csv_for_people_opens_in_columns_in_a_french_spreadsheet(out, name, header):
    """UTF-8 with a BOM, ``;``-separated, French headers; no English word, ``true`` or ISO date in it."""
    folder, _ = out
    raw = (folder / name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(folder / name, ";")
    assert all(col in rows[0] for col in header)
    assert len({len(r) for r in rows}) == 1 and len(rows) > 1
    text = raw.decode("utf-8-sig")
    for word in ("room", "true", "false", "True", "False", "arrival", "weekday"):
        assert word not in text, word
    assert not re.search(r"\d{4}-\d\d-\d\d|\d\d:\d\d", text)  # no ISO date, no HH:MM


def test_csv_for_people_writes_french_dates_times_and_decimals(out):
    folder, _ = out
    rows = read_csv(folder / "seances.csv", ";")
    sessions = [dict(zip(rows[0], r)) for r in rows[1:]]
    first = sessions[0]
    assert first["date"].split(" ")[0] in ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    assert " h " in first["début"] and ":" not in first["début"]
    assert "," in first["latitude"] and "." not in first["latitude"]
    assert re.fullmatch(r"-?\d+,\d+", first["latitude"])
    header, *rest = read_csv(folder / "gardes.csv", ";")
    shifts = [dict(zip(header, r)) for r in rest]
    assert shifts and {s["à distance"] for s in shifts} <= {"oui", "non"}


def test_csv_for_people_is_still_formula_safe(out):
    """No cell starts with ``=``: the commune named like a formula starts with a quote."""
    folder, _ = out
    for name in ("seances.csv", "gardes.csv"):
        cells = [c for row in read_csv(folder / name, ";") for c in row]
        assert not any(c.lstrip().startswith(("=", "+", "@")) for c in cells)
    assert '\'=HYPERLINK("http://x")' in [c for row in read_csv(folder / "seances.csv", ";") for c in row]


def test_machine_csv_keeps_commas_english_headers_iso_dates_and_hh_mm(out):
    """sessions.csv and shifts.csv read as before by programs (tests/cli, the app's downloads)."""
    folder, _ = out
    sessions = list(csv.DictReader(open(folder / "sessions.csv", encoding="utf-8-sig", newline="")))
    assert list(sessions[0])[:4] == ["date", "weekday", "unit", "insee"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", sessions[0]["date"]) and re.fullmatch(r"\d\d:\d\d", sessions[0]["start"])
    assert "." in sessions[0]["lat"]
    shifts = list(csv.DictReader(open(folder / "shifts.csv", encoding="utf-8-sig", newline="")))
    assert {s["remote"] for s in shifts} <= {"true", "false"}


def test_an_empty_plan_writes_headers_only(tmp_path, small_instance, sample_plan):
    """No session, no shift: every file is still written, the CSV files with their header alone."""
    plan = replace(sample_plan(small_instance), tours=(), shifts=())
    write_outputs(small_instance, plan, tmp_path)
    assert read_csv(tmp_path / "seances.csv", ";")[0][:2] == ["date", "unité"]
    assert len(read_csv(tmp_path / "gardes.csv", ";")) == 1
    assert (tmp_path / "plan.xlsx").stat().st_size > 0
