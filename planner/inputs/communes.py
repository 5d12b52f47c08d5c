"""communes.csv: the communes of a territory, their need indicators and where a unit parks.

See docs/formats.md for the columns. The need the planner weighs is unmet need, in people
(`need_of`): the real number of patients without a médecin traitant, or the care missing below the
zoning's APL threshold (`planner.inputs.need_indicators`), else the file's proxy, else the proxy computed
from the population and the distance to a town (`planner.inputs.need_proxy`); ``need_source`` says which.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from planner.domain.geo import chord_km, haversine_km, unit_vectors
from planner.domain.instance import Commune, Site
from planner.domain.limits import MAX_APL, MAX_POPULATION, MAX_TOWN_KM, normalise_identifier
from planner.inputs.fields import (
    DAYS_EXPECTED,
    FREQUENCY_EXPECTED,
    INSEE_EXPECTED,
    TIME_WINDOW_EXPECTED,
    check_in_france,
    fold,
    parse_bool,
    parse_days,
    parse_float,
    parse_frequency,
    parse_insee,
    parse_int,
    parse_latitude,
    parse_longitude,
    parse_time_window,
)
from planner.inputs.need_indicators import NEED_SOURCES, SOURCE_APL, SOURCE_PROXY, SOURCE_WITHOUT_GP, apl_need
from planner.inputs.need_proxy import DEFAULT_ASSUMPTIONS, need_proxy
from planner.inputs.tables import (
    Column,
    Problems,
    Row,
    Table,
    TableSource,
    check_columns,
    read_table,
    rows_of,
)

DEFAULT_FREQUENCY_BY_NEED = (1.0, 0.5, 0.25)

#: A commune farther than this from the median point of the others, and farther than `NEIGHBOUR_KM`
#: from every other commune of the file, has wrong coordinates, most likely. (A file of a whole
#: region or of all of France has communes far from its median point, but none alone: no town hall
#: of France is more than 100 km from the next one — Camopi, in French Guiana.)
OUTLIER_KM = 250.0
NEIGHBOUR_KM = 150.0

LAT_EXPECTED = "latitude en degrés décimaux (ex. 49.92)"
LON_EXPECTED = "longitude en degrés décimaux (ex. 1.08)"

COMMUNE_COLUMNS = {
    c.name: c
    for c in (
        Column("insee", True, INSEE_EXPECTED, identifier=True),
        Column("name", True, "le nom de la commune"),
        Column(
            "population",
            True,
            "population légale, nombre entier de 0 à " + f"{MAX_POPULATION:,}".replace(",", " ") + " (ex. 29080)",
        ),
        Column("lat", True, LAT_EXPECTED),
        Column("lon", True, LON_EXPECTED),
        Column("epci", True, "nom ou SIREN de l'intercommunalité", identifier=True),
        Column(
            "patients_without_gp", False, "nombre entier ≥ 0 de patients sans médecin traitant, au plus la population"
        ),
        Column(
            "need_proxy", False, "nombre ≥ 0 de personnes (substitut de patients_without_gp), au plus la population"
        ),
        Column("nearest_town_km", False, f"distance en km de 0 à {MAX_TOWN_KM:g} (ex. 12.5)"),
        Column("apl", False, f"APL, nombre de 0 à {MAX_APL:g} consultations par habitant et par an (ex. 2.3)"),
        Column("need_source", False, "apl, sans-medecin ou proxy ; vide : selon les colonnes remplies"),
        Column("priority", False, "1 ou 0, oui ou non, true ou false"),
        Column("visits_per_week", False, FREQUENCY_EXPECTED + " ; vide : selon le besoin"),
        Column("site_name", False, "le nom du lieu de stationnement ou de consultation"),
        Column("site_lat", False, LAT_EXPECTED),
        Column("site_lon", False, LON_EXPECTED),
        Column("site_days", False, DAYS_EXPECTED),
        Column("site_hours", False, TIME_WINDOW_EXPECTED),
        Column("location_source", False, "mairie ou polygon"),
    )
}


@dataclass(frozen=True)
class CommuneIndex:
    """The communes of a territory as the other files refer to them (by INSEE code or by name).

    ``codes`` holds every INSEE code read from the file, even of rows with other problems, so that
    other files are not blamed for a commune whose own row is wrong; ``communes`` holds the valid ones.
    """

    file: str
    codes: frozenset[str]
    communes: dict[str, Commune]
    names: dict[str, tuple[str, ...]]  # folded name -> INSEE codes

    @classmethod
    def of(
        cls, communes: Iterable[Commune], file: str = "communes.csv", rows: Iterable[tuple[str, str]] = ()
    ) -> CommuneIndex:
        """An index of valid ``communes`` plus the (code, name) of the file's other rows."""
        by_insee = {c.insee: c for c in communes}
        references = dict(rows) | {c.insee: c.name for c in by_insee.values()}
        names: dict[str, list[str]] = {}
        for code, name in references.items():
            if name:
                names.setdefault(fold(name), []).append(code)
        return cls(file, frozenset(references), by_insee, {k: tuple(v) for k, v in names.items()})

    def resolve(self, reference: str) -> tuple[str | None, str | None]:
        """(INSEE code, None) for a code or name of the territory, else (None, a French explanation)."""
        text = normalise_identifier(reference)
        if text.upper() in self.codes:
            return text.upper(), None
        matches = self.names.get(fold(text), ())
        if len(matches) == 1:
            return matches[0], None
        if len(matches) > 1:
            return None, f"« {text} » désigne plusieurs communes ({', '.join(matches)}) ; attendu : le code INSEE"
        return None, (
            f"« {text} » n'est pas une commune de {self.file} ; "
            "attendu : le code INSEE (ou le nom) d'une commune du territoire"
        )


