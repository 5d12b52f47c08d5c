"""Legal but odd inputs are warned about, never refused (issue 13): a horizon already begun, closures
over the whole horizon, a town hall far outside its commune or in the sea, a re-planning day or a
change outside the plan's dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.instance import CommuneClosure, DateRange, Point
from planner.inputs import load_territory
from planner.inputs.advice import horizon_warnings, territory_warnings
from planner.inputs.locations import TOLERANCE_KM, load_extents, location_warnings
from planner.planning.changes import change_warnings, parse_changes
from tests.support.bad_inputs import DEMO

DIEPPE = "76217"


@pytest.fixture(scope="module")
def demo():
    return load_territory(DEMO)


@pytest.mark.parametrize("name", ["medicobus-dieppe", "doctobus-evreux", "mobilsante-vichy", "orne-solidarite"])
def test_built_in_territories_raise_no_warning(name):
    instance = load_territory(name)
    assert territory_warnings(instance, today=instance.rules.start) == []


def test_a_horizon_already_begun_or_past_is_said(demo):
    start, end = demo.rules.start, demo.rules.end
    assert horizon_warnings(demo, today=start) == []
    assert "date déjà passée" in horizon_warnings(demo, today=end)[0]
    assert "entièrement passé" in horizon_warnings(demo, today=date(2030, 1, 1))[0]


def test_closures_covering_the_whole_horizon_are_said(demo):
    every_day = frozenset(demo.rules.dates())
    rules = replace(demo.rules, closures=every_day, commune_closures=(CommuneClosure(DIEPPE, every_day),))
    person = replace(demo.staff[0], dates_off=(DateRange(date(2026, 1, 1), date(2027, 12, 31)),))
    found = horizon_warnings(demo.replace(rules=rules, staff=(person, *demo.staff[1:])), today=demo.rules.start)
    assert any("les fermetures couvrent tout l'horizon" in w for w in found)
    assert any(f"la commune {DIEPPE} est fermée pendant tout l'horizon" in w for w in found)
    assert any(f"personne {person.id} : absente pendant tout l'horizon" in w for w in found)


def test_a_town_hall_in_the_channel_is_reported(demo):
    """Dieppe's town hall moved 20 km out to sea: inside the bounding box of France, yet reported."""
    dieppe = demo.commune(DIEPPE)
    moved = replace(dieppe, lat=dieppe.lat + 0.2, site=replace(dieppe.site, lat=dieppe.site.lat + 0.2))
    instance = demo.replace(communes=tuple(moved if c.insee == DIEPPE else c for c in demo.communes))
    found = location_warnings(instance)
    assert len(found) == 1 and f"commune {DIEPPE} (Dieppe)" in found[0] and "hors de la commune" in found[0]


def test_a_town_hall_in_the_next_commune_but_far_from_its_own_is_reported(demo):
    """Ancourt (76008) given the point of a commune 30 km away."""
    ancourt = demo.commune("76008")
    moved = replace(ancourt, lat=49.75, lon=1.45, site=replace(ancourt.site, lat=49.75, lon=1.45))
    instance = demo.replace(communes=tuple(moved if c.insee == "76008" else c for c in demo.communes))
    (found,) = location_warnings(instance)
    assert "76008 (Ancourt)" in found and "km au moins hors de la commune" in found


def test_a_depot_or_a_home_at_sea_is_reported(demo):
    unit = replace(demo.units[0], depot=Point("Dépôt", 50.3, 0.9))
    person = replace(demo.staff[0], home=Point("Domicile", 49.5, -4.0))
    found = location_warnings(demo.replace(units=(unit,), staff=(person, *demo.staff[1:])))
    assert len(found) == 2
    assert all("de toute commune" in w and "en mer ou hors de France" in w for w in found)


def test_the_extents_bound_every_town_hall_of_the_built_in_files(demo):
    """Each built-in town hall lies within its commune's circle: the check has no false alarm there."""
    extents = load_extents()
    assert extents is not None and len(extents.row) > 34_000
    for c in demo.communes:
        row = extents.row[c.insee]
        assert extents.outside_km([c.lat], [c.lon], [row])[0] <= TOLERANCE_KM


def test_check_prints_the_warnings_and_still_accepts_the_files(tmp_path, capsys, edit_demo, demo_copy):
    """A warning is not a refusal: exit code 0, the warning on its own line."""
    edit_demo("communes.csv", "76217,Dieppe,29080,49.922888,", "76217,Dieppe,29080,50.122888,")(tmp_path, tmp_path)
    code = main(["check", str(demo_copy(tmp_path))])
    out = capsys.readouterr().out
    assert code == 0 and "données valides" in out
    assert "Attention : communes.csv, commune 76217 (Dieppe)" in out


def test_replan_warns_about_a_day_or_a_change_outside_the_plan():
    changes = parse_changes(["unavailable m01:2027-03-01..2027-03-05", "closed 76217:2026-12-02"])
    found = change_warnings(changes, date(2026, 11, 30), date(2026, 12, 27), date(2027, 2, 1))
    assert "aujourd'hui (lundi 1 févr. 2027) est hors de l'horizon du plan" in found[0]
    assert len(found) == 2 and "l'absence de m01 tombe hors de l'horizon" in found[1]
    assert change_warnings(changes[1:], date(2026, 11, 30), date(2026, 12, 27), date(2026, 12, 1)) == []


def test_the_extents_file_written_by_the_import_is_the_one_the_check_reads(tmp_path: Path):
    """`write_commune_extents` → `load_extents`: same codes and figures (rounded as written), and the
    same bytes for the same data (no timestamp in the gzip file)."""
    import pandas as pd

    from planner.inputs.builtin_communes import write_commune_extents
    from planner.inputs.data_import import SourceData

    communes = pd.DataFrame(
        {"insee": ["76217", "2A004", "61001"], "extent_lat": [49.9229391, 41.9, float("nan")],
         "extent_lon": [1.0777712, 8.74, 0.1], "extent_km": [6.4321, 9.87, float("nan")]}
    )  # fmt: skip
    source = SourceData(communes, (), ())
    first = write_commune_extents(source, tmp_path / "a" / "extents.csv.gz")
    second = write_commune_extents(source, tmp_path / "b" / "extents.csv.gz")
    assert first.read_bytes() == second.read_bytes()
    extents = load_extents(first)
    assert extents is not None and extents.row == {"76217": 0, "2A004": 1}  # no outline: left out
    assert (
        list(extents.lat) == [49.92294, 41.9]
        and list(extents.lon) == [1.07777, 8.74]
        and list(extents.km) == [6.43, 9.87]
    )
