"""A plan's inputs as data (planner.publish.plan_inputs): settings over the files, accepted changes,
the JSON form, and the instance rebuilt from them."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from planner.domain.errors import TourneeError
from planner.domain.instance import BannedDay, Pin, TimeWindow, Weights
from planner.planning.changes import (
    CommuneClosed,
    SessionMove,
    StaffUnavailable,
    UnitOutOfService,
    apply_to_instance,
)
from planner.planning.options import PlanOptions
from planner.publish.fingerprint import instance_fingerprint
from planner.publish.plan_inputs import (
    PlanInputs,
    Settings,
    TerritoryFiles,
    describe_inputs,
    sha256,
)
from tests.support.paths import TINY


@pytest.fixture
def files() -> TerritoryFiles:
    return TerritoryFiles.load(TINY)


def test_settings_hold_what_the_parameters_page_edits(files) -> None:
    """Rules, a unit's days and hours, a commune's target: `Settings.between` keeps only what differs
    and `apply` gives back the same instance."""
    base = files.instance()
    unit = dataclasses.replace(base.units[0], days=frozenset({0, 2}), lunch=None, hours=TimeWindow(480, 1020))
    commune = dataclasses.replace(base.communes[1], visits_per_week=0.5, frequency_from_need=False)
    rules = dataclasses.replace(base.rules, start=date(2027, 2, 1), weeks=6, weights=Weights(travel=7))
    edited = base.replace(units=(unit,), communes=(base.communes[0], commune, *base.communes[2:]), rules=rules)
    settings = Settings.between(base, edited)
    assert set(settings.rules) == {"start", "weeks", "weights"} and set(settings.units["medicobus"]) == {
        "days",
        "hours",
        "lunch",
    }
    again = Settings.from_dict(json.loads(json.dumps(settings.to_dict())))
    assert instance_fingerprint(again.apply(base)) == instance_fingerprint(edited)


def test_settings_refuse_an_edit_that_belongs_in_the_files(files) -> None:
    base = files.instance()
    renamed = base.replace(staff=(dataclasses.replace(base.staff[0], name="Dr Autre (exemple)"), *base.staff[1:]))
    with pytest.raises(ValueError, match="more than the settings"):
        Settings.between(base, renamed)


def test_inputs_round_trip_and_rebuild_the_instance_with_the_changes(files) -> None:
    """Files by digest, settings, options and accepted changes survive JSON; the instance is the files,
    then the settings, then each change from its own day."""
    changes = [
        StaffUnavailable("d1", date(2027, 1, 11), date(2027, 1, 12)),
        UnitOutOfService("medicobus", date(2027, 1, 5), date(2027, 1, 6)),
        CommuneClosed("76008", frozenset({date(2027, 1, 7)})),
    ]
    inputs = PlanInputs(files, Settings({"weeks": 3}), PlanOptions(seed=4, method="greedy")).with_changes(
        changes, date(2027, 1, 6)
    )
    stored = {sha256(b): b for b in files.by_name().values()}
    back = PlanInputs.from_dict(json.loads(json.dumps(inputs.to_dict())), stored.get)
    assert back == inputs
    expected = apply_to_instance(Settings({"weeks": 3}).apply(files.instance()), changes, today=date(2027, 1, 6))
    assert instance_fingerprint(back.instance()) == instance_fingerprint(expected)
    assert back.instance().rules.unit_closed("medicobus", date(2027, 1, 6))
    assert not back.instance().rules.unit_closed("medicobus", date(2027, 1, 5))  # before "today": unchanged
    assert "méthode rapide" in describe_inputs(inputs.to_dict()) and "3 changement(s)" in describe_inputs(
        inputs.to_dict()
    )


def test_a_missing_or_altered_file_is_a_french_error(files) -> None:
    data = PlanInputs(files).to_dict()
    with pytest.raises(TourneeError, match=r"communes.csv .* introuvable"):
        PlanInputs.from_dict(data, lambda _digest: b"autre chose")


def test_pins_banned_days_and_moves_are_kept_with_the_inputs(files) -> None:
    """Pins and banned days are settings (a re-plan from the inputs keeps them); moves survive JSON."""
    base = files.instance()
    rules = dataclasses.replace(base.rules, pins=(Pin("76217", 1, "medicobus"),), banned_days=(BannedDay("76008", 4),))
    settings = Settings.between(base, base.replace(rules=rules))
    assert set(settings.rules) == {"pins", "banned_days"}
    move = SessionMove("medicobus", date(2027, 1, 5), "76217", date(2027, 1, 7), start=14 * 60)
    inputs = PlanInputs(files, settings).with_move(move, date(2027, 1, 4))
    stored = {sha256(b): b for b in files.by_name().values()}
    back = PlanInputs.from_dict(json.loads(json.dumps(inputs.to_dict())), stored.get)
    assert back == inputs and back.moves[0].move == move
    assert back.instance().rules.pins == rules.pins and back.instance().rules.banned_days == rules.banned_days
    described = describe_inputs(inputs.to_dict())
    assert "1 épingle(s), 1 jour(s) interdit(s)" in described and "1 séance(s) déplacée(s)" in described
