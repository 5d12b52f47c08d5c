"""Manual adjustments (issue 14): pins and banned days through planning and the validator, moving a
session (accepted: valid, the rest untouched; refused: the rule in French), re-applying moves."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from planner.check import RULE_NAMES_FR, rule_fr
from planner.check.validate import RULE_NAMES, validate
from planner.crews.rota_search import shift_key
from planner.domain.errors import InputError, MoveRefused
from planner.domain.french import date_fr, hhmm, parse_time, time_fr
from planner.domain.instance import (
    BannedDay,
    CommuneClosure,
    Instance,
    Pin,
    UnitClosure,
)
from planner.domain.plan import Plan
from planner.inputs import load_territory
from planner.planning.changes import SessionMove, StaffUnavailable
from planner.planning.move_candidates import move_options
from planner.planning.moves import move_session, reapply_moves
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan as plan_instance
from planner.planning.published_plan import UNGRIDDED_PLAN
from planner.planning.replan import replan
from planner.planning.swap import swap_sessions
from tests.support.builders import MONDAY
from tests.support.hand_plans import NO_STAFF, TOUR_A, TOUR_C, make_plan, rules_of
from tests.support.replan_case import published_plan, two_bus_territory
from tests.support.territory_files import territory

FAST = PlanOptions(time_limit=2, rota_time_limit=2)


def day(week: int, weekday: int):
    return MONDAY + timedelta(days=7 * week + weekday)


@pytest.fixture(scope="module")
def published() -> tuple[Instance, Plan]:
    """bus1 on Mondays, Wednesdays and Fridays, two communes a day, for three weeks; bus2 idle."""
    instance = two_bus_territory("moves")
    return instance, published_plan(instance)


def test_move_to_a_free_day_keeps_everything_else(published):
    """76001 from Monday to Tuesday of week 2: valid, a new Tuesday tour, every other tour and shift kept."""
    instance, plan = published
    move = SessionMove("bus1", day(1, 0), "76001", day(1, 1))
    result = move_session(instance, plan, move, today=MONDAY, time_limit=5)
    assert validate(instance, result.plan) == []
    new = {t.key: t for t in result.plan.tours}
    tuesday, monday = new[f"bus1/{day(1, 1).isoformat()}"], new[f"bus1/{day(1, 0).isoformat()}"]
    assert [s.insee for s in tuesday.sessions] == ["76001"]
    assert [s.insee for s in monday.sessions] == ["76002"]
    untouched = [t for t in plan.tours if t.date not in (day(1, 0), day(1, 1))]
    assert all(new[t.key] == t for t in untouched)
    assert result.shifts_changed == 0  # the Monday crew stays; Tuesday gets a crew of its own
    kept = {shift_key(s) for s in result.plan.shifts}
    assert all(shift_key(s) in kept for s in plan.shifts)
    assert result.diff[0].startswith("Séance déplacée — Commune 76001 : lundi 11 janv. 2027")
    assert any("mardi 12 janv. 2027 — Bus bus1 : Commune 76001 de" in line for line in result.diff)
    assert any("Bus bus2" not in line and "ajouté·e" in line for line in result.diff)


def test_move_in_a_plan_made_before_the_time_grid():
    """A plan published before the time grid (sessions to the minute, shifts without set-up) is
    moved with its own timing, as a re-plan does: accepted, valid under that timing, and said."""
    instance = two_bus_territory("moves")
    old_rules = replace(instance.rules, time_step=1, setup_minutes=0)
    old = published_plan(instance.replace(rules=old_rules))
    assert "TIME_GRID" in {v.rule for v in validate(instance, old)}
    move = SessionMove("bus1", day(1, 0), "76001", day(1, 1))
    result = move_session(instance, old, move, today=MONDAY, time_limit=5)
    assert validate(instance.replace(rules=old_rules), result.plan) == []
    assert UNGRIDDED_PLAN in result.plan.warnings


def test_move_at_a_time_to_another_unit(published):
    """76005 to bus2 on Thursday of week 3 at 14:00: the session starts at 14:00, on bus2."""
    instance, plan = published
    move = SessionMove("bus1", day(2, 4), "76005", day(2, 3), "bus2", parse_time("14:00"))
    result = move_session(instance, plan, move, today=MONDAY, time_limit=5)
    assert validate(instance, result.plan) == []
    thursday = next(t for t in result.plan.tours if t.key == f"bus2/{day(2, 3).isoformat()}")
    assert [(s.insee, s.start) for s in thursday.sessions] == [("76005", 14 * 60)]
    assert "(Bus bus2, 14:00)" in result.diff[0]


def test_move_within_its_day_changes_its_time(published):
    """The afternoon session of a day moved to 14:30 the same day: re-timed, same tour."""
    instance, plan = published
    tour = next(t for t in plan.tours if t.date == day(1, 2))
    last = tour.sessions[-1]
    move = SessionMove("bus1", tour.date, last.insee, tour.date, start=last.start + 15)
    result = move_session(instance, plan, move, today=MONDAY, time_limit=5)
    again = next(t for t in result.plan.tours if t.key == tour.key)
    assert next(s.start for s in again.sessions if s.insee == last.insee) == last.start + 15
    assert validate(instance, result.plan) == []


def refusal(instance: Instance, plan: Plan, move: SessionMove, **kwargs) -> MoveRefused:
    with pytest.raises(MoveRefused) as caught:
        move_session(instance, plan, move, today=kwargs.pop("today", MONDAY), time_limit=5, **kwargs)
    return caught.value


def test_refused_on_a_day_the_unit_does_not_work(published):
    instance, plan = published
    refused = refusal(instance, plan, SessionMove("bus1", day(1, 0), "76001", day(1, 6)))
    assert refused.rule == "UNIT_DAY"
    assert str(refused) == "Refusé : Bus bus1 ne travaille pas le dimanche (règle « jours de l'unité »)"


def test_refused_too_close_to_another_visit(published):
    """76003 (Wednesdays) from week 2 to Monday of week 3: one day before its week-3 visit."""
    instance, plan = published
    refused = refusal(instance, plan, SessionMove("bus1", day(1, 2), "76003", day(2, 1)))
    assert refused.rule == "MIN_GAP"
    assert str(refused).startswith("Refusé : 2 jour(s) au moins entre deux passages à Commune 76003 ; déjà un passage")
    assert str(refused).endswith("(règle « écart entre deux passages »)")


def test_refused_on_a_holiday_a_closure_or_a_closed_commune(published):
    instance, plan = published
    move = SessionMove("bus1", day(1, 0), "76001", day(1, 1))
    rules = instance.rules
    closed = instance.replace(rules=replace(rules, closures=frozenset({day(1, 1)})))
    assert refusal(closed, plan, move).rule == "HOLIDAY"
    shut = instance.replace(rules=replace(rules, commune_closures=(CommuneClosure("76001", frozenset({day(1, 1)})),)))
    assert "Commune 76001 est fermée le mardi 12 janv. 2027" in str(refusal(shut, plan, move))
    broken = instance.replace(rules=replace(rules, unit_closures=(UnitClosure("bus1", frozenset({day(1, 1)})),)))
    assert refusal(broken, plan, move).rule == "UNIT_CLOSED"


def test_refused_against_a_pin_or_a_banned_day(published):
    instance, plan = published
    move = SessionMove("bus1", day(1, 0), "76001", day(1, 1))
    pinned = instance.replace(rules=replace(instance.rules, pins=(Pin("76001", 0),)))
    refused = refusal(pinned, plan, move)
    assert refused.rule == "PIN" and "Commune 76001 épinglée au lundi ; retirez" in str(refused)
    assert str(refused).endswith("(règle « épingle »)")
    banned = instance.replace(rules=replace(instance.rules, banned_days=(BannedDay("76001", 1),)))
    refused = refusal(banned, plan, move)
    assert str(refused) == "Refusé : Commune 76001 est interdite le mardi (règle « jour interdit »)"


def test_refused_when_the_day_cannot_hold_it(published):
    """A 3-hour session asked at 16:00 ends after the bus's day (17:30)."""
    instance, plan = published
    refused = refusal(instance, plan, SessionMove("bus1", day(1, 0), "76001", day(1, 1), start=16 * 60))
    assert refused.rule == "HOURS" and "ne tient pas à 16:00" in str(refused)
    assert str(refused).endswith("(règle « heures de service »)")


