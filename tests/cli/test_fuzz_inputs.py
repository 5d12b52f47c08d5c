"""Random bytes and random edits of the built-in files never end in a traceback (issue 13).

Hypothesis throws random bytes at every loader (territory files, plan JSON, workspace database,
road files), random edits of the demo territory at ``planner check``, and random command lines at
the argument parser. Each must answer with a value or a French refusal (`TourneeError`, exit code
2), never another exception. Example counts stay modest so that the suite stays fast.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner.cli as cli
from planner.domain.errors import TourneeError
from planner.inputs import parse_territory
from planner.inputs.territory import data_dir
from planner.publish.plan_inputs import inputs_of_plan_file
from planner.publish.plan_json import read_plan_file, read_plan_json
from planner.publish.store import PlanStore
from tests.support.bad_inputs import DEMO

FILES = {
    "communes.csv": data_dir() / "communes" / f"{DEMO}.csv",
    "roster.csv": data_dir() / "roster" / f"{DEMO}.csv",
    "scenario.toml": data_dir() / "scenarios" / f"{DEMO}.toml",
}
FUZZ = settings(
    max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
#: Text as careless users and broken tools produce it: letters, digits, separators, quotes, controls.
noise = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(",;\"'\n\r\t.-:[]{}=#\\0123456789aeé\x00\x1b\u202e\u2028\x85 ")), st.characters()
    ),
    max_size=40,
)


def originals() -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in FILES.items()}


@st.composite
def edited(draw) -> tuple[str, bytes]:
    """One demo file with one to three random edits: insert noise, delete a stretch, repeat a stretch."""
    name = draw(st.sampled_from(sorted(FILES)))
    text = FILES[name].read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        end = min(len(text), at + draw(st.integers(0, 200)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "repeat"]))
        if action == "insert":
            text = text[:at] + draw(noise) + text[at:]
        elif action == "delete":
            text = text[:at] + text[end:]
        elif action == "replace":
            text = text[:at] + draw(noise) + text[end:]
        else:
            text = text[:end] + text[at:end] * draw(st.integers(1, 50)) + text[end:]
    return name, text.encode("utf-8", errors="surrogatepass")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


@FUZZ
@given(which=st.sampled_from(sorted(FILES)), data=st.binary(max_size=3000))
def test_random_bytes_in_a_territory_file_are_refused_or_read(which, data):
    """Any bytes in place of one file: an instance or an `InputError`, nothing else."""
    files = originals() | {which: data}
    try:
        parse_territory(files["communes.csv"], files["roster.csv"], files["scenario.toml"])
    except TourneeError as exc:
        assert str(exc)


@FUZZ
@given(edit=edited())
def test_check_answers_every_edit_of_the_demo_files_in_french(edit):
    """``planner check`` on a randomly edited demo: valid (0) or problems listed (2), no traceback."""
    name, data = edit
    with tempfile.TemporaryDirectory() as tmp:
        for other, original in originals().items():
            (Path(tmp) / other).write_bytes(data if other == name else original)
        code, out, err = run(["check", tmp])
    assert "Traceback" not in err and "Erreur interne" not in err
    assert code in (0, 2), err
    assert ("données valides" in out) if code == 0 else ("problème" in out + err or "Erreur" in err)


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), noise.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_random_plan_files_are_refused_in_french(data):
    """A plan.json of random bytes: `InputError` (a `TourneeError`), never another exception."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_bytes(data)
        try:
            read_plan_json(path)
        except TourneeError as exc:
            assert str(exc)


@FUZZ
@given(data=st.binary(min_size=1, max_size=8192))
def test_random_workspace_databases_are_refused_in_french(data):
    """A tournee.sqlite of random bytes: refused as "not a workspace", or (rarely) read."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "tournee.sqlite").write_bytes(data)
        try:
            PlanStore(tmp).history()
        except TourneeError as exc:
            assert "espace de travail" in str(exc)


@settings(max_examples=15, deadline=None)
@given(suffix=st.sampled_from([".graphml", ".osm", ".osm.bz2", ".osm.gz"]), data=st.binary(max_size=2000))
def test_random_road_files_are_refused_in_french(suffix, data):
    """A road file of random bytes: `NoRoadData` with a French message, never a parser's exception."""
    from planner.travel.roads import road_source_from_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"r{suffix}"
        path.write_bytes(data)
        try:
            road_source_from_file(path)
        except TourneeError as exc:
            assert "réseau routier" in str(exc) or "route" in str(exc)


OPTIONS = [
    "--weeks",
    "--start",
    "--time-limit",
    "--seed",
    "--method",
    "--out",
    "--roads",
    "--today",
    "--plan",
    "--unavailable",
    "--margin-km",
    "--workspace",
    "--base-url",
    "--note",
    "--name",
    "--epci",
    "-h",
    "--bogus",
]
COMMANDS = ["check", "plan", "replan", "publish", "feeds", "history", "diff", "roads", "data", "fetch", "import", "x"]


@FUZZ
@given(argv=st.lists(st.one_of(st.sampled_from(OPTIONS + COMMANDS), noise), max_size=8))
def test_any_command_line_is_parsed_or_refused_in_french(argv):
    """Random command lines: parsed (the command itself is not run here) or refused with code 2,
    in French; argparse's English never shows."""
    original = cli._run
    cli._run = lambda args: 0
    try:
        code, _out, err = run(argv)
    finally:
        cli._run = original
    assert code in (0, 2)
    assert "Traceback" not in err
    for english in (
        "usage:",
        "error:",
        "invalid choice",
        " value:",
        "expected ",
        "are required",
        "unrecognized",
        "ambiguous",
    ):
        assert english not in err, err


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | noise,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(noise, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def edited_inputs(draw, inputs: dict) -> dict:
    """The ``inputs`` object of a plan.json with one value, at a random place, replaced or removed."""
    data = json.loads(json.dumps(inputs))
    target, key = data, None
    for _ in range(draw(st.integers(1, 3))):
        if not isinstance(target, dict) or not target:
            break
        key = draw(st.sampled_from(sorted(target)))
        if isinstance(target[key], dict) and target[key] and draw(st.booleans()):
            target = target[key]
            continue
        break
    if isinstance(target, dict) and key in target:
        if draw(st.booleans()):
            target[key] = draw(json_values)
        else:
            del target[key]
    return data


@pytest.fixture(scope="module")
def demo_plan_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    assert run(["plan", DEMO, "--out", str(out), "--weeks", "1", "--method", "greedy"])[0] == 0
    return out / "plan.json"


@settings(FUZZ, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_hand_edited_inputs_object_is_refused_in_french(demo_plan_file, data):
    """plan.json's ``inputs`` (what the plan was made from) edited anywhere: read, or `TourneeError`."""
    plan, recorded = read_plan_file(demo_plan_file)
    edited = data.draw(edited_inputs(recorded))
    try:
        inputs_of_plan_file(plan, edited, None)
    except TourneeError as exc:
        assert str(exc)
