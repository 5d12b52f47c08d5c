"""A plan as tables (planner.results.tables): the machine columns, their French names, the values for people."""

from __future__ import annotations

import pandas as pd

from planner.results.tables import for_people, in_french, sessions_table, shifts_table


def test_in_french_has_no_english_header(small_instance, sample_plan):
    sessions = in_french(sessions_table(small_instance, sample_plan(small_instance)))
    assert "salle" in sessions.columns and "room" not in sessions.columns
    assert {"lat", "lon"}.isdisjoint(sessions.columns)


def test_for_people_writes_values_as_a_french_reader_reads_them():
    table = pd.DataFrame(
        {
            "date": ["2026-12-07"],
            "weekday": ["lundi"],
            "lat": [49.925],
            "start": ["09:15"],
            "end": ["24:00"],
            "remote": [True],
            "role": ["doctor"],
            "commune": ["Arques;Dieppe"],
        }
    )
    row = for_people(table).iloc[0].to_dict()
    assert row == {
        "date": "lundi 7 déc. 2026",
        "latitude": "49,925",
        "début": "9 h 15",
        "fin": "24 h 00",
        "à distance": "oui",
        "commune": "Arques, Dieppe",
    }


def test_machine_tables_keep_their_columns(small_instance, sample_plan):
    plan = sample_plan(small_instance)
    assert list(sessions_table(small_instance, plan).columns)[:3] == ["date", "weekday", "unit"]
    assert "remote" in shifts_table(small_instance, plan).columns