def test_refused_off_the_time_grid(published):
    """A start at 09:10 is not on the 15-min grid: refused with TIME_GRID and the nearest round times."""
    instance, plan = published
    refused = refusal(instance, plan, SessionMove("bus1", day(1, 0), "76001", day(1, 1), start=9 * 60 + 10))
    assert refused.rule == "TIME_GRID" and "attendu : par exemple 09:00 ou 09:15" in str(refused)


def test_refused_in_the_past_or_without_such_a_session(published):
    instance, plan = published
    refused = refusal(instance, plan, SessionMove("bus1", day(0, 0), "76001", day(1, 1)), today=day(1, 0))
    assert refused.rule == "PAST" and "est passé" in str(refused)
    refused = refusal(instance, plan, SessionMove("bus1", day(1, 0), "76005", day(1, 1)))
    assert refused.rule == "SESSION" and "pas de séance de Bus bus1 à Commune 76005" in str(refused)


def test_refused_by_the_validator_when_a_week_gets_two_visits(published):
    """76001 (weekly, Mondays) to Friday of week 1, which already has its Monday visit: FREQUENCY."""
    instance, plan = published
    refused = refusal(instance, plan, SessionMove("bus1", day(1, 0), "76001", day(0, 3), "bus2"))
    assert refused.rule == "FREQUENCY" and str(refused).endswith("(règle « fréquence des visites »)")


