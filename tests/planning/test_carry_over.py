"""Re-planning or moving from a version older than the newest one (issue 24): what the newer versions
accepted is carried over (the new plan respects it, stores it and says so), or the re-plan is refused
in French naming the versions and changes (planner.planning.changes.changes_since, CarriedOver)."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from planner.check.validate import validate
from planner.cli import main
from planner.domain.errors import MoveRefused
from planner.domain.instance import Instance, Role
from planner.domain.plan import Plan
from planner.planning.changes import (
    CarriedOver,
    CarryOverRefused,
    CommuneClosed,
    SessionMove,
    StaffUnavailable,
    apply_carried,
    apply_to_instance,
    changes_since,
)
from planner.planning.moves import move_session
from planner.planning.replan import replan
from planner.planning.replan_text import summary_text
from planner.publish.plan_inputs import PlanInputs, TerritoryFiles
from planner.publish.plan_json import read_plan_file
from planner.publish.store import PlanStore
from tests.support.builders import MONDAY
from tests.support.paths import TINY
from tests.support.replan_case import published_plan, two_bus_territory

TODAY = date(2027, 1, 6)  # Wednesday of the tiny plan's first week
WEEK3 = (date(2027, 1, 18), date(2027, 1, 22))


def _day(week: int, weekday: int) -> date:
    return MONDAY + timedelta(days=7 * week + weekday)


# --- The sequence of the issue, through the command line ----------------------------------------------


@dataclass
class Versions:
    ws: Path
    tmp: Path
    v1: Plan
    closed: tuple[str, date]  # commune and day closed in version 2
    doctor: str  # absent in week 3 from version 2 on
    other: tuple[str, date]  # commune and day closed by the second re-plan of version 1
    replan3_out: str


def _replan(ws: Path, out: Path, version: int, *changes: str, today: date = TODAY) -> int:
    args = ["replan", "--version", str(version), "--workspace", str(ws), "--today", today.isoformat()]
    return main([*args, *changes, "--time-limit", "2", "--out", str(out)])


def _publish(ws: Path, tmp: Path, plan_dir: Path, *territory: str) -> int:
    plan = str(plan_dir / "plan.json")
    return main(["publish", plan, *territory, "--workspace", str(ws), "--out", str(tmp / "publication")])


@pytest.fixture(scope="module")
def sequence(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    """Publish v1; re-plan v1 with a closed commune day and an absent doctor, publish it (v2); re-plan
    v1 again with another closed day, publish it (v3)."""
    tmp = tmp_path_factory.mktemp("carry")
    ws = tmp / "espace"
    assert main(["plan", str(TINY), "--weeks", "3", "--time-limit", "1", "--out", str(tmp / "plan")]) == 0
    assert _publish(ws, tmp, tmp / "plan", str(TINY)) == 0
    v1 = PlanStore(ws).load(1)
    later = [(s.insee, t.date) for t, s in v1.sessions() if t.date >= date(2027, 1, 11)]
    closed, other = later[0], next(x for x in later if x[0] != later[0][0] and x[1] != later[0][1])
    doctor = next(s.staff_id for s in v1.shifts if s.role is Role.DOCTOR and WEEK3[0] <= s.date <= WEEK3[1])
    absence = f"{doctor}:{WEEK3[0]}..{WEEK3[1]}"
    assert _replan(ws, tmp / "r2", 1, "--closed", f"{closed[0]}:{closed[1]}", "--unavailable", absence) == 0
    assert _publish(ws, tmp, tmp / "r2") == 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert _replan(ws, tmp / "r3", 1, "--closed", f"{other[0]}:{other[1]}") == 0
    assert _publish(ws, tmp, tmp / "r3") == 0
    return Versions(ws, tmp, v1, closed, doctor, other, out.getvalue())


@pytest.mark.slow  # four plans of the tiny territory, three publications
def test_a_replan_of_an_older_version_keeps_the_newer_closure_and_absence(sequence: Versions) -> None:
    """v3, re-planned from v1 while v2 (a closed commune day, an absent doctor) is published, keeps
    v2's closure and absence and its own closure; the validator passes; the carried changes are said
    and stored with v3's inputs."""
    store = PlanStore(sequence.ws)
    assert [v.version for v in store.history()] == [1, 2, 3] and store.published_version() == 3
    (insee, day), (other_insee, other_day) = sequence.closed, sequence.other
    v1_sessions = {(s.insee, t.date) for t, s in sequence.v1.sessions()}
    assert (insee, day) in v1_sessions and (other_insee, other_day) in v1_sessions
    assert any(s.staff_id == sequence.doctor and WEEK3[0] <= s.date <= WEEK3[1] for s in sequence.v1.shifts)

    inputs, instance, v3 = store.rebuild(3)
    sessions = {(s.insee, t.date) for t, s in v3.sessions()}
    assert (insee, day) not in sessions and (other_insee, other_day) not in sessions
    assert not [s for s in v3.shifts if s.staff_id == sequence.doctor and WEEK3[0] <= s.date <= WEEK3[1]]
    assert validate(instance, v3) == []
    kinds = [(type(a.change).__name__, a.today) for a in inputs.changes]
    assert sorted(kinds) == sorted([("CommuneClosed", TODAY), ("StaffUnavailable", TODAY), ("CommuneClosed", TODAY)])
    said = sequence.replan3_out
    line = next(text for text in said.splitlines() if text.startswith("Changements repris de la version 2 : "))
    assert instance.commune(insee).name in line and instance.person(sequence.doctor).name in line
    assert "indisponible" in line and "fermée" in line
    assert changes_since(store, 3) == CarriedOver(3, newest=0)  # the newest carries nothing


