"""Every bad or oversized input gets a clear French refusal: exit code 2, no traceback (issue 13).

The corpus is `tests/support/bad_inputs.py`: command-line arguments, the three files of a territory, plan
JSON, road files, workspaces and solver options, as a careless user gives them. Each case runs
`planner.cli.main` in this process; a few run the installed ``planner`` command to prove the real
entry point behaves the same.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import main
from tests.support import bad_inputs
from tests.support.bad_inputs import CASES, DEMO, Case

PLACEHOLDERS = ("{T}", "{P}", "{F}", "{D}")


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory) -> Path:
    """A valid plan.json of the demo territory (one week, greedy: quick)."""
    out = tmp_path_factory.mktemp("demo-plan")
    assert main(["plan", DEMO, "--out", str(out), "--weeks", "1", "--method", "greedy"]) == 0
    return out / "plan.json"


def command_line(case: Case, tmp: Path, plan: Path) -> list[str]:
    """The case's arguments with its files prepared and its placeholders filled in."""
    if case.setup is not None:
        case.setup(tmp, plan)
    if any("{T}" in a for a in case.argv):
        bad_inputs.demo_copy(tmp)
    paths = {"{T}": tmp / "t", "{P}": tmp / "p.json", "{F}": tmp / "f", "{D}": tmp}
    argv = []
    for arg in case.argv:
        for key in PLACEHOLDERS:
            arg = arg.replace(key, str(paths[key]))
        argv.append(arg)
    return argv


def test_the_corpus_covers_every_class_of_bad_input():
    """At least 100 cases, and every kind of input of the issue among them."""
    assert len(CASES) >= 100
    for kind in (
        "weeks",
        "start",
        "time-limit",
        "commune-name",
        "population",
        "dates-off",
        "scenario-weeks",
        "scenario-nested",
        "plan-",
        "change-",
        "roads-garbage",
        "workspace-",
        "options-",
        "cell",
    ):
        assert any(kind in name for name in CASES), kind


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_refused_in_french(name, tmp_path, demo_plan, capsys, monkeypatch):
    """Exit code 2, no traceback, and the French message says what is wrong."""
    monkeypatch.chdir(tmp_path)  # outputs of a case that would wrongly go ahead stay in the scratch folder
    case = CASES[name]
    code = main(command_line(case, tmp_path, demo_plan))
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Erreur interne" not in err
    assert code == 2, err[-2000:]
    assert case.fragment in out + err, (out + err)[-2000:]


def _planner_command() -> list[str]:
    script = Path(sys.executable).with_name("planner")
    return [str(script)] if script.exists() else [sys.executable, "-m", "planner.cli"]


@pytest.mark.slow  # the installed command, in new processes
@pytest.mark.parametrize(
    "name", ["start-february-30", "time-limit-nan", "weeks-not-a-number", "commune-name-nul", "workspace-garbage-db"]
)
def test_the_installed_command_refuses_the_same_way(name, tmp_path, demo_plan):
    """The ``planner`` entry point: same code, same message, no traceback, from a fresh process."""
    case = CASES[name]
    run = subprocess.run(
        [*_planner_command(), *command_line(case, tmp_path, demo_plan)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert "Traceback" not in run.stderr
    assert run.returncode == 2, run.stderr
    assert case.fragment in run.stdout + run.stderr