def test_a_move_to_where_the_session_already_is_is_refused(published):
    """Same unit, day and start (or no start: as close to its old time, so the same): nothing to do."""
    instance, plan = published
    tour = next(t for t in plan.tours if t.date == day(1, 2))
    held = tour.sessions[-1]
    for move in (
        SessionMove("bus1", tour.date, held.insee, tour.date),
        SessionMove("bus1", tour.date, held.insee, tour.date, "bus1", held.start),
    ):
        refused = refusal(instance, plan, move)
        assert refused.rule == "NO_CHANGE"
        assert str(refused) == (
            f"Refusé : la séance de Commune {held.insee} est déjà le mercredi 13 janv. 2027 sur Bus bus1 "
            f"à {hhmm(held.start)} ; choisissez un autre jour, une autre unité ou une autre heure"
        )


def test_move_options_are_the_moves_the_rules_accept(published):
    """Every option listed, applied, gives a valid plan at its start; every other day and unit is refused."""
    instance, plan = published
    session = ("bus1", day(1, 0), "76001")
    options = move_options(instance, plan, session, today=day(0, 2), time_limit=5)
    assert options and options == sorted(options, key=lambda o: (o.to_day, o.unit_id, o.start))
    assert all(o.to_day >= day(0, 2) for o in options)
    assert {(o.to_day, o.unit_id) for o in options} >= {(day(1, 1), "bus1"), (day(1, 1), "bus2")}
    assert any(o.to_day == day(1, 0) and o.unit_id == "bus1" for o in options)  # its own day, another time
    for option in options:
        result = move_session(instance, plan, option.move, today=day(0, 2), time_limit=5)
        assert validate(instance, result.plan) == []
        tour = next(t for t in result.plan.tours if t.key == f"{option.unit_id}/{option.to_day.isoformat()}")
        assert next(s.start for s in tour.sessions if s.insee == "76001") == option.start
    assert options[0].text(instance).startswith(f"{date_fr(options[0].to_day)}, Bus ")
    assert options[0].text(instance).endswith(time_fr(options[0].start))
    listed = {(o.to_day, o.unit_id) for o in options}
    for offset in range(21):
        for unit in ("bus1", "bus2"):
            to_day = day(0, 2) + timedelta(days=offset)
            if (to_day, unit) not in listed and to_day <= instance.rules.end:
                move = SessionMove(*session, to_day, unit)
                with pytest.raises(MoveRefused):
                    move_session(instance, plan, move, today=day(0, 2), time_limit=5)


def test_move_options_of_a_session_that_is_not_there_is_refused(published):
    instance, plan = published
    with pytest.raises(MoveRefused, match="pas de séance"):
        move_options(instance, plan, ("bus1", day(1, 0), "76005"), today=MONDAY)


