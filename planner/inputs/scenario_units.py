"""The ``[[units]]`` of scenario.toml: each bus or fixed place with its depot, days, hours, lunch
break, sessions, rooms, crew and places, checked against each other and against the rules' time grid.

Apart from the rules and the dated entries (`planner.inputs.scenario`): a unit's keys and their
cross-checks (a lunch break within the hours, sessions that fit in the day, remote roles in the
crew, a depot given once) are the largest part of the file and change together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.instance import Point, Rules, Unit, UnitKind, ceil_to, floor_to
from planner.domain.limits import MAX_UNITS
from planner.inputs.communes import CommuneIndex
from planner.inputs.fields import check_in_france
from planner.inputs.scenario_values import (
    as_crew,
    as_days,
    as_identifier,
    as_identifier_list,
    as_kind,
    as_number,
    as_positive_int,
    as_roles,
    as_text,
    as_window,
    int_between,
)

if TYPE_CHECKING:
    from planner.inputs.scenario import ScenarioReader

UNIT_KEYS = (
    "id",
    "name",
    "kind",
    "depot",
    "depot_lat",
    "depot_lon",
    "depot_name",
    "days",
    "hours",
    "lunch",
    "sessions_per_day",
    "rooms",
    "places",
    "crew",
    "remote_roles",
    "session_minutes",
)


def read_units(reader: ScenarioReader, communes: CommuneIndex | None, rules: Rules | None) -> tuple[Unit, ...]:
    """The ``[[units]]`` of the scenario: every unit that reads without a problem."""
    entries = reader.doc.get("units")
    if not entries:
        reader.error(("units",), "aucune unité ; attendu : au moins une section [[units]] (un bus ou un lieu fixe)")
        return ()
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        reader.error(("units",), "attendu : des sections [[units]]")
        return ()
    if len(entries) > MAX_UNITS:
        reader.error(("units",), f"{len(entries)} unités ; attendu : au plus {MAX_UNITS} sections [[units]]")
        return ()
    units = []
    for i, entry in enumerate(entries):
        unit = _unit(reader, entry, i, communes, rules)
        if unit is not None:
            units.append(unit)
    return tuple(units)


def _unit(
    reader: ScenarioReader, entry: dict, i: int, communes: CommuneIndex | None, rules: Rules | None
) -> Unit | None:
    """The ``i``-th ``[[units]]`` table, or None when it has a problem (each one reported)."""
    path = ("units", i)
    before = len(reader.problems)
    reader.unknown_keys(entry, UNIT_KEYS, path)
    unit_id = reader.value(entry, path + ("id",), as_identifier)
    if unit_id is not None:
        if unit_id in reader.unit_ids:
            reader.error(path + ("id",), f"identifiant « {unit_id} » déjà utilisé ; attendu : un identifiant unique")
        reader.unit_ids.append(unit_id)
    name = reader.value(entry, path + ("name",), as_text, default=unit_id)
    kind = reader.value(entry, path + ("kind",), as_kind, default=UnitKind.BUS)
    days = reader.value(entry, path + ("days",), as_days, default=frozenset(range(5)))
    hours = reader.value(entry, path + ("hours",), as_window)
    lunch = reader.value(entry, path + ("lunch",), as_window, default=None)
    sessions = reader.value(entry, path + ("sessions_per_day",), int_between(1, 12), default=1)
    rooms = reader.value(entry, path + ("rooms",), int_between(1, 100), default=1)
    crew = reader.value(entry, path + ("crew",), as_crew)
    remote = reader.value(entry, path + ("remote_roles",), as_roles, default=frozenset())
    session_minutes = reader.value(entry, path + ("session_minutes",), as_positive_int, default=None)
    places = _places(reader, entry, path, communes, kind)
    depot = _depot(reader, entry, path, communes, places)

    if hours and lunch and not hours.contains(lunch.start, lunch.end):
        reader.error(
            path + ("lunch",),
            f"la pause {lunch} est en dehors des heures de travail {hours} ; "
            "attendu : une pause comprise dans les heures de travail (ex. 12:30-13:30)",
        )
    if crew is not None and remote:
        for role in sorted(remote - {r for r, n in crew.items() if n > 0}, key=lambda r: r.value):
            reader.error(
                path + ("remote_roles",),
                f"le rôle {role.label_fr} ({role.value}) est à distance mais absent de l'équipage ; "
                "attendu : des rôles présents dans crew",
            )
    length = session_minutes or (rules.session_minutes if rules else None)
    if rules is not None:
        reader.on_grid(path + ("session_minutes",), session_minutes, rules.time_step)
    if hours and sessions and length:
        step = rules.time_step if rules else 1  # sessions start on the grid: hours rounded inward
        usable = floor_to(hours.end, step) - ceil_to(hours.start, step)
        if lunch and hours.contains(lunch.start, lunch.end):
            usable -= ceil_to(lunch.end, step) - floor_to(lunch.start, step)
        if sessions * length > usable:
            reader.error(
                path + ("sessions_per_day",),
                f"{sessions} séance(s) de {length} min ne tiennent pas dans {hours} "
                f"({usable} min de travail, pause déduite) ; "
                "attendu : moins de séances ou des séances plus courtes",
            )
    if (
        len(reader.problems) > before
        or None in (unit_id, name, kind, days, hours, sessions, rooms, crew)
        or depot is None
    ):
        return None
    return Unit(
        id=unit_id,
        name=name,
        kind=kind,
        depot=depot,
        days=days,
        hours=hours,
        lunch=lunch,
        sessions_per_day=sessions,
        crew=crew,
        remote_roles=remote,
        rooms=rooms,
        places=places or (),
        session_minutes=session_minutes,
    )


def _places(
    reader: ScenarioReader, entry: dict, path: tuple, communes: CommuneIndex | None, kind: UnitKind | None
) -> tuple[str, ...] | None:
    references = reader.value(entry, path + ("places",), as_identifier_list, default=[])
    if references is None:
        return None
    if kind is UnitKind.FIXED and not references:
        reader.error(
            path + ("places",),
            'un lieu fixe sans lieux ; attendu : places = ["CODE_INSEE", …], les communes où l\'on consulte',
        )
    if communes is None:
        return tuple(r.upper() for r in references)
    codes = []
    for reference in references:
        code, error = communes.resolve(reference)
        if error:
            reader.error(path + ("places",), error)
        elif code:
            codes.append(code)
    return tuple(codes)


def _depot(
    reader: ScenarioReader, entry: dict, path: tuple, communes: CommuneIndex | None, places: tuple[str, ...] | None
) -> Point | None:
    """The depot: a commune's town hall (``depot``) or a point (``depot_lat``/``depot_lon``)."""
    has_point = "depot_lat" in entry or "depot_lon" in entry
    if "depot" in entry and has_point:
        reader.error(path + ("depot",), "dépôt donné deux fois ; attendu : soit depot, soit depot_lat et depot_lon")
        return None
    if has_point:
        lat = reader.value(entry, path + ("depot_lat",), as_number)
        lon = reader.value(entry, path + ("depot_lon",), as_number)
        name = reader.value(entry, path + ("depot_name",), as_text, default="Dépôt")
        if lat is None or lon is None or name is None:
            return None
        bad = check_in_france(lat, lon)
        if bad:
            reader.error(path + (f"depot_{bad[0]}",), str(bad[1]))
            return None
        return Point(name, lat, lon)
    if "depot" in entry:
        code = reader.value(entry, path + ("depot",), as_identifier)
        if code is None or communes is None:
            return None
        code, error = communes.resolve(code)
        if error:
            reader.error(path + ("depot",), error.replace("attendu :", "attendu : depot_lat et depot_lon, ou"))
            return None
        commune = communes.communes.get(code) if code else None
        if commune is None:
            return None  # the commune's own row is wrong; reported there
        return Point(commune.name, commune.lat, commune.lon)
    if places and communes is not None and places[0] in communes.communes:
        site = communes.communes[places[0]].site
        return Point(site.name, site.lat, site.lon)  # a fixed place needs no depot
    if places and communes is not None:
        return None
    reader.error(path + ("depot",), 'dépôt absent ; attendu : depot = "CODE_INSEE" ou depot_lat et depot_lon')
    return None