def town_hall_name(commune_name: str) -> str:
    """``Mairie de Dieppe``, ``Mairie d'Eu``, ``Mairie du Tréport``, ``Mairie des Ifs``: the default site name."""
    for article, contraction in (("Le ", "du "), ("Les ", "des ")):
        if commune_name.startswith(article):
            return f"Mairie {contraction}{commune_name[len(article) :]}"
    if fold(commune_name[:1]) in tuple("aeiouy"):
        return f"Mairie d'{commune_name}"
    return f"Mairie de {commune_name}"


def need_of(
    population: int,
    patients: int | None = None,
    apl: float | None = None,
    proxy: float | None = None,
    town_km: float | None = None,
    declared: str = "",
) -> tuple[float, str]:
    """(need, source) of a commune: the figure ``declared`` (a `NEED_SOURCES` value), else the first
    known of the count of patients without a médecin traitant, the APL rule, the file's proxy, the
    proxy of the population and distance to a town (national share of residents without a doctor
    when the distance is unknown). Raises ValueError when ``declared`` names a figure not given."""
    if declared == SOURCE_WITHOUT_GP or (not declared and patients is not None):
        if patients is None:
            raise ValueError("patients_without_gp")
        return float(patients), SOURCE_WITHOUT_GP
    if declared == SOURCE_APL or (not declared and apl is not None):
        if apl is None:
            raise ValueError("apl")
        return apl_need(population, apl), SOURCE_APL
    if proxy is not None:
        return proxy, SOURCE_PROXY
    if town_km is not None:
        return float(need_proxy(population, town_km)), SOURCE_PROXY
    return population * DEFAULT_ASSUMPTIONS.share_without_gp, SOURCE_PROXY


