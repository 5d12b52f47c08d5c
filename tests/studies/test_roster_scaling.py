"""Rosters scaled to a scenario's units (planner.studies.roster_scaling)."""

from __future__ import annotations

from planner.domain.instance import Role
from planner.inputs import parse_roster
from planner.studies.grid import ScenarioParameters
from planner.studies.roster_scaling import scaled_roster
from planner.studies.scenario_files import read_territory_texts, scenario_files


def _roster(text: str):
    return parse_roster(text, "roster.csv")


def test_roster_keeps_its_people_then_adds_invented_copies():
    dieppe = read_territory_texts("medicobus-dieppe")
    units = scenario_files(dieppe, ScenarioParameters(2)).scenario_toml  # two units: the roster doubles
    assert units.count("[[units]]") == 2
    two_units = [{"crew": {"doctor": 1, "driver": 1}}] * 2
    staff = _roster(scaled_roster(dieppe.roster_csv, two_units, base_units=1))
    own = _roster(dieppe.roster_csv)
    doctors = [p for p in staff if Role.DOCTOR in p.roles]
    drivers = [p for p in staff if Role.DRIVER in p.roles]
    assert len(doctors) == 2 * sum(Role.DOCTOR in p.roles for p in own)
    assert len(drivers) == 2 * sum(Role.DRIVER in p.roles for p in own)
    assert [p.id for p in staff[: len(own)]] == [p.id for p in own]  # the territory's people first, unchanged
    copy = next(p for p in staff if p.id == "etude-doctor-11")
    assert copy.name == "Dr Étude 11 (exemple)"
    assert copy.availability == own[0].availability and not copy.preferred_communes
    fewer = _roster(scaled_roster(dieppe.roster_csv, two_units[:1], base_units=1, doctors=4))
    assert [p.id for p in fewer if Role.DOCTOR in p.roles] == ["m01", "m02", "m03", "m04"]


def test_roster_without_people_is_generated_to_crew_every_weekday():
    staff = _roster(scaled_roster(None, [{"crew": {"doctor": 1, "driver": 1}}], base_units=1))
    assert [p.name for p in staff] == [
        "Dr Étude 1 (exemple)", "Dr Étude 2 (exemple)", "Dr Étude 3 (exemple)", "Chauffeur Étude 1 (exemple)",
    ]  # fmt: skip
    assert all(len(p.availability) == 10 for p in staff)  # Monday to Friday, mornings and afternoons
    assert sum(p.max_shifts_per_week for p in staff if Role.DOCTOR in p.roles) >= 5


def test_a_study_below_the_territory_units_keeps_only_their_preferences(tmp_path):
    """CC Andaine-Passais' volunteers prefer its places; a scenario of one unit drops the others, and
    the roster no longer names them (`planner study orne-solidarite --units 1..3` failed all three)."""
    from planner import load_territory

    files = scenario_files(read_territory_texts("orne-solidarite"), ScenarioParameters(1))
    for name, text in (("communes.csv", files.communes_csv), ("roster.csv", files.roster_csv),
                       ("scenario.toml", files.scenario_toml)):  # fmt: skip
        (tmp_path / name).write_text(text, encoding="utf-8")
    instance = load_territory(tmp_path)
    units = {u.id for u in instance.units}
    assert len(units) == 1 and instance.staff
    assert all(p.preferred_units <= units for p in instance.staff)
