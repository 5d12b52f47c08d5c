"""Tests of the workspace file (`planner.publish.store_schema`): a workspace written by the first
format of the store is migrated when opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from planner.cli import main
from planner.publish.plan_json import plan_to_json
from planner.publish.store import PlanStore

SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE versions (version INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, fingerprint TEXT NOT NULL,
    note TEXT NOT NULL, instance_name TEXT NOT NULL, plan_json TEXT NOT NULL, labels_json TEXT NOT NULL,
    tours INTEGER NOT NULL, sessions INTEGER NOT NULL, shifts INTEGER NOT NULL, unserved INTEGER NOT NULL);
CREATE TABLE version_sessions (version INTEGER NOT NULL REFERENCES versions(version), unit TEXT NOT NULL,
    date TEXT NOT NULL, insee TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL);
CREATE TABLE publications (id INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER NOT NULL REFERENCES versions(version),
    published TEXT NOT NULL);
CREATE TABLE ical_events (uid TEXT PRIMARY KEY, sequence INTEGER NOT NULL, hash TEXT NOT NULL, feeds TEXT NOT NULL,
    event_json TEXT NOT NULL, cancelled INTEGER NOT NULL, updated TEXT NOT NULL);
"""


def test_a_workspace_of_schema_1_opens_and_says_what_its_versions_lack(
    tmp_path: Path, capsys, sample_plan, small_instance
) -> None:
    """A store written by the first format is migrated on opening: its version loads, is shown
    without inputs, and `replan --version` refuses it with a French message (exit 2)."""
    plan = sample_plan(small_instance)
    with sqlite3.connect(tmp_path / "tournee.sqlite") as conn:
        conn.executescript(SCHEMA_1)
        conn.execute("INSERT INTO meta VALUES ('schema', '1')")
        conn.execute(
            "INSERT INTO versions (created, fingerprint, note, instance_name, plan_json, labels_json, tours, sessions,"
            " shifts, unserved) VALUES ('2026-12-01T10:00:00+00:00', 'x', 'ancienne', 'small', ?, '{}', 4, 8, 8, 0)",
            (plan_to_json(plan),),
        )
        conn.execute("INSERT INTO publications (version, published) VALUES (1, '2026-12-01T10:00:00+00:00')")
    store = PlanStore(tmp_path)
    [info] = store.history()
    assert info.published and info.inputs is None and (info.start, info.weeks) == (plan.start, plan.weeks)
    assert store.load(1) == plan and store.inputs(1) is None
    assert main(["history", "--workspace", str(tmp_path), "--out", str(tmp_path / "publication")]) == 0
    assert "données d'entrée non enregistrées (version ancienne)" in capsys.readouterr().out
    code = main(["replan", "--version", "1", "--workspace", str(tmp_path), "--unavailable", "d1:2027-01-11", "--today",
                 "2027-01-06"])  # fmt: skip
    assert code == 2
    assert "ne gardait pas les données d'entrée" in capsys.readouterr().err


def test_a_workspace_of_schema_2_gets_the_territory_of_its_publications(
    tmp_path: Path, sample_plan, small_instance
) -> None:
    """Schema "2" → "3": each publication's territory is taken from its version, publisher unknown."""
    store = PlanStore(tmp_path)
    store.record_publication(store.save(sample_plan(small_instance), small_instance), "v1-a")
    with sqlite3.connect(store.path) as conn:
        for statement in (
            "ALTER TABLE publications DROP COLUMN territory",
            "ALTER TABLE publications DROP COLUMN published_by",
            "DROP TABLE forgotten",
            "UPDATE meta SET value='2' WHERE key='schema'",
        ):
            conn.execute(statement)
    conn.close()
    [publication] = PlanStore(tmp_path).publications()
    assert (publication.territory, publication.published_by) == (small_instance.name, None)
    assert PlanStore(tmp_path).forgotten() == {}
