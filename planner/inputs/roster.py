"""roster.csv: the staff, their roles, weekly availability, dates off and preferences.

See docs/formats.md for the columns. Preferred communes are checked against the territory's
communes and preferred units against the scenario's units when those are known.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.domain.instance import Commune, DateRange, Point, Staff, Unit, half_days_of
from planner.domain.limits import MAX_SHIFTS_PER_MONTH, MAX_SHIFTS_PER_WEEK, MAX_STAFF
from planner.inputs.communes import LAT_EXPECTED, LON_EXPECTED, CommuneIndex
from planner.inputs.fields import (
    AVAILABILITY_EXPECTED,
    DATES_OFF_EXPECTED,
    INSEE_EXPECTED,
    ROLES_EXPECTED,
    check_in_france,
    format_days,
    parse_availability,
    parse_dates_off,
    parse_insee,
    parse_int,
    parse_latitude,
    parse_longitude,
    parse_roles,
)
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

ROSTER_COLUMNS = {
    c.name: c
    for c in (
        Column("id", True, "un identifiant unique par personne (ex. d01)"),
        Column("name", True, "le nom affiché (ex. Dr A. Martin (exemple))"),
        Column("roles", True, f"des rôles séparés par des points-virgules : {ROLES_EXPECTED}"),
        Column("availability", True, AVAILABILITY_EXPECTED),
        Column("dates_off", True, DATES_OFF_EXPECTED + " ; vide si aucune", may_be_empty=True),
        Column(
            "max_shifts_per_week", True, f"nombre entier de 0 à {MAX_SHIFTS_PER_WEEK} de gardes par semaine au plus"
        ),
        Column("max_shifts_per_month", True, f"nombre entier de 0 à {MAX_SHIFTS_PER_MONTH} de gardes par mois au plus"),
        Column(
            "min_shifts_per_month",
            False,
            f"nombre entier de 0 à {MAX_SHIFTS_PER_MONTH} de gardes par mois souhaitées au moins",
        ),
        Column("home_insee", False, INSEE_EXPECTED),
        Column("home_lat", False, LAT_EXPECTED),
        Column("home_lon", False, LON_EXPECTED),
        Column("preferred_communes", False, "des codes INSEE ou noms de communes du territoire séparés par ;"),
        Column("preferred_units", False, "des identifiants d'unités du scénario séparés par ;"),
    )
}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def _home(row: Row, communes: CommuneIndex | None) -> Point | None:
    """Where the person lives: the home commune's town hall, or the ``home_lat``/``home_lon`` point."""
    insee = row.get("home_insee", parse_insee)
    lat = row.get("home_lat", parse_latitude)
    lon = row.get("home_lon", parse_longitude)
    if (row.text("home_lat") == "") != (row.text("home_lon") == ""):
        missing = "home_lon" if row.text("home_lat") else "home_lat"
        row.error(missing, "valeur manquante ; attendu : home_lat et home_lon ensemble, ou aucun des deux")
        return None
    if lat is not None and lon is not None:
        bad = check_in_france(lat, lon)
        if bad:
            column, error = bad
            row.error(f"home_{column}", str(error))
            return None
        commune = communes.communes.get(insee) if communes and insee else None
        return Point(commune.name if commune else "Domicile", lat, lon)
    if insee is None or communes is None:
        return None
    if insee in communes.communes:
        c = communes.communes[insee]
        return Point(c.name, c.lat, c.lon)
    if insee not in communes.codes:
        row.error(
            "home_insee",
            f"la commune « {insee} » n'est pas dans {communes.file} ; "
            "attendu : une commune du territoire, ou le point du domicile dans home_lat et home_lon",
        )
    return None


def _preferred_communes(row: Row, communes: CommuneIndex | None) -> frozenset[str]:
    if communes is None:
        return frozenset(p.upper() for p in _split(row.text("preferred_communes")))
    codes = set()
    for reference in _split(row.text("preferred_communes")):
        code, error = communes.resolve(reference)
        if error:
            row.error("preferred_communes", error)
        elif code:
            codes.add(code)
    return frozenset(codes)


def _preferred_units(row: Row, unit_ids: frozenset[str] | None) -> frozenset[str]:
    wanted = frozenset(_split(row.text("preferred_units")))
    if unit_ids is not None:
        for unit_id in sorted(wanted - unit_ids):
            row.error(
                "preferred_units",
                f"« {unit_id} » n'est pas une unité du scénario ; attendu : un de {', '.join(sorted(unit_ids))}",
            )
    return wanted


