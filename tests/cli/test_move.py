"""`planner move --swap-with` swaps two sessions, and `planner move` says who to tell: the count
printed and every message written to a-prevenir.txt, as `planner replan` does (issue 25, items 2, 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import main


@pytest.fixture(scope="module")
def first_plan(tmp_path_factory) -> Path:
    """The demo over two weeks: its plan.json."""
    out = tmp_path_factory.mktemp("v1")
    assert main(["plan", "--out", str(out), "--time-limit", "2", "--weeks", "2"]) == 0
    return out / "plan.json"


def _sessions(plan_file: Path) -> list[str]:
    """The sessions of the plan's second week, as UNITÉ:DATE:INSEE."""
    tours = json.loads(plan_file.read_text(encoding="utf-8"))["tours"]
    return [f"{t['unit']}:{t['date']}:{s['insee']}" for t in tours if t["date"] >= "2026-12-07" for s in t["sessions"]]


def _first_option(plan_file: Path, flag: str, capsys) -> tuple[str, list[str]]:
    """The first session of the second week that `planner move --options` says can move (``flag``
    ``--to``) or swap (``--swap-with``), and the arguments it gives for that option."""
    for session in _sessions(plan_file):
        assert main(["move", "--plan", str(plan_file), "--session", session, "--today", "2026-12-01", "--options"]) == 0
        options = [
            line for line in capsys.readouterr().out.splitlines() if line.startswith("- ") and f"({flag} " in line
        ]
        if options:
            return session, options[0].rpartition("(")[2].rstrip(")").split()
    raise AssertionError(f"no session of the demo's second week has an option {flag}")


def _move(plan_file: Path, out: Path, *args: str) -> int:
    return main(["move", "--plan", str(plan_file), "--today", "2026-12-01", "--time-limit", "3",
                 "--out", str(out), *args])  # fmt: skip


def test_swap_from_the_command_line_writes_the_plan_and_who_to_tell(first_plan, tmp_path, capsys):
    """A swap `--options` lists: accepted, the two communes trade days, the inputs keep it, both
    communes are told."""
    session, flags = _first_option(first_plan, "--swap-with", capsys)
    assert flags[0] == "--swap-with"
    assert _move(first_plan, tmp_path / "swap", "--session", session, *flags) == 0
    out = capsys.readouterr().out
    assert "Séances échangées — " in out and "À prévenir : " in out
    (_, day_a, insee_a), (_, day_b, insee_b) = session.split(":"), flags[1].split(":")
    data = json.loads((tmp_path / "swap" / "plan.json").read_text(encoding="utf-8"))
    assert data["inputs"]["moves"][0]["swap_with"] == insee_b and data["inputs"]["moves"][0]["to_date"] == day_b
    held = {(t["date"], s["insee"]) for t in data["tours"] for s in t["sessions"]}
    assert {(day_b, insee_a), (day_a, insee_b)} <= held
    assert not {(day_a, insee_a), (day_b, insee_b)} & held
    told = (tmp_path / "swap" / "a-prevenir.txt").read_text(encoding="utf-8")
    assert told.startswith("À prévenir : ") and told.count("=== Communes (mairies) : ") >= 2
    assert "passage déplacé" in told


def test_a_move_writes_who_to_tell(first_plan, tmp_path, capsys):
    """A move `--options` lists: its commune is told, in a-prevenir.txt beside the plan; a refused
    move writes nothing."""
    tours = [t for t in json.loads(first_plan.read_text(encoding="utf-8"))["tours"] if t["date"] >= "2026-12-07"]
    capsys.readouterr()
    assert _move(first_plan, tmp_path / "x", "--session", f"{tours[0]['unit']}:{tours[0]['date']}:x", "--to",
                 "2026-12-08") == 2  # fmt: skip
    assert "pas de séance" in capsys.readouterr().err and not (tmp_path / "x").exists()
    session, flags = _first_option(first_plan, "--to", capsys)
    assert _move(first_plan, tmp_path / "move", "--session", session, *flags) == 0
    out = capsys.readouterr().out
    assert "Séance déplacée" in out and "À prévenir : " in out and "a-prevenir.txt" in out
    told = (tmp_path / "move" / "a-prevenir.txt").read_text(encoding="utf-8")
    name = told.split("=== Communes (mairies) : ")[1].split(" ===")[0]
    assert f"les passages de l'unité mobile de santé à {name} changent" in told


def test_swap_with_other_move_flags_is_refused(first_plan, tmp_path, capsys):
    first, second = _sessions(first_plan)[:2]
    capsys.readouterr()
    assert _move(first_plan, tmp_path / "y", "--session", first, "--swap-with", second, "--to", "2026-12-09") == 2
    assert "retirez --to, --unit, --start et --options" in capsys.readouterr().err
    assert not (tmp_path / "y").exists()
