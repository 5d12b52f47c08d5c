"""Publication is all or nothing: `planner publish` killed at random moments, or run twice at once,
leaves the store and both folders naming the same version, whole, with no temporary file left.

The plans are the tiny territory's (tests/data/tiny) over two weeks, and a re-plan of it; each child
process imports what it needs, says "prêt", waits for "go", then runs `planner publish`
(planner.cli.main), so that the kill moments, drawn with a fixed seed, fall over the measured duration
of the publication itself.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import icalendar
import pytest

from planner.domain.plan import Plan
from planner.planning.changes import UnitOutOfService
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan as make_plan
from planner.planning.replan import replan
from planner.publish import posters, publication, publication_folder
from planner.publish.outputs import write_outputs
from planner.publish.plan_inputs import PlanInputs, Settings, TerritoryFiles
from planner.publish.posters import PUBLIC_TIMETABLE_HEADER, public_timetable_rows
from planner.publish.publication import publish_version, read_manifest, recover
from planner.publish.publication_folder import CURRENT, VERSIONS_DIR, current_folder, current_path
from planner.publish.store import PlanStore
from tests.support.paths import ROOT, TINY

pytestmark = pytest.mark.slow  # publications killed at 24 moments, concurrent publishes

KILLS = 24
SEED = 20270104

CHILD = """
import sys
import planner.check.validate, planner.publish.plan_inputs, planner.publish.plan_json
import planner.publish.publication, planner.publish.store, planner.results.plan_diff
from planner.cli import main
print("prêt", flush=True)
if sys.stdin.readline().strip() != "go":  # the test ended without sending it
    sys.exit(1)
sys.exit(main(sys.argv[1:]))
"""


@dataclass(frozen=True)
class Case:
    """Two plans of the tiny territory (A, and B: A re-planned with the unit out of service one day),
    each in a plan.json with its inputs, and the instance each was made from."""

    files: dict[str, Path]
    plans: dict[str, Plan]
    inputs: dict[str, PlanInputs]


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    folder = tmp_path_factory.mktemp("plans")
    files = TerritoryFiles.load(TINY)
    inputs_a = PlanInputs(files, Settings(), PlanOptions(time_limit=1, rota_time_limit=1))
    instance = inputs_a.instance()
    plan_a = make_plan(instance, inputs_a.options)
    broken = next(t.date for t in plan_a.tours if t.date.isocalendar().week == 2)
    change = UnitOutOfService(plan_a.tours[0].unit_id, broken, broken)
    today = instance.rules.start
    plan_b = replan(instance, plan_a, [change], today=today, time_limit=1).plan
    inputs_b = inputs_a.with_changes([change], today)
    assert plan_a != plan_b
    for name, plan_, inputs in (("A", plan_a, inputs_a), ("B", plan_b, inputs_b)):
        write_outputs(inputs.instance(), plan_, folder / name, inputs=inputs)
    return Case(
        {"A": folder / "A" / "plan.json", "B": folder / "B" / "plan.json"},
        {"A": plan_a, "B": plan_b},
        {"A": inputs_a, "B": inputs_b},
    )


def _child(args: list[str]) -> subprocess.Popen:
    """A child that has imported what it needs and waits for "go" to run `planner ARGS…`."""
    process = _spawn(args)
    _ready(process)
    return process


def _spawn(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _ready(process: subprocess.Popen) -> None:
    assert process.stdout.readline().strip() == "prêt"


def _publish_args(case: Case, which: str, ws: Path, out: Path) -> list[str]:
    return ["publish", str(case.files[which]), str(TINY), "--workspace", str(ws), "--out", str(out), "--note", which]


def _confirmed(path: Path) -> set[tuple[date, str]]:
    """(date, HH:MM) of the confirmed events of a feed."""
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {(e.start.date(), e.start.strftime("%H:%M")) for e in cal.events if str(e["STATUS"]) == "CONFIRMED"}


def assert_consistent(case: Case, ws: Path, out: Path) -> int:
    """After the next run's recovery: the store, ``current``, ``public/`` and ``prive/`` name the same
    version, each folder holds exactly that version's plan, and nothing temporary is left. Returns it."""
    store = PlanStore(ws)
    assert recover(store, out)
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    folder = current_folder(out)
    version = read_manifest(out / VERSIONS_DIR / folder).version
    assert store.published_version() == version and store.last_publication().folder == folder
    root = out / VERSIONS_DIR / folder
    if publication_folder.POSIX:  # the links for static web servers follow the pointer
        assert (out / "public").resolve().parent == (out / "prive").resolve().parent == root.resolve()
        public, private = out / "public", out / "prive"
    else:  # Windows: no link at all; readers follow the pointer
        assert not [p for p in out.rglob("*") if p.is_symlink()]
        public, private = root / "public", root / "prive"
    assert current_path(out) == root
    assert sorted(p.name for p in (out / VERSIONS_DIR).iterdir()) == [folder]
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".tmp") or p.name.endswith(".tmp")]
    assert not leftovers, leftovers

    which = next(h.note for h in store.history() if h.version == version)
    plan_, instance = case.plans[which], case.inputs[which].instance()
    assert store.load(version) == plan_
    with (public / "horaires.csv").open(encoding="utf-8-sig", newline="") as f:
        assert [tuple(r) for r in csv.reader(f)] == [PUBLIC_TIMETABLE_HEADER, *public_timetable_rows(instance, plan_)]
    for commune in {s.insee for _, s in plan_.sessions()}:
        expected = {
            (t.date, f"{s.start // 60:02d}:{s.start % 60:02d}") for t, s in plan_.sessions() if s.insee == commune
        }
        assert _confirmed(public / f"commune-{commune}.ics") == expected
    tokens = store.tokens()
    for person in instance.staff:
        shifts = {(s.date, f"{s.start // 60:02d}:{s.start % 60:02d}") for s in plan_.shifts if s.staff_id == person.id}
        assert _confirmed(private / tokens[f"staff:{person.id}"] / "planning.ics") == shifts
    return version