def test_swap_two_sessions(published):
    """76001 (Monday, week 2) and 76003 (Wednesday, week 2) change days: valid, the rest untouched."""
    instance, plan = published
    a, b = ("bus1", day(1, 0), "76001"), ("bus1", day(1, 2), "76003")
    result = swap_sessions(instance, plan, a, b, today=MONDAY, time_limit=5)
    assert validate(instance, result.plan) == []
    new = {t.key: t for t in result.plan.tours}
    monday, wednesday = new[f"bus1/{day(1, 0).isoformat()}"], new[f"bus1/{day(1, 2).isoformat()}"]
    assert "76003" in {s.insee for s in monday.sessions} and "76001" not in {s.insee for s in monday.sessions}
    assert "76001" in {s.insee for s in wednesday.sessions} and "76003" not in {s.insee for s in wednesday.sessions}
    assert all(new[t.key] == t for t in plan.tours if t.date not in (day(1, 0), day(1, 2)))
    assert result.diff[0].startswith("Séances échangées — Commune 76001 : lundi 11 janv. 2027")


def test_swap_refused_in_plain_french(published):
    instance, plan = published
    tour = next(t for t in plan.tours if t.date == day(1, 0))
    first, second = (("bus1", tour.date, s.insee) for s in tour.sessions[:2])
    with pytest.raises(MoveRefused, match="de la même tournée") as caught:
        swap_sessions(instance, plan, first, second, today=MONDAY, time_limit=5)
    assert caught.value.rule == "NO_CHANGE"
    with pytest.raises(MoveRefused) as caught:  # 76001 to week 1's Wednesday: two visits that week
        swap_sessions(instance, plan, ("bus1", day(1, 0), "76001"), ("bus1", day(0, 2), "76003"), today=MONDAY)
    assert caught.value.rule == "FREQUENCY" and str(caught.value).endswith("(règle « fréquence des visites »)")
    with pytest.raises(MoveRefused, match="est passé"):
        swap_sessions(instance, plan, ("bus1", day(1, 0), "76001"), ("bus1", day(0, 2), "76003"), today=day(1, 0))


def test_every_rule_of_the_validator_has_a_french_name():
    assert set(RULE_NAMES_FR) == set(RULE_NAMES)
    assert all(name and not name.isupper() for name in RULE_NAMES_FR.values())
    assert rule_fr("HOURS") == "heures de service" and rule_fr("SESSION_TIMES") == "horaires des séances"
    assert rule_fr("UNIT_DAY") == "jours de l'unité" and rule_fr("HOLIDAY") == "jour férié ou fermeture"


def test_moves_are_reapplied_after_a_replan_or_reported(published):
    """After a re-plan, a move that still applies is applied again; one that does not is a warning."""
    instance, plan = published
    good = SessionMove("bus1", day(2, 0), "76002", day(2, 1), "bus2")
    gone = SessionMove("bus1", day(1, 0), "76005", day(1, 1))
    doctor = next(s.staff_id for s in plan.shifts if s.date == day(1, 2) and s.role.value == "doctor")
    again = replan(instance, plan, [StaffUnavailable(doctor, day(1, 2), day(1, 2))], today=MONDAY, time_limit=5)
    new, kept = reapply_moves(instance, again.plan, [(good, MONDAY), (gone, MONDAY)], time_limit=5)
    assert kept == (good,)
    assert any(s.insee == "76002" for t in new.tours if t.key == f"bus2/{day(2, 1).isoformat()}" for s in t.sessions)
    assert any(w.startswith("déplacement non réappliqué (Commune 76005") and "pas de séance" in w for w in new.warnings)
    assert validate(instance, new) == []


def test_a_move_reads_back_from_its_json_form():
    move = SessionMove("bus1", day(1, 0), "76001", day(1, 1), "bus2", 14 * 60 + 15)
    assert SessionMove.from_dict(move.as_dict()) == move
    assert move.as_dict()["start"] == "14:15"
    with pytest.raises(ValueError, match="attendu : HH:MM"):
        parse_time("midi")


# --- pins and banned days ------------------------------------------------------------------------