def _read_row(row: Row) -> dict | None:
    """The fields of one commune row, before need-based frequencies; None when the row is wrong."""
    insee = row.get("insee", parse_insee)
    name = row.get("name", str)
    population = row.get("population", lambda t: parse_int(t, minimum=0, maximum=MAX_POPULATION))
    lat = row.get("lat", parse_latitude)
    lon = row.get("lon", parse_longitude)
    epci = row.get("epci", str)
    patients = row.get("patients_without_gp", lambda t: parse_int(t, minimum=0, maximum=MAX_POPULATION))
    proxy = row.get("need_proxy", lambda t: parse_float(t, minimum=0, maximum=MAX_POPULATION))
    nearest = row.get("nearest_town_km", lambda t: parse_float(t, minimum=0, maximum=MAX_TOWN_KM))
    apl = row.get("apl", lambda t: parse_float(t, minimum=0, maximum=MAX_APL))
    priority = row.get("priority", parse_bool, default=False)
    frequency = row.get("visits_per_week", parse_frequency)
    site_lat = row.get("site_lat", parse_latitude)
    site_lon = row.get("site_lon", parse_longitude)
    for column, value in (("patients_without_gp", patients), ("need_proxy", proxy)):
        if value is not None and population is not None and value > population:
            row.error(
                column,
                f"{value:g} personnes sans médecin pour {population} habitants ; "
                "attendu : au plus la population de la commune",
            )
    site_days = row.get("site_days", parse_days, default=frozenset(range(7)))
    site_hours = row.get("site_hours", parse_time_window)
    declared = fold(row.text("need_source"))
    if declared and declared not in NEED_SOURCES:
        expected = ", ".join(NEED_SOURCES)
        row.error("need_source", f"« {declared} » n'est pas une origine du besoin ; attendu : {expected}")
    source = row.text("location_source")
    if source and fold(source) not in ("mairie", "polygon"):
        row.error("location_source", f"« {source} » n'est pas une origine connue ; attendu : mairie ou polygon")

    for lat_col, lon_col, a, b in (("lat", "lon", lat, lon), ("site_lat", "site_lon", site_lat, site_lon)):
        if a is not None and b is not None:
            bad = check_in_france(a, b)
            if bad:
                column, error = bad
                row.error(lat_col if column == "lat" else lon_col, str(error))
    if (row.text("site_lat") == "") != (row.text("site_lon") == ""):
        missing = "site_lon" if row.text("site_lat") else "site_lat"
        row.error(missing, "valeur manquante ; attendu : site_lat et site_lon ensemble, ou aucun des deux")

    if not row.ok or insee is None or name is None or population is None or lat is None or lon is None or epci is None:
        return None
    if site_days is None:  # never: a bad cell made the row wrong
        return None
    try:
        need, need_source = need_of(population, patients, apl, proxy, nearest, declared)
    except ValueError as exc:
        row.error(str(exc.args[0]), f"valeur manquante ; attendu : un nombre, puisque need_source vaut « {declared} »")
        return None
    site = Site(
        id=insee,
        insee=insee,
        name=row.text("site_name") or town_hall_name(name),
        lat=site_lat if site_lat is not None else lat,
        lon=site_lon if site_lon is not None else lon,
        open_days=site_days,
        open_hours=site_hours,
    )
    fields = dict(
        insee=insee,
        name=name,
        population=population,
        lat=lat,
        lon=lon,
        epci=epci,
        site=site,
        need=need,
        need_is_proxy=need_source == SOURCE_PROXY,
        need_source=need_source,
        visits_per_week=frequency if frequency is not None else 0.0,
        priority=priority,
        patients_without_gp=patients,
        apl=apl,
        nearest_town_km=nearest,
        frequency_from_need=frequency is None,
    )
    return fields


