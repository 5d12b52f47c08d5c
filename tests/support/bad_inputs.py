"""The corpus of bad inputs a careless user gives the command line: one `Case` per input.

Each case is a command line (``{T}`` a copy of the demo territory, ``{P}`` a plan.json of it, ``{F}`` a
file, ``{D}`` a scratch folder), how to prepare those files, and a fragment of the French refusal the
command must print. `tests/cli/test_bad_inputs.py` runs them all.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from planner.inputs.territory import data_dir

DEMO = "medicobus-dieppe"
Setup = Callable[[Path, Path], None]  # (scratch folder, a valid plan.json of the demo)


@dataclass(frozen=True)
class Case:
    argv: tuple[str, ...]
    fragment: str
    setup: Setup | None = None


def demo_copy(tmp: Path) -> Path:
    folder = tmp / "t"
    if not folder.exists():
        folder.mkdir()
        root = data_dir()
        shutil.copy(root / "communes" / f"{DEMO}.csv", folder / "communes.csv")
        shutil.copy(root / "roster" / f"{DEMO}.csv", folder / "roster.csv")
        shutil.copy(root / "scenarios" / f"{DEMO}.toml", folder / "scenario.toml")
    return folder


def edit(file: str, old: str, new: str) -> Setup:
    """The demo territory with ``old`` replaced by ``new`` (once) in one of its files."""

    def setup(tmp: Path, _plan: Path) -> None:
        path = demo_copy(tmp) / file
        text = path.read_text(encoding="utf-8")
        assert old in text, (file, old)
        path.write_bytes(text.replace(old, new, 1).encode("utf-8"))

    return setup


def whole(file: str, data: bytes | str) -> Setup:
    """The demo territory with one of its files replaced by ``data``."""

    def setup(tmp: Path, _plan: Path) -> None:
        path = demo_copy(tmp) / file
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return setup


def communes(old: str, new: str) -> Setup:
    return edit("communes.csv", old, new)


def roster(old: str, new: str) -> Setup:
    return edit("roster.csv", old, new)


def scenario(old: str, new: str) -> Setup:
    return edit("scenario.toml", old, new)


def added_to_scenario(text: str) -> Setup:
    def setup(tmp: Path, _plan: Path) -> None:
        path = demo_copy(tmp) / "scenario.toml"
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return setup


def file(data: bytes | str, name: str = "f") -> Setup:
    """``{F}`` (or ``{D}/name``) holding ``data``."""

    def setup(tmp: Path, _plan: Path) -> None:
        (tmp / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return setup


def folder(name: str) -> Setup:
    def setup(tmp: Path, _plan: Path) -> None:
        (tmp / name).mkdir(parents=True)

    return setup


def plan_file(change: Callable[[dict], object] | bytes | str) -> Setup:
    """``{P}``: the demo's plan.json changed by ``change`` (a function of its data), or raw content."""

    def setup(tmp: Path, plan: Path) -> None:
        if isinstance(change, (bytes, str)):
            data = change.encode("utf-8") if isinstance(change, str) else change
        else:
            content = json.loads(plan.read_text(encoding="utf-8"))
            content = change(content) or content
            data = json.dumps(content, allow_nan=True).encode("utf-8")
        (tmp / "p.json").write_bytes(data)

    return setup


def good_plan(tmp: Path, plan: Path) -> None:
    shutil.copy(plan, tmp / "p.json")


def both(*setups: Setup) -> Setup:
    def setup(tmp: Path, plan: Path) -> None:
        for one in setups:
            one(tmp, plan)

    return setup


def workspace_db(data: bytes | None = None, sql: str | None = None) -> Setup:
    """``{D}/ws/tournee.sqlite`` holding garbage bytes or a SQLite database of another program."""

    def setup(tmp: Path, _plan: Path) -> None:
        (tmp / "ws").mkdir()
        path = tmp / "ws" / "tournee.sqlite"
        if data is not None:
            path.write_bytes(data)
        if sql is not None:
            with sqlite3.connect(path) as conn:
                conn.executescript(sql)

    return setup


def nested_toml(depth: int) -> str:
    return "x = " + "[" * depth + "]" * depth + "\n"


def rows(count: int) -> str:
    header = "insee,name,population,lat,lon,epci\n"
    return header + "".join(f"{76000 + i % 999:05d},C{i},10,49.9,1.1,E\n" for i in range(count))


