"""roster.csv: the staff, their roles, weekly availability, dates off and preferences.

See docs/formats.md for the columns. Preferred communes are checked against the territory's
communes and preferred units against the scenario's units when those are known.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from planner.domain.instance import Commune, DateRange, Point, Staff, Unit, half_days_of
from planner.domain.limits import MAX_SHIFTS_PER_MONTH, MAX_SHIFTS_PER_WEEK, MAX_STAFF, MAX_TABLE_BYTES, shown
from planner.inputs.communes import LAT_EXPECTED, LON_EXPECTED, CommuneIndex
from planner.inputs.fields import (
    AVAILABILITY_EXPECTED,
    DATES_OFF_EXPECTED,
    INSEE_EXPECTED,
    ROLES_EXPECTED,
    check_in_france,
    fold,
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
    decode,
    delimiter_of,
    normalise_header,
    read_table,
    rows_of,
)

ROSTER_COLUMNS = {
    c.name: c
    for c in (
        Column("id", True, "un identifiant unique par personne (ex. d01)", identifier=True),
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
        Column("home_insee", False, INSEE_EXPECTED, identifier=True),
        Column("home_lat", False, LAT_EXPECTED),
        Column("home_lon", False, LON_EXPECTED),
        Column(
            "preferred_communes",
            False,
            "des codes INSEE ou noms de communes du territoire séparés par ;",
            identifier=True,
        ),
        Column("preferred_units", False, "des identifiants d'unités du scénario séparés par ;", identifier=True),
    )
}


#: Words of a column name that make it a personal contact detail (telephone, e-mail, postal address):
#: such a column, common in a volunteers' spreadsheet, is dropped with a warning — never read, checked
#: nor kept — as the planner needs none of it (GDPR: data minimisation). Any other column outside the
#: format is refused, so that a misspelt one (``max_shift_per_week``) is not silently ignored.
PERSONAL_WORDS = frozenset(
    {
        "tel", "telephone", "phone", "portable", "mobile", "gsm", "fax", "sms", "whatsapp",
        "mail", "email", "courriel", "adresse", "address", "addr", "rue", "postal", "zip", "contact",
    }
)  # fmt: skip
PERSONAL_NAMES = frozenset({"email", "telephone", "numtel", "codepostal", "zipcode", "postcode", "adressemail"})


def is_personal_column(name: str) -> bool:
    """Whether a column name is a personal contact detail (`PERSONAL_WORDS`): ``telephone``,
    ``Téléphone portable``, ``e-mail``, ``adresse_postale``, ``mail``…"""
    words = [w for w in re.split(r"[^a-z0-9]+", fold(name)) if w]
    return bool(words) and (any(w in PERSONAL_WORDS for w in words) or "".join(words) in PERSONAL_NAMES)


def extra_columns(columns: Iterable[str]) -> tuple[list[str], list[str]]:
    """The (dropped, refused) columns of a roster header (normalised names) outside `ROSTER_COLUMNS`:
    personal contact details dropped, any other column refused."""
    extra = [c for c in dict.fromkeys(columns) if c and c not in ROSTER_COLUMNS]
    dropped = [c for c in extra if is_personal_column(c)]
    return dropped, [c for c in extra if c not in dropped]


def dropped_warning(file: str, dropped: Sequence[str]) -> str:
    """The French warning naming the personal columns of a roster that were dropped."""
    names = ", ".join(f"« {shown(c)} »" for c in dropped)
    return (
        f"{file} : colonne(s) {names} ignorée(s) et non conservée(s) : des coordonnées personnelles dont le "
        "planning n'a pas besoin (RGPD : minimisation des données) ; retirez-les du fichier"
    )


def _drop_extra_columns(table: Table, problems: Problems) -> None:
    """Refuse the unknown columns; drop the personal ones from the table (their cells, and any problem
    already reported about them: they are never read)."""
    dropped, refused = extra_columns(table.columns)
    known = ", ".join(ROSTER_COLUMNS)
    for name in refused:
        problems.add(
            table.file,
            1,
            name,
            f"colonne inconnue « {shown(name)} » ; attendu : une colonne du format (docs/formats.md) : {known} "
            "(les coordonnées personnelles — téléphone, e-mail, adresse — sont ignorées et non conservées)",
        )
    if not dropped:
        return
    gone = set(dropped)
    table.columns = [c for c in table.columns if c not in gone]
    for _, values in table.rows:
        for name in gone:
            values.pop(name, None)
    table.refused = {(row, column) for row, column in table.refused if column not in gone}
    problems.items = [p for p in problems.items if not (p.file == table.file and p.column in gone)]


def _csv_records(text: str) -> list[list[str]] | None:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text)))
    except csv.Error:
        return None


def dropped_roster_columns(data: bytes | str) -> list[str]:
    """The personal columns (`is_personal_column`) of a roster file's header, as normalised names."""
    text = (decode(data) if isinstance(data, bytes) else data).lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    records = _csv_records(header)
    if not records:
        return []
    return extra_columns(normalise_header(h) for h in records[0])[0]


def clean_roster(data: bytes) -> bytes:
    """A roster file's bytes without its personal columns (`dropped_roster_columns`): what may be
    stored (a plan's inputs, the version store). The same bytes, untouched, when it has none (or
    cannot be read: then it is refused and never stored)."""
    if len(data) > MAX_TABLE_BYTES or not dropped_roster_columns(data):
        return data
    text = decode(data).lstrip("\ufeff")
    records = _csv_records(text)
    if not records:
        return data
    gone = set(dropped_roster_columns(data))
    keep = [i for i, h in enumerate(records[0]) if normalise_header(h) not in gone]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter_of(text), lineterminator="\n")
    for record in records:
        writer.writerow([record[i] for i in keep if i < len(record)] + record[len(records[0]) :])
    return buffer.getvalue().encode("utf-8")


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
    _drop_extra_columns(table, problems)
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