def frequencies_from_need(communes: Sequence[Commune], frequency_by_need: Sequence[float]) -> tuple[Commune, ...]:
    """Give every commune marked ``frequency_from_need`` a frequency by its rank of need.

    Those communes are ranked (priority zones first, then need, highest first) and cut into
    ``len(frequency_by_need)`` groups of equal size; group ``k`` gets ``frequency_by_need[k]``.
    """
    groups = len(frequency_by_need)
    ranked = sorted((c for c in communes if c.frequency_from_need), key=lambda c: (not c.priority, -c.need, c.insee))
    frequency = {c.insee: frequency_by_need[rank * groups // len(ranked)] for rank, c in enumerate(ranked)}
    return tuple(replace(c, visits_per_week=frequency[c.insee]) if c.insee in frequency else c for c in communes)


def _check_outliers(found: list[tuple[int, Commune]], file: str, problems: Problems) -> None:
    """Report communes far from all the others: a town-hall point placed in the wrong place."""
    if len(found) < 3:
        return
    mid_lat = statistics.median(c.lat for _, c in found)
    mid_lon = statistics.median(c.lon for _, c in found)
    far = [(number, c, km) for number, c in found if (km := haversine_km(c.lat, c.lon, mid_lat, mid_lon)) > OUTLIER_KM]
    if not far:
        return
    import numpy as np  # only when some commune is far from the centre: reading files stays quick
    from scipy.spatial import cKDTree

    tree = cKDTree(unit_vectors(np.array([c.lat for _, c in found]), np.array([c.lon for _, c in found])))
    chords, _ = tree.query(
        unit_vectors(np.array([c.lat for _, c, _ in far]), np.array([c.lon for _, c, _ in far])), k=2
    )
    for (number, c, km), neighbour_km in zip(far, chord_km(np.asarray(chords)[:, 1])):
        if neighbour_km <= NEIGHBOUR_KM:
            continue
        problems.add(
            file,
            number,
            "lat",
            f"le point (lat {c.lat:g}, lon {c.lon:g}) de {c.name} est à {km:.0f} km du centre du territoire "
            f"et à plus de {NEIGHBOUR_KM:.0f} km de toute autre commune (coordonnées erronées ?) ; "
            f"attendu : le point de la mairie, près des autres communes",
        )


def read_communes(
    table: Table | None, problems: Problems, frequency_by_need: Sequence[float] = DEFAULT_FREQUENCY_BY_NEED
) -> tuple[tuple[Commune, ...], CommuneIndex | None]:
    """The valid communes of a table and an index of its codes; problems are added, not raised.

    The index is None when the table could not be read or lacks the ``insee`` column: other files
    cannot be checked against it.
    """
    if table is None:
        return (), None
    missing = check_columns(table, COMMUNE_COLUMNS, problems)
    found: list[tuple[int, Commune]] = []
    first_row: dict[str, int] = {}
    references: list[tuple[str, str]] = []
    for row in rows_of(table, COMMUNE_COLUMNS, problems):
        code = row.text("insee").strip().upper()
        if code in first_row:
            row.error(
                "insee",
                f"code INSEE « {code} » déjà utilisé ligne {first_row[code]} ; attendu : un code unique par commune",
            )
        elif code:
            first_row[code] = row.number
            references.append((code, row.text("name")))
        result = _read_row(row)
        if result is not None and row.ok:
            found.append((row.number, Commune(**result)))
    if not table.rows:
        problems.add(table.file, 2, None, "aucune commune ; attendu : une ligne par commune sous l'en-tête")
    _check_outliers(found, table.file, problems)
    communes = frequencies_from_need([c for _, c in found], frequency_by_need or DEFAULT_FREQUENCY_BY_NEED)
    index = None if "insee" in missing else CommuneIndex.of(communes, table.file, references)
    return communes, index


def parse_communes(
    source: TableSource,
    filename: str = "communes.csv",
    *,
    frequency_by_need: Sequence[float] = DEFAULT_FREQUENCY_BY_NEED,
) -> tuple[Commune, ...]:
    """Communes from CSV text, bytes (an upload) or a DataFrame; raises `InputError` with every problem.

    ``filename`` is the name shown in the problems.
    """
    problems = Problems()
    communes, _ = read_communes(read_table(source, filename, problems), problems, frequency_by_need)
    problems.raise_if_any()
    return communes