def test_pin_rule_of_the_validator(bus):
    """76001 pinned to Tuesday: its Monday sessions break PIN, the other communes' do not."""
    pinned = NO_STAFF.replace(rules=replace(NO_STAFF.rules, pins=(Pin("76001", 1),)))
    found = validate(pinned, make_plan(pinned, [TOUR_A, TOUR_C]))
    assert rules_of(found) == {"PIN"} and len(found) == 2
    assert "épinglée au mardi, un lundi" in found[0].message
    on_unit = NO_STAFF.replace(
        units=(bus(), bus("bus2")), rules=replace(NO_STAFF.rules, pins=(Pin("76001", 0, "bus2"),))
    )
    assert rules_of(validate(on_unit, make_plan(on_unit, [TOUR_A]))) == {"PIN"}


def test_banned_day_rule_of_the_validator():
    banned = NO_STAFF.replace(rules=replace(NO_STAFF.rules, banned_days=(BannedDay("76002", 0),)))
    found = validate(banned, make_plan(banned, [TOUR_A]))
    assert rules_of(found) == {"BANNED_DAY"}
    assert "Commune 76002, interdite le lundi" in found[0].message


def test_pins_and_bans_are_checked_when_the_instance_is_built(small_instance):
    rules = small_instance.rules
    with pytest.raises(ValueError, match="commune 99999 inconnue"):
        small_instance.replace(rules=replace(rules, pins=(Pin("99999", 1),)))
    with pytest.raises(ValueError, match="unité « bus9 » inconnue"):
        small_instance.replace(rules=replace(rules, pins=(Pin("76001", 1, "bus9"),)))
    with pytest.raises(ValueError, match="attendu : 0 \\(lundi\\) à 6"):
        BannedDay("76001", 7)


@pytest.mark.parametrize("method", ["greedy", "cp-sat"])
def test_plan_honours_pins_and_banned_days(method, make_small_instance):
    """Pinned to Thursday, 76001 is served on Thursdays only; 76002 never on Monday or Tuesday."""
    base = make_small_instance(weeks=2)
    rules = replace(
        base.rules, pins=(Pin("76001", 3, "bus1"),), banned_days=(BannedDay("76002", 0), BannedDay("76002", 1))
    )
    instance = base.replace(rules=rules)
    result = plan_instance(instance, replace(FAST, method=method))
    assert validate(instance, result) == []
    days_of = {
        insee: {t.date.weekday() for t, s in result.sessions() if s.insee == insee} for insee in ("76001", "76002")
    }
    assert days_of["76001"] == {3}
    assert days_of["76002"] and not days_of["76002"] & {0, 1}


@pytest.mark.parametrize("method", ["greedy", "cp-sat"])
def test_a_pin_is_not_traded_for_need(method, bus, commune):
    """One slot a week, wanted by a commune of need 900 and by a commune of need 10 pinned to that
    day: the pinned one is served (CP-SAT, maximising need, used to give the slot away)."""
    from planner.domain.instance import Instance, Rules

    unit = bus(days=frozenset({1}), sessions_per_day=1)
    communes = (commune("76001", 49.95, 1.15, need=900), commune("76002", 49.85, 1.2, need=10))
    instance = Instance("t", communes, (unit,), (), Rules(start=MONDAY, weeks=2, pins=(Pin("76002", 1),)))
    result = plan_instance(instance, replace(FAST, method=method))
    assert validate(instance, result) == []
    assert {s.insee for _, s in result.sessions()} == {"76002"}


def test_a_pin_that_cannot_be_served_is_explained(make_small_instance):
    """A commune pinned to Sunday, which no unit works, is left out and its reason names the pin."""
    base = make_small_instance(weeks=2)
    instance = base.replace(rules=replace(base.rules, pins=(Pin("76001", 6),)))
    result = plan_instance(instance, FAST)
    reason = next(u.reason for u in result.unserved if u.insee == "76001")
    assert reason.startswith("Commune 76001 épinglée au dimanche : aucun créneau possible")
    assert "exclus par l'épingle" in reason


# --- the scenario file -----------------------------------------------------------------------------


PINS = """
[[pins]]
insee = "76217"
day = "mardi"
unit = "medicobus"

[[banned_days]]
insee = "Arques-la-Bataille"
days = "lun,ven"
"""