def _read_row(row: Row, communes: CommuneIndex | None, unit_ids: frozenset[str] | None) -> Staff | None:
    staff_id = row.get("id", str)
    name = row.get("name", str)
    roles = row.get("roles", parse_roles)
    availability = row.get("availability", parse_availability)
    no_dates_off: tuple[DateRange, ...] = ()
    dates_off = row.get("dates_off", parse_dates_off, default=no_dates_off)
    max_week = row.get("max_shifts_per_week", lambda t: parse_int(t, minimum=0, maximum=MAX_SHIFTS_PER_WEEK))
    max_month = row.get("max_shifts_per_month", lambda t: parse_int(t, minimum=0, maximum=MAX_SHIFTS_PER_MONTH))
    min_month = row.get(
        "min_shifts_per_month", lambda t: parse_int(t, minimum=0, maximum=MAX_SHIFTS_PER_MONTH), default=0
    )
    if min_month is not None and max_month is not None and min_month > max_month:
        row.error(
            "min_shifts_per_month",
            f"au moins {min_month} gardes par mois demandées mais au plus {max_month} permises ; "
            "attendu : min_shifts_per_month ≤ max_shifts_per_month",
        )
    home = _home(row, communes)
    preferred_communes = _preferred_communes(row, communes)
    preferred_units = _preferred_units(row, unit_ids)
    if (
        not row.ok
        or staff_id is None
        or name is None
        or roles is None
        or availability is None
        or dates_off is None
        or max_week is None
        or max_month is None
        or min_month is None
    ):
        return None
    return Staff(
        id=staff_id,
        name=name,
        roles=roles,
        availability=availability,
        dates_off=dates_off,
        max_shifts_per_week=max_week,
        max_shifts_per_month=max_month,
        min_shifts_per_month=min_month,
        home=home,
        preferred_communes=preferred_communes,
        preferred_units=preferred_units,
    )


def read_roster(
    table: Table | None,
    problems: Problems,
    *,
    communes: CommuneIndex | None = None,
    unit_ids: frozenset[str] | None = None,
) -> tuple[Staff, ...]:
    """The valid staff of a table; problems are added to ``problems``, not raised.

    ``communes`` and ``unit_ids``, when known, are what preferences and homes are checked against.
    """
    if table is None:
        return ()
    if len(table.rows) > MAX_STAFF:
        problems.add(table.file, None, None, f"{len(table.rows)} personnes ; attendu : au plus {MAX_STAFF}")
        return ()
    check_columns(table, ROSTER_COLUMNS, problems)
    staff = []
    first_row: dict[str, int] = {}
    for row in rows_of(table, ROSTER_COLUMNS, problems):
        staff_id = row.text("id")
        if staff_id in first_row:
            row.error(
                "id",
                f"identifiant « {staff_id} » déjà utilisé ligne {first_row[staff_id]} ; "
                "attendu : un identifiant unique",
            )
        elif staff_id:
            first_row[staff_id] = row.number
        person = _read_row(row, communes, unit_ids)
        if person is not None:
            staff.append(person)
    if not table.rows:
        problems.add(table.file, 2, None, "personne dans l'équipe ; attendu : une ligne par personne sous l'en-tête")
    return tuple(staff)


def check_crews(units: Sequence[Unit], staff: Sequence[Staff], file: str, problems: Problems) -> None:
    """Report every role a unit needs that too few people of the roster can fill on its working days."""
    for unit in units:
        worked = frozenset((d, h) for d in unit.days for h in half_days_of(unit.hours.start, unit.hours.end))
        for role, needed in unit.crew.items():
            if needed <= 0:
                continue
            holders = [s for s in staff if role in s.roles]
            available = [s for s in holders if s.availability & worked]
            where = f"l'unité « {unit.id} » a besoin de {needed} {role.label_fr} par jour"
            if not holders:
                message = f"personne ne peut tenir le rôle {role.label_fr} ({role.value}) : {where}"
            elif len(holders) < needed:
                message = f"seulement {len(holders)} personne(s) avec le rôle {role.label_fr} ({role.value}) : {where}"
            elif len(available) < needed:
                message = (
                    f"{len(available)} personne(s) avec le rôle {role.label_fr} ({role.value}) disponible(s) "
                    f"les jours de travail de l'unité ({format_days(unit.days)}) : {where}"
                )
            else:
                continue
            problems.add(
                file,
                None,
                "roles",
                f"{message} ; attendu : au moins {needed} personne(s) avec ce rôle, disponible(s) ces jours-là",
            )


def parse_roster(
    source: TableSource,
    filename: str = "roster.csv",
    *,
    communes: Sequence[Commune] | None = None,
    units: Sequence[Unit] | None = None,
) -> tuple[Staff, ...]:
    """Staff from CSV text, bytes (an upload) or a DataFrame; raises `InputError` with every problem.

    With ``communes``, preferred and home communes must be in the territory; with ``units``,
    preferred units must exist and every role the units need must be fillable.
    """
    problems = Problems()
    index = CommuneIndex.of(communes) if communes is not None else None
    unit_ids = frozenset(u.id for u in units) if units is not None else None
    staff = read_roster(read_table(source, filename, problems), problems, communes=index, unit_ids=unit_ids)
    if units is not None and not problems:
        check_crews(units, staff, filename, problems)
    problems.raise_if_any()
    return staff