def _go(child: subprocess.Popen) -> None:
    child.stdin.write("go\n")
    child.stdin.flush()


def test_killed_publish_leaves_store_and_folders_naming_the_same_version(case: Case, tmp_path: Path) -> None:
    """`planner publish` killed (SIGKILL) at 24 seeded random moments over the measured duration of a
    publication: after each, the store and both folders name the same version, whole, and no
    temporary file remains. (The next child starts, and waits, while one is killed and checked.)"""
    ws, out = tmp_path / "espace", tmp_path / "publication"
    durations = []
    for which in ("A", "B"):  # the first run is slower (cold caches): the faster one is the measure
        child = _child(_publish_args(case, which, ws, out))
        began = time.perf_counter()
        _go(child)
        assert child.wait(timeout=120) == 0
        durations.append(time.perf_counter() - began)
    duration = min(durations)
    assert assert_consistent(case, ws, out) == 2

    rng = random.Random(SEED)
    outcomes = {"ancienne": 0, "nouvelle": 0}
    ready = _spawn(_publish_args(case, "A", ws, out))
    for i in range(KILLS):
        child = ready
        _ready(child)
        before = PlanStore(ws).published_version()
        _go(child)
        ready = _spawn(_publish_args(case, "A" if i % 2 else "B", ws, out))  # imports, then waits
        time.sleep(max(0.0, rng.uniform(0, duration * 1.2)))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        after = assert_consistent(case, ws, out)
        outcomes["ancienne" if after == before else "nouvelle"] += 1
    ready.kill()
    ready.wait(timeout=60)
    print(f"publication : {duration:.3f} s ; après {KILLS} arrêts brutaux, version publiée : {outcomes}")


def _failing(*_args: object, **_kwargs: object) -> None:
    raise KeyboardInterrupt("arrêt simulé")