@pytest.mark.slow
def test_a_replan_that_would_change_the_past_of_a_newer_version_is_refused(sequence: Versions, capsys) -> None:
    """Re-planning v1 on a later day than v2's, when v2's absence already changed days before it:
    refused (exit 2), in French, naming the version and the change; nothing written."""
    out = sequence.tmp / "refused"
    assert _replan(sequence.ws, out, 1, "--closed", f"{sequence.other[0]}:{WEEK3[1]}", today=WEEK3[1]) == 2
    err = capsys.readouterr().err
    assert "Refusé : les versions 2 et 3 (plus récentes que la version 1) ont accepté" in err or (
        "Refusé : la version 2" in err
    )
    assert "indisponible" in err and "antérieurs à aujourd'hui" in err and "Repartez de la version 3" in err
    assert not (out / "plan.json").exists()


@pytest.mark.slow
def test_a_move_of_an_older_version_carries_over_and_refuses_a_removed_session(sequence: Versions, capsys) -> None:
    """`move --version 1` of the session v2 closed: refused (exit 2) naming version 2; a move of another
    session carries v2's and v3's changes over and stores them with the move."""
    insee, day = sequence.closed
    out = sequence.tmp / "move-refused"
    args = ["move", "--version", "1", "--workspace", str(sequence.ws), "--today", TODAY.isoformat()]
    assert main([*args, "--session", f"medicobus:{day}:{insee}", "--to", str(day), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "la version 2" in err and "séance à déplacer" in err and not (out / "plan.json").exists()
    assert f"{day.day} janv. 2027 (version 2)" in err and "indisponible" not in err  # the closure, alone

    v3 = PlanStore(sequence.ws).load(3)
    tour, kept = next((t, s) for t, s in v3.sessions() if t.date >= WEEK3[0])
    out = sequence.tmp / "moved"
    session = f"{tour.unit_id}:{tour.date}:{kept.insee}"
    assert main([*args, "--session", session, "--options"]) == 0  # a move the rules accept, after carrying over
    first = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("- "))
    chosen = first[first.rindex("(") + 1 : -1].split()
    assert main([*args, "--session", session, *chosen, "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Changements repris de la version 2 : " in said and "Changements repris de la version 3 : " in said
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    inputs = PlanInputs.from_dict(data["inputs"], PlanStore(sequence.ws).file_bytes)
    assert len(inputs.changes) == 3 and [m.move.insee for m in inputs.moves] == [kept.insee]
    instance = inputs.instance()
    plan, _ = read_plan_file(out / "plan.json")  # valid for the instance with every change
    assert validate(instance, plan) == []
    assert (insee, day) not in {(s.insee, t.date) for t, s in plan.sessions()}


# --- The library: replan and move_session given what newer versions accepted ---------------------------


@pytest.fixture(scope="module")
def published() -> tuple[Instance, Plan]:
    instance = two_bus_territory("carry")
    return instance, published_plan(instance)


def test_replan_carries_changes_and_moves_over(published) -> None:
    """A closure and a move of version 2 carried into a re-plan of version 1 with an absence: the new
    plan has neither the closed session nor the moved one on its old day, has the moved one on its
    new day, and is valid for the instance with every change."""
    instance, plan = published
    move = SessionMove("bus1", _day(2, 0), "76001", _day(2, 1))
    carried = CarriedOver(
        1, (((CommuneClosed("76003", frozenset({_day(1, 2)}))), MONDAY, 2),), ((move, MONDAY, 2),), newest=2
    )
    doctor = next(s.staff_id for s in plan.shifts if s.role is Role.DOCTOR and s.date >= _day(1, 0))
    absent = StaffUnavailable(doctor, _day(1, 0), _day(1, 4))
    result = replan(instance, plan, [absent], today=MONDAY, time_limit=3, carried=carried)
    sessions = {(s.insee, t.date) for t, s in result.plan.sessions()}
    assert ("76003", _day(1, 2)) not in sessions
    assert ("76001", _day(2, 0)) not in sessions and ("76001", _day(2, 1)) in sessions
    assert validate(apply_to_instance(apply_carried(instance, carried), [absent], today=MONDAY), result.plan) == []
    assert not [s for s in result.plan.shifts if s.staff_id == doctor and _day(1, 0) <= s.date <= _day(1, 4)]
    assert result.carried and result.carried[0].startswith("Changements repris de la version 2 : Commune 76003 fermée")
    assert "séance déplacée" in result.carried[0]
    assert result.carried[0] in summary_text(result)


def test_a_carried_move_the_requested_change_forbids_is_refused(published) -> None:
    """Version 2 moved 76001 from Monday to Tuesday of week 3; re-planning version 1 with 76001 closed
    on Monday of week 3 removes the session that move needs: refused, naming version 2 and the move."""
    instance, plan = published
    move = SessionMove("bus1", _day(2, 0), "76001", _day(2, 1))
    carried = CarriedOver(1, (), ((move, MONDAY, 2),), newest=2)
    closed = CommuneClosed("76001", frozenset({_day(2, 0)}))
    with pytest.raises(CarryOverRefused) as refusal:
        replan(instance, plan, [closed], today=MONDAY, time_limit=3, carried=carried)
    text = str(refusal.value)
    assert refusal.value.versions == (2,)
    assert text.startswith("Refusé : la version 2 (plus récente que la version 1) a accepté des changements")
    assert "séance déplacée (Commune 76001 : lundi 18 janv. 2027 (Bus bus1) → mardi 19 janv. 2027" in text
    assert "Repartez de la version 2" in text


def test_a_carried_change_naming_someone_unknown_is_refused(published) -> None:
    instance, plan = published
    carried = CarriedOver(1, ((StaffUnavailable("zz", _day(1, 0), _day(1, 1)), MONDAY, 3),), newest=3)
    with pytest.raises(CarryOverRefused, match=r"la version 3 .* personne « zz » inconnue"):
        replan(instance, plan, [], today=MONDAY, time_limit=3, carried=carried)


def test_move_session_carries_over_first(published) -> None:
    """A move from version 1 while version 2 closed 76003 on Wednesday of week 2: the plan of the move
    has no session there, says what it carried, and moving the closed session itself is refused."""
    instance, plan = published
    carried = CarriedOver(1, ((CommuneClosed("76003", frozenset({_day(1, 2)})), MONDAY, 2),), newest=2)
    move = SessionMove("bus1", _day(2, 0), "76001", _day(2, 1))
    result = move_session(instance, plan, move, today=MONDAY, time_limit=3, carried=carried)
    sessions = {(s.insee, t.date) for t, s in result.plan.sessions()}
    assert ("76003", _day(1, 2)) not in sessions and ("76001", _day(2, 1)) in sessions
    assert validate(apply_carried(instance, carried), result.plan) == []
    assert result.carried == ("Changements repris de la version 2 : Commune 76003 fermée le(s) mercredi 13 janv. 2027",)
    gone = SessionMove("bus1", _day(1, 2), "76003", _day(1, 3))
    with pytest.raises(CarryOverRefused, match="séance à déplacer"):
        move_session(instance, plan, gone, today=MONDAY, time_limit=3, carried=carried)
    with pytest.raises(MoveRefused):  # a move refused on its own still says what was carried
        move_session(instance, plan, replace_day(move, _day(2, 5)), today=MONDAY, time_limit=3, carried=carried)


def replace_day(move: SessionMove, to_day: date) -> SessionMove:
    return SessionMove(move.unit_id, move.day, move.insee, to_day)


# --- changes_since: what the store's newer versions accepted ---------------------------------------------


@dataclass(frozen=True)
class _Line:
    version: int


class _Store:
    def __init__(self, inputs: dict[int, PlanInputs | None]) -> None:
        self._inputs = inputs

    def history(self) -> list[_Line]:
        return [_Line(v) for v in sorted(self._inputs)]

    def inputs(self, version: int) -> PlanInputs | None:
        return self._inputs[version]


def test_changes_since_gathers_each_newer_change_once() -> None:
    """v2 and v3 both derive from v1: each change they added is carried once, from the first version
    that has it; v1's own change is not carried; another territory's version is ignored."""
    files = TerritoryFiles.load(TINY)
    own = StaffUnavailable("d1", date(2027, 1, 11), date(2027, 1, 12))
    v1 = PlanInputs(files).with_changes([own], TODAY)
    closure = CommuneClosed("76008", frozenset({date(2027, 1, 13)}))
    v2 = v1.with_changes([closure], TODAY)
    move = SessionMove("medicobus", date(2027, 1, 14), "76026", date(2027, 1, 15))
    v3 = v2.with_move(move, TODAY).with_changes([StaffUnavailable("d2", date(2027, 1, 11), date(2027, 1, 11))], TODAY)
    other = PlanInputs(TerritoryFiles("ailleurs", files.communes, files.roster, files.scenario)).with_changes(
        [StaffUnavailable("d3", date(2027, 1, 11), date(2027, 1, 11))], TODAY
    )
    store = _Store({1: v1, 2: v2, 3: v3, 4: other, 5: None})
    carried = changes_since(store, 1)
    assert carried.changes == ((closure, TODAY, 2), (v3.changes[-1].change, TODAY, 3))
    assert carried.moves == ((move, TODAY, 3),) and carried.versions == (2, 3) and carried.newest == 5
    rebuilt = carried.into(v1)
    assert rebuilt.changes == v3.changes and rebuilt.moves == v3.moves
    assert not changes_since(store, 5)
    assert json.dumps([a.to_dict() for a in rebuilt.changes])  # stored as any accepted change