def set_path(path: tuple, value: object) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


ROW = "76008,Ancourt,653,49.9091,1.17938"


def _ancourt_need_cells() -> str:
    """Ancourt's ``need_proxy,nearest_town_km`` cells in the demo file, as the proxy's assumptions made them."""
    for line in (data_dir() / "communes" / f"{DEMO}.csv").read_text(encoding="utf-8").splitlines():
        if line.startswith("76008,"):
            return ",".join(line.split(",")[7:9])
    raise AssertionError("Ancourt is no longer in the demo territory")


NEED_CELLS = _ancourt_need_cells()
PROXY = NEED_CELLS.split(",")[0]
PERSON = 'm01,Dr A. Martin (exemple),medecin,"lun,mar",,2,6,2'
REPLAN = ("replan", "{T}", "--plan", "{P}", "--today", "2026-11-30", "--out", "{D}/out")
GARBAGE = bytes(range(256)) * 8

CASES: dict[str, Case] = {
    # --- command-line arguments -----------------------------------------------------------------
    "weeks-not-a-number": Case(("plan", "--weeks", "abc"), "--weeks : « abc » n'est pas un nombre entier positif"),
    "weeks-zero": Case(("plan", "--weeks", "0"), "« 0 » n'est pas un nombre entier positif"),
    "weeks-negative": Case(("plan", "--weeks", "-3"), "« -3 » n'est pas un nombre entier positif"),
    "weeks-decimal": Case(("plan", "--weeks", "1.5"), "« 1.5 » n'est pas un nombre entier positif"),
    "weeks-10000": Case(("plan", "--weeks", "10000"), "au plus 104 semaines"),
    "weeks-no-value": Case(("plan", "--weeks"), "--weeks : une valeur est attendue"),
    "start-not-a-date": Case(("plan", "--start", "abc"), "--start : « abc » n'est pas une date AAAA-MM-JJ"),
    "start-february-30": Case(("plan", "--start", "2026-02-30"), "« 2026-02-30 » n'est pas une date du calendrier"),
    "start-1900": Case(("plan", "--start", "1900-01-01"), "hors des années 2000 à 2100"),
    "start-2200": Case(("plan", "--start", "2200-01-05"), "hors des années 2000 à 2100"),
    "start-9999": Case(("plan", "--start", "9999-12-31"), "la date 9999-12-31 est hors des années 2000 à 2100"),
    "start-horizon-past-2100": Case(
        ("plan", "--start", "2100-12-27", "--weeks", "4"), "l'horizon finirait le 2101-01-23, après 2100"
    ),
    "start-compact": Case(("plan", "--start", "20261207"), "n'est pas une date AAAA-MM-JJ"),
    "time-limit-negative": Case(("plan", "--time-limit", "-5"), "--time-limit : -5 s est hors de 0 (exclu) à 3600 s"),
    "time-limit-nan": Case(("plan", "--time-limit", "nan"), "« nan » n'est pas un nombre fini de secondes"),
    "time-limit-inf": Case(("plan", "--time-limit", "inf"), "« inf » n'est pas un nombre fini de secondes"),
    "time-limit-zero": Case(("plan", "--time-limit", "0"), "0 s est hors de 0 (exclu)"),
    "time-limit-huge": Case(("plan", "--time-limit", "1e9"), "hors de 0 (exclu) à 3600 s"),
    "time-limit-text": Case(("plan", "--time-limit", "vite"), "« vite » n'est pas un nombre de secondes"),
    "seed-negative": Case(("plan", "--seed", "-1"), "--seed : « -1 » n'est pas une graine valable"),
    "seed-too-big": Case(("plan", "--seed", "99999999999"), "n'est pas une graine valable"),
    "seed-text": Case(("plan", "--seed", "abc"), "n'est pas une graine valable"),
    "method-unknown": Case(
        ("plan", "--method", "x"), "--method : choix invalide « x » ; attendu : un de cp-sat, greedy"
    ),
    "option-unknown": Case(("plan", "--bogus"), "arguments non reconnus : --bogus"),
    "command-unknown": Case(("frobnicate",), "COMMANDE : choix invalide « frobnicate »"),
    "option-ambiguous": Case(("replan", "--t", "3"), "option ambiguë : --t peut désigner"),
    "out-is-a-file": Case(("plan", "--out", "{F}"), "est un fichier ; attendu : un dossier", file("x")),
    "out-below-a-file": Case(("plan", "--out", "{F}/sous"), "est un fichier, pas un dossier", file("x")),
    "territory-unknown": Case(("plan", "nulle-part"), "territoire « nulle-part » introuvable"),
    "territory-empty-folder": Case(("check", "{D}/vide"), "ne contient pas communes.csv", folder("vide")),
    "territory-control-character": Case(("check", "a\x1b[31mb"), "n'est pas un chemin utilisable"),
    "territory-files-are-folders": Case(
        ("check", "{D}/x"),
        "ne contient pas communes.csv, roster.csv, scenario.toml",
        both(folder("x/communes.csv"), folder("x/roster.csv"), folder("x/scenario.toml")),
    ),
    "roads-unknown-choice": Case(
        ("plan", "--roads", "nowhere.graphml"), "choix de trajets inconnu : « nowhere.graphml »"
    ),
    "options-missing": Case(("plan", "--options", "{D}/absent.toml"), "lecture impossible"),
    "data-without-action": Case(("data",), "arguments obligatoires manquants : ACTION"),
    "roads-without-action": Case(("roads",), "arguments obligatoires manquants : ACTION"),
    "margin-not-a-number": Case(("roads", "fetch", DEMO, "--margin-km", "abc"), "« abc » n'est pas un nombre de km"),
    "margin-too-big": Case(("roads", "fetch", DEMO, "--margin-km", "100"), "une marge entre 0 et 50 km est attendue"),
    "margin-nan": Case(("roads", "fetch", DEMO, "--margin-km", "nan"), "une marge entre 0 et 50 km est attendue"),
    "diff-one-version": Case(("diff", "1"), "arguments obligatoires manquants : v2"),
    "diff-version-zero": Case(("diff", "0", "1"), "v1 : « 0 » n'est pas un nombre entier positif"),
    "diff-version-huge": Case(("diff", "1", "99999999999999999999999"), "v2 : « 99999999999999999999999 » n'est pas"),
    "base-url-not-web": Case(
        ("publish", "{P}", "--base-url", "javascript:alert(1)"), "n'est pas une adresse web", good_plan
    ),
    "note-with-newline": Case(("publish", "{P}", "--note", "a\nb"), "caractère interdit U+000A", good_plan),
    "import-name-path": Case(
        ("data", "import", "--departement", "76", "--name", "../x"), "n'est pas un nom de fichier simple"
    ),
    "replan-without-plan": Case(("replan",), "donnez --plan plan.json ou --version N"),
    "import-without-name": Case(("data", "import", "--departement", "76"), "arguments obligatoires manquants : --name"),
    "replan-today-not-a-date": Case(
        ("replan", "--plan", "p.json", "--today", "abc"), "--today : « abc » n'est pas une date"
    ),
    "replan-today-month-13": Case(
        ("replan", "--plan", "p.json", "--today", "2026-13-01"), "n'est pas une date du calendrier"
    ),
    "replan-time-limit-nan": Case(("replan", "--plan", "p.json", "--time-limit", "nan"), "n'est pas un nombre fini"),
    "replan-no-change": Case(REPLAN, "Aucun changement donné", good_plan),
    # --- communes.csv ---------------------------------------------------------------------------
    "commune-name-nul": Case(
        ("check", "{T}"), "colonne « name » : caractère interdit U+0000 (NUL)", communes("Ancourt", "Anc\x00ourt")
    ),
    "commune-name-crlf": Case(("check", "{T}"), "caractère interdit U+000D", communes(",Ancourt,", ',"Anc\r\nourt",')),
    "commune-name-lf": Case(("check", "{T}"), "caractère interdit U+000A", communes(",Ancourt,", ',"Anc\nourt",')),
    "commune-name-tab": Case(
        ("check", "{T}"), "caractère interdit U+0009 (tabulation)", communes("Ancourt", "Anc\tourt")
    ),
    "commune-name-rtl-override": Case(
        ("check", "{T}"), "U+202E (RIGHT-TO-LEFT OVERRIDE)", communes("Ancourt", "Anc\u202eourt")
    ),
    "commune-name-isolate": Case(("check", "{T}"), "U+2066", communes("Ancourt", "\u2066Ancourt")),
    "commune-name-c1": Case(("check", "{T}"), "U+0085", communes("Ancourt", "Anc\u0085ourt")),
    "commune-name-del": Case(("check", "{T}"), "U+007F", communes("Ancourt", "Anc\x7fourt")),
    "commune-name-line-separator": Case(("check", "{T}"), "U+2028", communes("Ancourt", "Anc\u2028ourt")),
    "commune-epci-escape": Case(
        ("check", "{T}"), "colonne « epci » : caractère interdit U+001B", communes(",Communauté", ",\x1b[2JCommunauté")
    ),
    "commune-cell-1-mb": Case(("check", "{T}"), "cellule trop longue", communes("Ancourt", "A" * 1_000_000)),
    "commune-cell-20k": Case(
        ("check", "{T}"), "cellule trop longue (20\u202f000 caractères)", communes("Ancourt", "A" * 20_000)
    ),
    "population-1e30": Case(
        ("check", "{T}"), "« 1e30 » dépasse 3000000", communes(ROW, "76008,Ancourt,1e30,49.9091,1.17938")
    ),
    "population-negative": Case(
        ("check", "{T}"), "« -5 » est négatif", communes(ROW, "76008,Ancourt,-5,49.9091,1.17938")
    ),
    "population-decimal": Case(
        ("check", "{T}"), "« 2.5 » n'est pas un nombre entier", communes(ROW, "76008,Ancourt,2.5,49.9091,1.17938")
    ),
    "need-above-population": Case(
        ("check", "{T}"),
        "personnes sans médecin pour 653 habitants",
        communes(f"247600786,{PROXY},", "247600786,9999,"),
    ),
    "latitude-95": Case(("check", "{T}"), "« 95 » dépasse 90", communes(ROW, "76008,Ancourt,653,95,1.17938")),
    "latitude-nan": Case(
        ("check", "{T}"), "« nan » n'est pas un nombre fini", communes(ROW, "76008,Ancourt,653,nan,1.17938")
    ),
    "longitude-inf": Case(
        ("check", "{T}"), "« inf » n'est pas un nombre fini", communes(ROW, "76008,Ancourt,653,49.9091,inf")
    ),
    "latitude-1e400": Case(
        ("check", "{T}"), "n'est pas un nombre fini", communes(ROW, "76008,Ancourt,653,1e400,1.17938")
    ),
    "latitude-outside-france": Case(
        ("check", "{T}"), "hors de France", communes(ROW, "76008,Ancourt,653,30.0,1.17938")
    ),
    "nearest-town-5000-km": Case(
        ("check", "{T}"), "« 5000 » dépasse 1000", communes(f"{NEED_CELLS},", f"{PROXY},5000,")
    ),
    "frequency-8": Case(("check", "{T}"), "hors de 0 à 7", communes(f"{NEED_CELLS},0,0,", f"{NEED_CELLS},0,8,")),
    "header-nul": Case(
        ("check", "{T}"), "en-tête : caractère interdit U+0000", communes("insee,name", "insee,na\x00me")
    ),
    "header-duplicate": Case(("check", "{T}"), "colonne en double", communes("epci_siren", "epci")),
    "header-missing-column": Case(
        ("check", "{T}"), "colonne obligatoire absente", communes(",population,", ",habitants,")
    ),
    "unprotected-comma": Case(("check", "{T}"), "valeurs pour 12 colonnes", communes(",Ancourt,", ",Anc,ourt,")),
    "communes-empty": Case(("check", "{T}"), "fichier vide", whole("communes.csv", "")),
    "communes-garbage-bytes": Case(
        ("check", "{T}"), "communes.csv, ligne 1 : en-tête : caractère interdit U+0000", whole("communes.csv", GARBAGE)
    ),
    "communes-too-many-rows": Case(
        ("check", "{T}"), "trop de lignes (plus de 50000)", whole("communes.csv", rows(50_001))
    ),
    "communes-too-big": Case(
        ("check", "{T}"), "fichier trop volumineux", whole("communes.csv", "insee\n" + "1" * 17_000_000)
    ),
    # --- roster.csv -----------------------------------------------------------------------------
    "staff-name-nul": Case(
        ("check", "{T}"),
        "roster.csv, ligne 2, colonne « name » : caractère interdit U+0000",
        roster("Dr A. Martin", "Dr A.\x00Martin"),
    ),
    "staff-id-newline": Case(
        ("check", "{T}"), "colonne « id » : caractère interdit U+000A", roster("m01,", '"m\n01",')
    ),
    "staff-name-bidi": Case(("check", "{T}"), "U+202D", roster("Dr A. Martin", "Dr A. \u202dMartin")),
    "dates-off-1900": Case(
        ("check", "{T}"),
        "la date 1900-01-01 est hors des années 2000 à 2100",
        roster(PERSON, PERSON.replace('",,2', '",1900-01-01,2')),
    ),
    "dates-off-9999": Case(
        ("check", "{T}"), "hors des années 2000 à 2100", roster(PERSON, PERSON.replace('",,2', '",9999-12-31,2'))
    ),
    "dates-off-whole-ages": Case(
        ("check", "{T}"), "hors des années", roster(PERSON, PERSON.replace('",,2', '",0001-01-01..9999-12-31,2'))
    ),
    "dates-off-february-30": Case(
        ("check", "{T}"), "n'est pas une date du calendrier", roster(PERSON, PERSON.replace('",,2', '",2027-02-30,2'))
    ),
    "dates-off-reversed": Case(
        ("check", "{T}"),
        "se termine avant de commencer",
        roster(PERSON, PERSON.replace('",,2', '",2027-01-10..2027-01-01,2')),
    ),
    "shifts-per-week-8": Case(("check", "{T}"), "« 8 » dépasse 7", roster(PERSON, PERSON.replace(",2,6,2", ",8,6,2"))),
    "shifts-per-month-1e30": Case(
        ("check", "{T}"), "« 1e30 » dépasse 31", roster(PERSON, PERSON.replace(",2,6,2", ",2,1e30,2"))
    ),
    "shifts-min-above-max": Case(
        ("check", "{T}"),
        "min_shifts_per_month ≤ max_shifts_per_month",
        roster(PERSON, PERSON.replace(",2,6,2", ",2,6,9")),
    ),
    "role-unknown": Case(
        ("check", "{T}"), "« pilote » n'est pas un rôle connu", roster("(exemple),medecin,", "(exemple),pilote,")
    ),
    "availability-empty": Case(
        ("check", "{T}"), "colonne « availability » : valeur manquante", roster('medecin,"lun,mar"', "medecin,")
    ),
    "preferred-commune-bidi": Case(
        ("check", "{T}"), "colonne « preferred_communes » : caractère interdit", roster(",76652,", ",76652\u202e,")
    ),
    "roster-garbage-bytes": Case(
        ("check", "{T}"), "roster.csv, ligne 1 : en-tête : caractère interdit U+0000", whole("roster.csv", GARBAGE)
    ),
    # --- scenario.toml --------------------------------------------------------------------------
    "scenario-weeks-10000": Case(
        ("check", "{T}"), "10000 semaines dépassent la limite de 104", scenario("weeks = 4", "weeks = 10000")
    ),
    "scenario-weeks-zero": Case(("check", "{T}"), "0 est nul ou négatif", scenario("weeks = 4", "weeks = 0")),
    "scenario-weeks-text": Case(
        ("check", "{T}"), "« abc » n'est pas un nombre entier", scenario("weeks = 4", 'weeks = "abc"')
    ),
    "scenario-weeks-int64": Case(
        ("check", "{T}"), "dépassent la limite de 104", scenario("weeks = 4", "weeks = 9223372036854775807")
    ),
    "scenario-start-9999": Case(
        ("check", "{T}"), "la date 9999-12-31 est hors des années", scenario("start = 2026-11-30", "start = 9999-12-31")
    ),
    "scenario-horizon-past-2100": Case(
        ("check", "{T}"), "l'horizon finirait le 2101-01-23", scenario("start = 2026-11-30", "start = 2100-12-27")
    ),
    "scenario-start-1900": Case(
        ("check", "{T}"), "hors des années 2000 à 2100", scenario("start = 2026-11-30", "start = 1900-01-01")
    ),
    "scenario-start-2200": Case(
        ("check", "{T}"), "hors des années 2000 à 2100", scenario("start = 2026-11-30", "start = 2200-01-01")
    ),
    "scenario-start-text": Case(
        ("check", "{T}"), "« bientôt » n'est pas une date", scenario("start = 2026-11-30", 'start = "bientôt"')
    ),
    "scenario-closures-all-ages": Case(
        ("check", "{T}"),
        "hors des années 2000 à 2100",
        scenario(
            "max_drive_between_sessions = 30", 'max_drive_between_sessions = 30\nclosures = ["0001-01-01..9999-12-31"]'
        ),
    ),
    "scenario-closures-too-many": Case(
        ("check", "{T}"),
        "liste de 6000 éléments",
        scenario(
            "max_drive_between_sessions = 30",
            "max_drive_between_sessions = 30\nclosures = [" + ", ".join(["2026-12-01"] * 6000) + "]",
        ),
    ),
    "scenario-name-nul": Case(
        ("check", "{T}"),
        "colonne « name » : caractère interdit U+0000",
        scenario('name = "Médicobus', 'name = "\\u0000Médicobus'),
    ),
    "scenario-name-rtl": Case(("check", "{T}"), "U+202E", scenario('name = "Médicobus', 'name = "\\u202eMédicobus')),
    "scenario-source-newline": Case(
        ("check", "{T}"),
        "colonne « source » : caractère interdit U+000A",
        scenario("Équipe : personnes fictives.", "Équipe :\npersonnes fictives."),
    ),
    "scenario-unit-id-tab": Case(
        ("check", "{T}"),
        "colonne « units.id » : caractère interdit U+0009",
        scenario('id = "medicobus"', 'id = "medi\\tcobus"'),
    ),
    "scenario-key-control": Case(
        ("check", "{T}"), "nom de clé : caractère interdit U+0007", scenario("rooms = 1", '"ro\\u0007oms" = 1')
    ),
    "scenario-nested-100000": Case(
        ("check", "{T}"), "imbriquées trop profondément", whole("scenario.toml", nested_toml(100_000))
    ),
    "scenario-nested-40": Case(
        ("check", "{T}"), "imbrication trop profonde", added_to_scenario("\n[extra]\n" + nested_toml(40))
    ),
    "scenario-not-toml": Case(("check", "{T}"), "syntaxe TOML invalide", whole("scenario.toml", "[[[ pas du TOML")),
    "scenario-too-big": Case(
        ("check", "{T}"), "fichier trop volumineux", whole("scenario.toml", "# " + "x" * 1_100_000)
    ),
    "scenario-garbage-bytes": Case(
        ("check", "{T}"), "scenario.toml, ligne 1 : syntaxe TOML invalide", whole("scenario.toml", GARBAGE)
    ),
    "depot-latitude-nan": Case(
        ("check", "{T}"),
        "« nan » n'est pas un nombre fini",
        scenario('depot = "76217"      # Dieppe', "depot_lat = nan\ndepot_lon = 1.08"),
    ),
    "sessions-per-day-13": Case(
        ("check", "{T}"), "13 est hors de 1 à 12", scenario("sessions_per_day = 2", "sessions_per_day = 13")
    ),
    "rooms-101": Case(("check", "{T}"), "101 est hors de 1 à 100", scenario("rooms = 1", "rooms = 101")),
    "crew-51-doctors": Case(("check", "{T}"), "51 est hors de 0 à 50", scenario("doctor = 1,", "doctor = 51,")),
    "scenario-unknown-key": Case(
        ("check", "{T}"), "clé inconnue « colour »", scenario("rooms = 1", 'rooms = 1\ncolour = "bleu"')
    ),
    "need-tolerance-51": Case(
        ("check", "{T}"),
        "51 est hors de 0 à 50",
        scenario("min_gap_days = 2", "min_gap_days = 2\nneed_tolerance_percent = 51"),
    ),
    "holiday-subdivision-unknown": Case(
        ("check", "{T}"),
        "« XX » n'est pas une subdivision connue",
        scenario("public_holidays = true", 'public_holidays = true\nholiday_subdivision = "XX"'),
    ),
    "weight-negative": Case(
        ("check", "{T}"), "-1 est hors de 0 à 1000000", added_to_scenario("\n[weights]\nneed = -1\n")
    ),
    "units-101": Case(
        ("check", "{T}"),
        "101 unités ; attendu : au plus 100",
        added_to_scenario(
            "".join(
                f'\n[[units]]\nid = "u{i}"\nhours = "08:00-17:00"\ncrew = {{ doctor = 1 }}\ndepot = "76217"\n'
                for i in range(100)
            )
        ),
    ),
    # --- plan.json (replan, publish) ------------------------------------------------------------
    "plan-not-utf8": Case(
        (*REPLAN, "--unavailable", "m01:2026-12-01"), "n'est pas du texte UTF-8", plan_file(b'{"schema": "\xff\xfe"}')
    ),
    "plan-nested-100000": Case(
        (*REPLAN, "--unavailable", "m01:2026-12-01"), "JSON imbriqué trop profondément", plan_file("[" * 100_000)
    ),
    "plan-nan": Case(
        (*REPLAN, "--unavailable", "m01:2026-12-01"),
        "NaN n'est pas un nombre JSON",
        plan_file(set_path(("solver_seconds",), float("nan"))),
    ),
    "plan-weeks-100000": Case(
        (*REPLAN, "--unavailable", "m01:2026-12-01"),
        "100000 semaines ; attendu : de 1 à 104",
        plan_file(set_path(("weeks",), 100_000)),
    ),
    "plan-start-1900": Case(
        (*REPLAN, "--unavailable", "m01:2026-12-01"),
        "la date 1900-01-01 est hors des années",
        plan_file(set_path(("start",), "1900-01-01")),
    ),
    "plan-not-json": Case((*REPLAN, "--unavailable", "m01:2026-12-01"), "JSON invalide", plan_file("{pas du json")),
    "plan-empty": Case((*REPLAN, "--unavailable", "m01:2026-12-01"), "JSON invalide", plan_file("")),
    "plan-a-list": Case((*REPLAN, "--unavailable", "m01:2026-12-01"), "ne contient pas un plan", plan_file("[]")),
    "plan-other-schema": Case(
        (*REPLAN, "--unavailable", "m01:2026-12-01"), "n'est pas un plan Tournée", plan_file('{"schema": "autre"}')
    ),
    "plan-tour-february-30": Case(
        (*REPLAN, "--unavailable", "m01:2026-12-01"),
        "date « 2026-02-30 » invalide",
        plan_file(set_path(("tours", 0, "date"), "2026-02-30")),
    ),
    "plan-name-nul": Case(
        (*REPLAN, "--unavailable", "m01:2026-12-01"),
        "plan.instance » : caractère interdit U+0000",
        plan_file(set_path(("instance",), "a\x00b")),
    ),
    "plan-drive-1e999": Case(
        (*REPLAN, "--unavailable", "m01:2026-12-01"),
        "un nombre fini est attendu",
        plan_file(
            '{"schema": "tournee.plan/1", "instance": "x", "start": "2026-11-30", "weeks": 1, "solver_seconds": 1e999}'
        ),
    ),
    "plan-is-a-folder": Case((*REPLAN, "--unavailable", "m01:2026-12-01"), "lecture impossible", folder("p.json")),
    "plan-missing": Case((*REPLAN, "--unavailable", "m01:2026-12-01"), "fichier ou dossier introuvable"),
    "plan-unknown-unit": Case(
        (*REPLAN, "--unavailable", "m01:2026-12-01"),
        "unité « fantome » du plan absente du territoire",
        plan_file(set_path(("tours", 0, "unit"), "fantome")),
    ),
    "publish-plan-not-utf8": Case(
        ("publish", "{P}", "--workspace", "{D}/ws"), "n'est pas du texte UTF-8", plan_file(b"\xff\xfe\x00")
    ),
    # --- re-planning changes ----------------------------------------------------------------------
    "change-not-a-date": Case(
        (*REPLAN, "--unavailable", "m01:abc"), "« abc » n'est pas une date AAAA-MM-JJ", good_plan
    ),
    "change-unknown-person": Case(
        (*REPLAN, "--unavailable", "personne:2026-12-07"), "personne « personne » inconnue", good_plan
    ),
    "change-unknown-commune": Case((*REPLAN, "--closed", "99999:2026-12-07"), "commune « 99999 » inconnue", good_plan),
    "change-year-1900": Case((*REPLAN, "--unavailable", "m01:1900-01-01"), "hors des années 2000 à 2100", good_plan),
    "change-reversed": Case(
        (*REPLAN, "--out-of-service", "medicobus:2026-12-10..2026-12-01"),
        "la période finit avant de commencer",
        good_plan,
    ),
    "change-without-dates": Case((*REPLAN, "--unavailable", "m01"), "format attendu IDENTIFIANT:AAAA-MM-JJ", good_plan),
    "change-escape-in-id": Case(
        (*REPLAN, "--unavailable", "m\x1b[31m01:2026-12-07"), "personne « m\\x1b[31m01 » inconnue", good_plan
    ),
    # --- road files -------------------------------------------------------------------------------
    "roads-garbage-graphml": Case(
        ("plan", "{T}", "--roads", "{D}/r.graphml"), "fichier de réseau routier illisible", file(GARBAGE, "r.graphml")
    ),
    "roads-empty-graphml": Case(
        ("plan", "{T}", "--roads", "{D}/r.graphml"), "fichier de réseau routier illisible", file(b"", "r.graphml")
    ),
    "roads-xml-not-graphml": Case(
        ("plan", "{T}", "--roads", "{D}/r.graphml"),
        "fichier de réseau routier illisible",
        file("<a><b/></a>", "r.graphml"),
    ),
    "roads-garbage-osm": Case(
        ("plan", "{T}", "--roads", "{D}/r.osm"), "fichier de réseau routier illisible", file(GARBAGE, "r.osm")
    ),
    "roads-garbage-osm-bz2": Case(
        ("plan", "{T}", "--roads", "{D}/r.osm.bz2"), "fichier de réseau routier illisible", file(GARBAGE, "r.osm.bz2")
    ),
    "roads-osm-without-roads": Case(
        ("plan", "{T}", "--roads", "{D}/r.osm"),
        "aucune route carrossable",
        file("<osm><node id='1' lat='49.9' lon='1.1'/></osm>", "r.osm"),
    ),
    "roads-unknown-format": Case(
        ("plan", "{T}", "--roads", "{D}/r.txt"), "format de réseau routier inconnu", file("x", "r.txt")
    ),
    # --- workspaces -------------------------------------------------------------------------------
    "workspace-garbage-db": Case(
        ("history", "--workspace", "{D}/ws"), "n'est pas un espace de travail Tournée", workspace_db(GARBAGE)
    ),
    "workspace-zeros-db": Case(
        ("history", "--workspace", "{D}/ws"), "n'est pas un espace de travail Tournée", workspace_db(b"\x00" * 4096)
    ),
    "workspace-other-sqlite": Case(
        ("history", "--workspace", "{D}/ws"),
        "n'est pas un espace de travail Tournée",
        workspace_db(sql="CREATE TABLE meta (a, b);"),
    ),
    "workspace-is-a-file": Case(("history", "--workspace", "{F}"), "est un fichier ; attendu : un dossier", file("x")),
    "workspace-sqlite-garbage": Case(
        ("history", "--workspace", "{D}/w.sqlite"), "n'est pas un espace de travail Tournée", file(GARBAGE, "w.sqlite")
    ),
    "workspace-diff-missing-version": Case(
        ("diff", "1", "2", "--workspace", "{D}/ws"), "la version 1 n'existe pas", folder("ws")
    ),
    "feeds-garbage-db": Case(
        ("feeds", "--workspace", "{D}/ws"), "n'est pas un espace de travail Tournée", workspace_db(GARBAGE)
    ),
    "publish-garbage-db": Case(
        ("publish", "{P}", "--workspace", "{D}/ws"),
        "n'est pas un espace de travail Tournée",
        both(good_plan, workspace_db(GARBAGE)),
    ),
    # --- solver options file ----------------------------------------------------------------------
    "options-nested": Case(("plan", "--options", "{F}"), "imbriqué trop profondément", file(nested_toml(100_000))),
    "options-nan": Case(
        ("plan", "--options", "{F}"),
        "« nan » n'est pas un nombre fini de secondes",
        file("[solver]\ntime_limit = nan\n"),
    ),
    "options-text": Case(
        ("plan", "--options", "{F}"),
        "« vite » n'est pas un nombre de secondes",
        file('[solver]\ntime_limit = "vite"\n'),
    ),
    "options-seed-negative": Case(
        ("plan", "--options", "{F}"), "attendu : un nombre entier de 0 à 2147483647", file("[solver]\nseed = -1\n")
    ),
    "options-unknown": Case(("plan", "--options", "{F}"), "options inconnues", file("[solver]\nspeed = 3\n")),
    "options-not-utf8": Case(("plan", "--options", "{F}"), "fichier TOML invalide", file(b"[solver]\nseed = \xff\n")),
}
