"""`planner plan` end to end on the demo: exit code, files, columns, summary; errors without traceback."""

from __future__ import annotations

import csv

from planner.cli import main

COLUMNS = ["date", "unit", "insee", "commune", "site", "lat", "lon", "arrival", "start", "end", "departure"]


def test_plan_writes_outputs_and_prints_the_summary(tmp_path, capsys):
    """The README's main job: a summary on the terminal, plan.json and the CSV files in the folder."""
    code = main(["plan", "--out", str(tmp_path), "--time-limit", "2", "--weeks", "2"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Besoin couvert" in out and "Fichiers écrits" in out
    for name in ("plan.json", "sessions.csv", "shifts.csv", "summary.txt"):
        assert (tmp_path / name).stat().st_size > 0
    with open(tmp_path / "sessions.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(col in rows[0] for col in COLUMNS)
    assert all(r["start"] < r["end"] for r in rows)


def test_unknown_territory_is_a_message_not_a_traceback(capsys):
    """A wrong name exits with code 2 and names the built-in territories."""
    code = main(["plan", "nulle-part"])
    err = capsys.readouterr().err
    assert code == 2
    assert "medicobus-dieppe" in err and "Traceback" not in err
