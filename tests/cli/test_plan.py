"""`planner plan` end to end on the demo: exit code, files, columns, summary; errors without traceback."""

from __future__ import annotations

import csv
import json
import re

import pytest

from planner.cli import main

COLUMNS = ["date", "unit", "insee", "commune", "site", "lat", "lon", "arrival", "start", "end", "departure"]


def test_plan_writes_outputs_and_prints_the_summary(tmp_path, capsys):
    """The README's main job: a summary on the terminal, plan.json and the CSV files in the folder."""
    code = main(["plan", "--out", str(tmp_path), "--time-limit", "2", "--weeks", "2"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "Besoin couvert" in out and "Fichiers écrits" in out
    # not a terminal: the steps as plain lines, no progress bar (no carriage return)
    steps = [line for line in err.splitlines() if line.startswith("[")]
    assert steps and all(re.fullmatch(r"\[[ \d]{2}\d %\] \S.*", line) for line in steps)
    assert "\r" not in err
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


def test_replan_after_a_cancellation_from_the_command_line(tmp_path, capsys):
    """Plan the demo, then a doctor cancels a week: the re-plan keeps the past and writes new outputs."""
    import json

    first, second = tmp_path / "v1", tmp_path / "v2"
    assert main(["plan", "--out", str(first), "--time-limit", "2", "--weeks", "2"]) == 0
    published = json.loads((first / "plan.json").read_text(encoding="utf-8"))
    doctor = next(s["staff"] for s in published["shifts"] if s["role"] == "doctor" and s["date"] >= "2026-12-07")
    capsys.readouterr()
    code = main(
        [
            "replan",
            "--plan",
            str(first / "plan.json"),
            "--out",
            str(second),
            "--time-limit",
            "2",
            "--unavailable",
            f"{doctor}:2026-12-07..2026-12-11",
            "--today",
            "2026-12-04",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and (second / "plan.json").exists()
    again = json.loads((second / "plan.json").read_text(encoding="utf-8"))
    assert not any(s["staff"] == doctor and "2026-12-07" <= s["date"] <= "2026-12-11" for s in again["shifts"])
    before = [s for s in published["shifts"] if s["date"] < "2026-12-04"]
    assert before == [s for s in again["shifts"] if s["date"] < "2026-12-04"]
    assert "Fichiers écrits" in out


def _tours(folder) -> list:
    return json.loads((folder / "plan.json").read_text(encoding="utf-8"))["tours"]


@pytest.mark.slow  # four plans of the demo, one with 5 s of CP-SAT
def test_options_file_sets_the_solver_and_flags_override_it(tmp_path, capsys):
    """`--options FILE` reads the [solver] table (PlanOptions.from_file); a flag given beside it wins."""
    settings = tmp_path / "solver.toml"
    settings.write_text('[solver]\nmethod = "greedy"\ntime_limit = 3.0\n', encoding="utf-8")
    runs = {
        "file": ["--options", str(settings)],
        "flag": ["--method", "greedy"],
        "override": ["--options", str(settings), "--method", "cp-sat", "--time-limit", "5"],
        "default": [],
    }
    for name, extra in runs.items():
        assert main(["plan", "--out", str(tmp_path / name), "--weeks", "2", *extra]) == 0
    assert _tours(tmp_path / "file") == _tours(tmp_path / "flag")
    assert _tours(tmp_path / "override") == _tours(tmp_path / "default") != _tours(tmp_path / "file")
    bad = tmp_path / "bad.toml"
    bad.write_text("[solver]\nspeed = 3\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["plan", "--options", str(bad)]) == 2
    assert "options inconnues" in capsys.readouterr().err