def test_scenario_pins_and_banned_days(tmp_path: Path):
    folder = territory(tmp_path)
    (folder / "scenario.toml").write_text(
        (folder / "scenario.toml").read_text(encoding="utf-8") + PINS, encoding="utf-8"
    )
    rules = load_territory(folder).rules
    assert rules.pins == (Pin("76217", 1, "medicobus"),)
    assert rules.banned_days == (BannedDay("76026", 0), BannedDay("76026", 4))


@pytest.mark.parametrize(
    ("old", "new", "column", "words"),
    [
        ('day = "mardi"', 'day = "lun-mer"', "pins.day", "n'est pas un seul jour"),
        ('unit = "medicobus"', 'unit = "bus9"', "pins.unit", "unité « bus9 » inconnue"),
        ('insee = "76217"', 'insee = "99999"', "pins.insee", "99999"),
        ('days = "lun,ven"', 'days = "jamais"', "banned_days.days", "jamais"),
    ],
)
def test_scenario_pins_are_checked(tmp_path: Path, old, new, column, words):
    folder = territory(tmp_path)
    (folder / "scenario.toml").write_text(
        (folder / "scenario.toml").read_text(encoding="utf-8") + PINS.replace(old, new), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        load_territory(folder)
    found = [p for p in caught.value.problems if p.column == column]
    assert len(found) == 1 and words in found[0].message, caught.value.problems


# --- the command line ------------------------------------------------------------------------------


def test_move_from_the_command_line(tmp_path: Path, capsys):
    """`planner move`: a refused move exits 2 with the rule in French; an accepted one writes a plan
    whose inputs hold the move, and whose session starts at the time asked."""
    import json

    from planner.cli import main

    first, second = tmp_path / "v1", tmp_path / "v2"
    assert main(["plan", "--out", str(first), "--time-limit", "2", "--weeks", "2"]) == 0
    tours = json.loads((first / "plan.json").read_text(encoding="utf-8"))["tours"]

    def minutes(hhmm: str) -> int:
        return int(hhmm[:2]) * 60 + int(hhmm[3:])

    def fits_at_two(t: dict) -> bool:  # its last session can start later, at 14:00, and the bus be back by 17:30
        late = minutes("14:00") - minutes(t["sessions"][-1]["start"])
        return late > 0 and minutes(t["back_at_depot"]) + late <= minutes("17:30")

    tour = next(t for t in tours if t["date"] >= "2026-12-07" and fits_at_two(t))
    session = f"{tour['unit']}:{tour['date']}:{tour['sessions'][0]['insee']}"
    capsys.readouterr()
    common = [
        "move",
        "--plan",
        str(first / "plan.json"),
        "--session",
        session,
        "--today",
        "2026-12-01",
        "--time-limit",
        "3",
    ]
    assert main([*common, "--to", "2026-12-13", "--out", str(second)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Refusé : Médicobus ne travaille pas le dimanche (règle « jours de l'unité »)")
    assert not second.exists()
    last = tour["sessions"][-1]
    code = main([*common, "--session", f"{tour['unit']}:{tour['date']}:{last['insee']}", "--to", tour["date"],
                 "--start", "14:00", "--out", str(second)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "Séance déplacée" in out
    data = json.loads((second / "plan.json").read_text(encoding="utf-8"))
    moved = next(t for t in data["tours"] if t["date"] == tour["date"])
    assert any(s["insee"] == last["insee"] and s["start"] == "14:00" for s in moved["sessions"])
    assert data["inputs"]["moves"][0]["start"] == "14:00"

    assert main([*common, "--options"]) == 0  # what fits, one a line, with the arguments that make it
    out = capsys.readouterr().out
    assert "déplacement(s) possible(s) pour la séance de" in out
    lines = [line for line in out.splitlines() if line.startswith("- ") and "(--swap-with " not in line]
    assert lines and all(re.search(r", \d+ h \d\d   \(--to \d{4}-\d\d-\d\d.* --start \d\d:\d\d\)$", x) for x in lines)
    swaps = [line for line in out.splitlines() if line.startswith("- ") and "(--swap-with " in line]
    assert all(re.search(r"^- échange avec .+ : .+   \(--swap-with [^:]+:\d{4}-\d\d-\d\d:\w+\)$", x) for x in swaps)
    assert main([*common, "--out", str(tmp_path / "v3")]) == 2  # neither --to nor --options
    assert "--to AAAA-MM-JJ" in capsys.readouterr().err
