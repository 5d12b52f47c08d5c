"""Tests of the built-in communes files (`planner.inputs.builtin_communes`): sound files, the documented
targets, and territories that load with staff for every role."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.inputs.builtin_communes import BUILTINS, ORNE_PLACES
from planner.inputs.need_proxy import TOWN_MIN_POPULATION
from tests.support.paths import ROOT

DATA_DIR = ROOT / "planner" / "data" / "communes"


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_builtin_communes_files_are_sound(name):
    """Each committed file: unique 5-character INSEE codes, points in metropolitan France."""
    frame = pd.read_csv(DATA_DIR / f"{name}.csv", dtype={"insee": str, "epci_siren": str})
    assert len(frame) > 0
    assert frame["insee"].str.fullmatch(r"[0-9][0-9AB][0-9]{3}").all()
    assert frame["insee"].is_unique
    assert frame["lat"].between(41.3, 51.1).all()
    assert frame["lon"].between(-5.2, 9.6).all()
    assert (frame["population"] >= 0).all() and (frame["need_proxy"] >= 0).all()
    assert set(frame["location_source"]) <= {"mairie", "polygon"}


def test_builtin_targets_follow_their_documented_rules():
    """Médicobus: six stops filling 10 half-days, two in Villes Sœurs; Doctobus: towns never
    visited, the rest from need; Orne pilot: all priority, one place per intercommunality."""
    dieppe = pd.read_csv(DATA_DIR / "medicobus-dieppe.csv", dtype={"insee": str, "epci_siren": str})
    stops = dieppe[dieppe["visits_per_week"] > 0]
    assert len(stops) == 6 and stops["visits_per_week"].sum() == 10
    assert (stops["epci_siren"] == "247600588").sum() == 2

    evreux = pd.read_csv(DATA_DIR / "doctobus-evreux.csv", dtype={"insee": str})
    assert len(evreux) == 74
    towns = evreux["population"] >= TOWN_MIN_POPULATION
    assert (evreux.loc[towns, "visits_per_week"] == 0).all()
    assert evreux.loc[~towns, "visits_per_week"].isna().all()

    orne = pd.read_csv(DATA_DIR / "orne-solidarite.csv", dtype={"insee": str, "epci_siren": str})
    assert (orne["priority"] == 1).all()
    places = orne[orne["visits_per_week"] > 0]
    assert sorted(places["insee"]) == sorted(ORNE_PLACES)
    assert places["epci_siren"].nunique() == 5


@pytest.mark.parametrize("name", ["medicobus-dieppe", "doctobus-evreux", "mobilsante-vichy", "orne-solidarite"])
def test_builtin_territories_load_with_staff_for_every_role(name):
    """Communes, roster and scenario load together, and every role a unit needs is in the roster."""
    from planner.inputs import load_territory

    instance = load_territory(name)
    roles_in_roster = {role for person in instance.staff for role in person.roles}
    for unit in instance.units:
        assert set(unit.crew) <= roles_in_roster
        assert all(instance.has_commune(insee) for insee in unit.places)