@pytest.mark.parametrize(
    ("step", "published"),
    [
        ("writing", 1),  # files half written in versions/.tmp-…
        ("before-switch", 1),  # folder complete under its final name, the pointer not switched
        ("switch-not-linked", 2),  # pointer switched, `current`/`public`/`prive` links not yet
        ("after-switch", 2),  # pointer and links switched, the store not told yet
        ("after-record", 2),  # recorded, superseded folders not removed yet
    ],
)
@pytest.mark.parametrize("posix", [True, False], ids=["posix", "windows"])
def test_interrupted_at_each_step_recovers(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, published: int, posix: bool
) -> None:
    """A publication stopped at each step of its sequence: the next run finds the store and the folders
    on the same version — the old one before the switch, the new one after — and nothing left over;
    on the code path of Windows too (no symbolic link: the pointer file alone)."""
    ws, out = tmp_path / "espace", tmp_path / "publication"
    if not posix:
        monkeypatch.setattr(publication_folder, "POSIX", False)
    store = PlanStore(ws)
    versions = {}
    for which in ("A", "B"):
        inputs = case.inputs[which]
        versions[which] = store.save(case.plans[which], inputs.instance(), inputs=inputs, note=which)
    publication.publish_version(store, versions["A"], out)
    if step == "writing":
        monkeypatch.setattr(posters, "write_posters", _failing)
    elif step == "before-switch":
        monkeypatch.setattr(publication, "_switch", _failing)
    elif step == "switch-not-linked":  # pointer replaced, the links for static web servers not yet
        real_links, new = publication._ensure_links, f"v{versions['B']}-"
        monkeypatch.setattr(
            publication, "_ensure_links", lambda o, name: _failing() if name.startswith(new) else real_links(o, name)
        )
    elif step == "after-switch":
        monkeypatch.setattr(PlanStore, "record_publication", _failing)
    else:
        real_clean = publication._clean
        new = f"v{versions['B']}-"
        monkeypatch.setattr(
            publication, "_clean", lambda o, keep: _failing() if keep and keep.startswith(new) else real_clean(o, keep)
        )
    with pytest.raises(KeyboardInterrupt):
        publication.publish_version(store, versions["B"], out)
    monkeypatch.undo()
    if not posix:
        monkeypatch.setattr(publication_folder, "POSIX", False)
    assert assert_consistent(case, ws, out) == published


def test_a_folder_of_the_first_layout_is_taken_over(case: Case, tmp_path: Path) -> None:
    """Real public/ and prive/ folders written by an earlier Tournée become links to the new
    publication; the old files are removed, nothing temporary is left."""
    ws, out = tmp_path / "espace", tmp_path / "publication"
    for name in ("public", "prive"):
        (out / name).mkdir(parents=True)
        (out / name / "ancien.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    store = PlanStore(ws)
    version = store.save(case.plans["A"], case.inputs["A"].instance(), inputs=case.inputs["A"], note="A")
    publish_version(store, version, out)
    assert (out / "public").is_symlink() and (out / "prive").is_symlink()
    assert not list(out.rglob("ancien.ics"))
    assert assert_consistent(case, ws, out) == version


def test_concurrent_publishes_are_serialised(case: Case, tmp_path: Path) -> None:
    """Two `planner publish` started at the same instant, three times: both succeed one after the
    other (two publications recorded), and the folders hold the one recorded last."""
    ws, out = tmp_path / "espace", tmp_path / "publication"
    for round_ in range(3):
        children = [_child(_publish_args(case, which, ws, out)) for which in ("A", "B")]
        for child in children:
            _go(child)
        assert [c.wait(timeout=120) for c in children] == [0, 0]
        version = assert_consistent(case, ws, out)
        store = PlanStore(ws)
        assert len(store.history()) == 2 * (round_ + 1)
        assert version == store.last_publication().version
    assert (out / CURRENT).is_symlink()
