"""Tests of plan serialisation (JSON schema tournee.plan/1), the input fingerprint and safe CSV."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.errors import InputError
from planner.domain.instance import Role
from planner.domain.plan import Plan, Session, Shift, Tour, Unserved
from planner.publish.fingerprint import instance_fingerprint
from planner.publish.plan_json import (
    SCHEMA,
    plan_from_dict,
    plan_to_dict,
    read_plan_json,
    write_plan_json,
)
from planner.publish.safe_csv import safe_cell, write_csv

# --- JSON round trip ----------------------------------------------------------------------------


def test_sample_plan_round_trips_through_a_file(tmp_path, small_instance, sample_plan):
    """A plan written with write_plan_json reads back equal, field for field."""
    instance = small_instance
    plan = replace(
        sample_plan(instance),
        unserved=(Unserved("76004", "Commune 76004", 0.25, 0, "aucun créneau libre"),),
        solver_seconds=1.5,
    )
    path = write_plan_json(plan, tmp_path / "plan.json")
    assert read_plan_json(path) == plan


def test_json_uses_iso_dates_and_hhmm_times(tmp_path, sample_plan, small_instance):
    """The file is readable by people: schema tag, ISO dates, HH:MM times, role ids."""
    plan = sample_plan(small_instance)
    data = json.loads(write_plan_json(plan, tmp_path / "p.json").read_text(encoding="utf-8"))
    assert data["schema"] == SCHEMA
    assert data["start"] == "2027-01-04"
    tour = data["tours"][0]
    assert (tour["date"], tour["leave_depot"], tour["sessions"][0]["start"]) == ("2027-01-04", "08:30", "09:00")
    assert data["shifts"][0]["role"] == "doctor"


minutes = st.integers(min_value=0, max_value=24 * 60)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31))
#: Plans hold no control character (the planner refuses them in every input, the reader in plans).
letters = st.characters(
    exclude_categories=("Cc", "Cs"),
    exclude_characters="\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
)
ids = st.text(alphabet=letters, min_size=1, max_size=12)


@st.composite
def plans(draw):
    tours = []
    for _ in range(draw(st.integers(0, 4))):
        sessions = tuple(
            Session(draw(ids), draw(ids), draw(minutes), draw(minutes), draw(minutes), draw(minutes))
            for _ in range(draw(st.integers(0, 3)))
        )
        tours.append(
            Tour(
                draw(ids),
                draw(days),
                draw(minutes),
                draw(minutes),
                sessions,
                draw(st.floats(0, 1e4, allow_nan=False)),
                draw(st.floats(0, 1e4, allow_nan=False)),
            )
        )
    shifts = tuple(
        Shift(
            draw(ids),
            draw(days),
            draw(ids),
            draw(st.sampled_from(list(Role))),
            draw(minutes),
            draw(minutes),
            draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 4)))
    )
    kpis = draw(
        st.dictionaries(
            st.text(alphabet=letters, max_size=8), st.floats(allow_nan=False, allow_infinity=False), max_size=3
        )
    )
    return Plan(
        instance_name=draw(st.text(alphabet=letters)),
        start=draw(days),
        weeks=draw(st.integers(1, 52)),
        tours=tuple(tours),
        shifts=shifts,
        kpis=kpis,
        warnings=tuple(draw(st.lists(st.text(alphabet=letters), max_size=3))),
        travel_label=draw(st.text(alphabet=letters, max_size=20)),
    )


@settings(max_examples=60, deadline=None)
@given(plans())
def test_any_plan_round_trips(plan):
    """plan_from_dict(plan_to_dict(p)) == p for arbitrary plans, also through JSON text."""
    assert plan_from_dict(json.loads(json.dumps(plan_to_dict(plan)))) == plan


def test_old_schema_gets_a_french_message(tmp_path):
    """A file of another schema version is refused with a message saying what to do."""
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"schema": "tournee.plan/0", "tours": []}), encoding="utf-8")
    with pytest.raises(InputError, match=r"tournee.plan/0.*tournee.plan/1.*refaites le plan"):
        read_plan_json(path)


def test_not_a_plan_is_refused(tmp_path):
    """JSON that is not a plan, and text that is not JSON, give InputError naming the file."""
    (tmp_path / "a.json").write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match=r"a.json.*n'est pas un plan"):
        read_plan_json(tmp_path / "a.json")
    (tmp_path / "b.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"b.json.*JSON invalide"):
        read_plan_json(tmp_path / "b.json")


def test_every_bad_field_is_reported(sample_plan, small_instance):
    """Bad fields are all listed, each with where it is."""
    data = plan_to_dict(sample_plan(small_instance))
    data["tours"][0]["date"] = "2027-02-30"
    data["tours"][1]["sessions"][0]["start"] = "9h"
    data["shifts"][0]["role"] = "pilote"
    with pytest.raises(InputError) as info:
        plan_from_dict(data)
    text = str(info.value)
    assert "3 problème(s)" in text
    assert "tours[0].date" in text and "tours[1].sessions[0].start" in text and "« pilote » inconnu" in text


# --- Fingerprint --------------------------------------------------------------------------------


def test_fingerprint_is_stable_and_order_independent(small_instance):
    """Equal inputs give the same fingerprint, whatever the order of set members."""
    a = small_instance
    b = small_instance
    assert instance_fingerprint(a) == instance_fingerprint(b)
    assert len(instance_fingerprint(a)) == 64


def test_fingerprint_changes_with_any_input(small_instance, person, make_small_instance):
    """A different date off, horizon or availability changes the fingerprint."""
    base = small_instance
    fp = instance_fingerprint(base)
    assert instance_fingerprint(make_small_instance(weeks=3)) != fp
    changed_staff = (*base.staff[:-1], person("c2", {Role.DRIVER}, max_week=4))
    assert instance_fingerprint(base.replace(staff=changed_staff)) != fp
    later = base.rules.start + timedelta(days=1)
    assert instance_fingerprint(make_small_instance(start=later)) != fp


# --- Safe CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 00 00 00 00", "'+33 6 00 00 00 00"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("-12", "-12"),
        ("-0,75", "-0,75"),
        ("+4.5", "+4.5"),
        (-3, -3),
        (2.5, 2.5),
        ("Envermeu", "Envermeu"),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    """Formula starts get a leading quote; plain numbers stay numbers."""
    assert safe_cell(value) == expected


def test_write_csv_neutralises_every_cell(tmp_path):
    """Header and rows are both made safe; commas, quotes and newlines survive the round trip."""
    path = write_csv(
        tmp_path / "x.csv", ["=nom", "valeur"], [["=cmd|' /C calc'!A0", -4], ['Saint-Jean, le "Haut"\nbis', "ok"]]
    )
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["'=nom", "valeur"], ["'=cmd|' /C calc'!A0", "-4"], ['Saint-Jean, le "Haut"\nbis', "ok"]]
