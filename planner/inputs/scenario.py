"""scenario.toml: the planning horizon, the rules, the objective weights and the units.

See docs/formats.md for the keys. Problems name the line of the key in the file (found by a light
scan of the text, as `tomllib` gives no positions) and the key as ``table.key``.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, TypeVar

from planner.domain.instance import (
    BannedDay,
    CommuneClosure,
    Pin,
    Point,
    Role,
    Rules,
    TimeWindow,
    Unit,
    UnitKind,
    Weights,
    ceil_to,
    floor_to,
    time_step_problem,
)
from planner.domain.limits import (
    MAX_LIST_ITEMS,
    MAX_NESTING,
    MAX_SCENARIO_BYTES,
    MAX_UNITS,
    MAX_WEEKS,
    horizon_problem,
    shown,
    text_problem,
)
from planner.inputs.communes import DEFAULT_FREQUENCY_BY_NEED, CommuneIndex
from planner.inputs.fields import (
    DATE_EXPECTED,
    DAYS_EXPECTED,
    ROLES_EXPECTED,
    TIME_WINDOW_EXPECTED,
    FieldError,
    bounded_date,
    check_in_france,
    expand,
    parse_date,
    parse_dates_off,
    parse_days,
    parse_role,
    parse_time_window,
)
from planner.inputs.tables import Problems

TOP_KEYS = ("name", "source", "horizon", "rules", "weights", "units", "commune_closures", "pins", "banned_days")
HORIZON_KEYS = ("start", "weeks")
RULES_KEYS = (
    "session_minutes",
    "min_gap_days",
    "public_holidays",
    "holiday_subdivision",
    "closures",
    "max_drive_between_sessions",
    "frequency_by_need",
    "need_tolerance_percent",
    "catchment_minutes",
    "need_per_weekly_session",
    "time_step",
    "setup_minutes",
)
WEIGHT_KEYS = tuple(f.name for f in fields(Weights))
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
CLOSURE_KEYS = ("insee", "dates")
PIN_KEYS = ("insee", "day", "unit")
BAN_KEYS = ("insee", "days")
_MISSING = object()


def key_lines(text: str) -> dict[tuple, int]:
    """Line number of each key and table header: ``("units", 0, "hours") -> 17``.

    A light scan, good for files written by hand; keys inside multi-line values may be missed,
    in which case problems point at the enclosing table.
    """
    lines: dict[tuple, int] = {}
    table: tuple = ()
    counts: dict[str, int] = {}
    in_string = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        quotes = line.count('"""') + line.count("'''")
        was_in_string, in_string = in_string, in_string != (quotes % 2 == 1)
        if was_in_string:
            continue
        if line.startswith("[["):
            name = line[2:].split("]]", 1)[0].strip()
            counts[name] = counts.get(name, -1) + 1
            table = (name, counts[name])
            lines.setdefault(table, number)
        elif line.startswith("["):
            table = tuple(part.strip() for part in line[1:].split("]", 1)[0].split("."))
            lines.setdefault(table, number)
        else:
            match = re.match(r'^([A-Za-z0-9_\-."\s]+?)\s*=', line)
            if match:
                key = tuple(part.strip().strip('"') for part in match.group(1).split("."))
                lines.setdefault(table + key, number)
    return lines


@dataclass
class ScenarioReader:
    """Reads one parsed scenario document, adding a problem for every bad value."""

    doc: dict[str, Any]
    file: str
    lines: dict[tuple, int]
    problems: Problems
    unit_ids: list[str] = field(default_factory=list)

    # -- reporting --------------------------------------------------------------------------------

    def error(self, path: tuple, message: str) -> None:
        """A problem at ``path`` (``("units", 0, "hours")``), on the line of the key or of its table."""
        line = None
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                line = self.lines[path[:end]]
                break
        column = ".".join(str(p) for p in path if not isinstance(p, int)) or None
        self.problems.add(self.file, line, column, message)

    def on_grid(self, path: tuple, length: int | None, step: int | None) -> None:
        """A problem when a session of ``length`` minutes would not end on the time grid."""
        if length and step and length % step:
            self.error(
                path,
                f"une séance de {length} min ne tombe pas sur la grille horaire de {step} min (rules.time_step) ; "
                f"attendu : une durée multiple de {step} min (ex. {-(-length // step) * step}) ou un autre pas",
            )

    def unknown_keys(self, table: dict, allowed: Sequence[str], path: tuple) -> None:
        for key in table:
            if key not in allowed:
                self.error(path + (key,), f"clé inconnue « {key} » ; attendu : une de {', '.join(allowed)}")

    def value(self, table: dict, path: tuple, convert: Callable[[Any], Any], *, default: Any = _MISSING) -> Any:
        """``convert(table[key])``; ``default`` when absent (a problem if there is none); None when bad."""
        key = path[-1]
        if key not in table:
            if default is _MISSING:
                self.error(path, f"clé « {key} » absente ; attendu : {_describe(convert)}")
                return None
            return default
        try:
            return convert(table[key])
        except FieldError as exc:
            self.error(path, str(exc))
            return None

    # -- the document -----------------------------------------------------------------------------

    def frequency_by_need(self) -> tuple[float, ...]:
        """``rules.frequency_by_need`` when valid (needed before the communes are read), else the default.

        Problems with it are reported by `rules`.
        """
        rules = self.doc.get("rules") or {}  # absent: the default, through the KeyError below
        try:
            return _frequencies(rules["frequency_by_need"])
        except (FieldError, KeyError, TypeError):
            return DEFAULT_FREQUENCY_BY_NEED

    def title(self, default: str) -> tuple[str, str]:
        self.unknown_keys(self.doc, TOP_KEYS, ())
        name = self.value(self.doc, ("name",), _text, default=default)
        source = self.value(self.doc, ("source",), _text, default="")
        return name or default, source or ""

    def table(self, key: str, *, required: bool) -> dict | None:
        value = self.doc.get(key)
        if value is None:
            if required:
                self.error((key,), f"table [{key}] absente ; attendu : une section [{key}]")
            return {} if not required else None
        if not isinstance(value, dict):
            self.error((key,), f"« {key} » n'est pas une table ; attendu : une section [{key}]")
            return None
        return value

    def rules(self, communes: CommuneIndex | None) -> Rules | None:
        horizon = self.table("horizon", required=True)
        rules = self.table("rules", required=False) or {}
        weights_table = self.table("weights", required=False) or {}
        start = weeks = None
        if horizon is not None:
            self.unknown_keys(horizon, HORIZON_KEYS, ("horizon",))
            start = self.value(horizon, ("horizon", "start"), _date)
            weeks = self.value(horizon, ("horizon", "weeks"), _weeks)
        self.unknown_keys(rules, RULES_KEYS, ("rules",))
        defaults = Rules(start=date(2000, 1, 3), weeks=1)
        path = ("rules",)
        options = dict(
            session_minutes=self.value(
                rules, path + ("session_minutes",), _positive_int, default=defaults.session_minutes
            ),
            min_gap_days=self.value(rules, path + ("min_gap_days",), _int_between(0, 6), default=defaults.min_gap_days),
            public_holidays=self.value(rules, path + ("public_holidays",), _bool, default=True),
            holiday_subdivision=self.value(rules, path + ("holiday_subdivision",), _subdivision, default=""),
            closures=self.value(rules, path + ("closures",), _dates, default=frozenset()),
            max_drive_between_sessions=self.value(
                rules, path + ("max_drive_between_sessions",), _int_between(0, 24 * 60), default=30
            ),
            frequency_by_need=self.value(
                rules, path + ("frequency_by_need",), _frequencies, default=DEFAULT_FREQUENCY_BY_NEED
            ),
            need_tolerance_percent=self.value(
                rules, path + ("need_tolerance_percent",), _int_between(0, 50), default=defaults.need_tolerance_percent
            ),
            catchment_minutes=self.value(
                rules, path + ("catchment_minutes",), _int_between(0, 240), default=defaults.catchment_minutes
            ),
            need_per_weekly_session=self.value(
                rules,
                path + ("need_per_weekly_session",),
                _int_between(1, 10**6),
                default=defaults.need_per_weekly_session,
            ),
            time_step=self.value(rules, path + ("time_step",), _time_step, default=defaults.time_step),
            setup_minutes=self.value(
                rules, path + ("setup_minutes",), _int_between(0, 240), default=defaults.setup_minutes
            ),
        )
        self.on_grid(path + ("session_minutes",), options["session_minutes"], options["time_step"])
        self.unknown_keys(weights_table, WEIGHT_KEYS, ("weights",))
        weights = {
            k: self.value(weights_table, ("weights", k), _int_between(0, 10**6), default=getattr(Weights(), k))
            for k in WEIGHT_KEYS
        }
        closures = self.commune_closures(communes)
        pins, bans = self.pins(communes), self.banned_days(communes)
        if start is not None and weeks is not None and (problem := horizon_problem(start, weeks)):
            self.error(("horizon", "weeks"), problem)
            return None
        if start is None or weeks is None or closures is None or pins is None or bans is None:
            return None
        if None in options.values() or None in weights.values():
            return None
        return Rules(
            start=start,
            weeks=weeks,
            commune_closures=closures,
            weights=Weights(**weights),
            pins=pins,
            banned_days=bans,
            **options,
        )

    def _entries(self, key: str, what: str) -> list[dict] | None:
        entries = self.doc.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.error((key,), f"attendu : des sections [[{key}]] avec {what}")
            return None
        return entries

    def _commune(self, entry: dict, path: tuple, communes: CommuneIndex | None) -> str | None:
        insee = self.value(entry, path + ("insee",), _text)
        if insee is not None and communes is not None:
            insee, error = communes.resolve(insee)
            if error:
                self.error(path + ("insee",), error)
                return None
        return insee

    def pins(self, communes: CommuneIndex | None) -> tuple[Pin, ...] | None:
        """``[[pins]]``: a commune's sessions on one weekday (and one unit, when given)."""
        entries = self._entries("pins", "insee, day et unit (facultatif)")
        if entries is None:
            return None
        result, ok, seen = [], True, set()
        for i, entry in enumerate(entries):
            path = ("pins", i)
            self.unknown_keys(entry, PIN_KEYS, path)
            insee = self._commune(entry, path, communes)
            day = self.value(entry, path + ("day",), _one_day)
            unit = self.value(entry, path + ("unit",), _text, default="")
            if insee in seen:
                self.error(path + ("insee",), f"commune {insee} épinglée deux fois ; attendu : une épingle par commune")
                ok = False
            elif insee is None or day is None or unit is None:
                ok = False
            else:
                seen.add(insee)
                result.append(Pin(insee, day, unit))
        return tuple(result) if ok else None

    def banned_days(self, communes: CommuneIndex | None) -> tuple[BannedDay, ...] | None:
        """``[[banned_days]]``: weekdays a commune is never visited."""
        entries = self._entries("banned_days", "insee et days")
        if entries is None:
            return None
        result: list[BannedDay] = []
        ok = True
        for i, entry in enumerate(entries):
            path = ("banned_days", i)
            self.unknown_keys(entry, BAN_KEYS, path)
            insee = self._commune(entry, path, communes)
            days = self.value(entry, path + ("days",), _days)
            if insee is None or days is None:
                ok = False
            else:
                result.extend(BannedDay(insee, d) for d in sorted(days))
        return tuple(result) if ok else None

    def check_pin_units(self, rules: Rules, units: tuple[Unit, ...]) -> None:
        """A pin's unit is one of the scenario's units."""
        known = {u.id for u in units}
        for i, pin in enumerate(rules.pins):
            if pin.unit_id and pin.unit_id not in known and pin.unit_id not in self.unit_ids:
                self.error(
                    ("pins", i, "unit"), f"unité « {pin.unit_id} » inconnue ; attendu : l'id d'une section [[units]]"
                )

    def commune_closures(self, communes: CommuneIndex | None) -> tuple[CommuneClosure, ...] | None:
        entries = self.doc.get("commune_closures", [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.error(("commune_closures",), "attendu : des sections [[commune_closures]] avec insee et dates")
            return None
        result = []
        ok = True
        for i, entry in enumerate(entries):
            path = ("commune_closures", i)
            self.unknown_keys(entry, CLOSURE_KEYS, path)
            insee = self.value(entry, path + ("insee",), _text)
            dates = self.value(entry, path + ("dates",), _dates)
            if insee is not None and communes is not None:
                insee, error = communes.resolve(insee)
                if error:
                    self.error(path + ("insee",), error)
            if insee is None or dates is None:
                ok = False
            else:
                result.append(CommuneClosure(insee, dates))
        return tuple(result) if ok else None

    def units(self, communes: CommuneIndex | None, rules: Rules | None) -> tuple[Unit, ...]:
        entries = self.doc.get("units")
        if not entries:
            self.error(("units",), "aucune unité ; attendu : au moins une section [[units]] (un bus ou un lieu fixe)")
            return ()
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.error(("units",), "attendu : des sections [[units]]")
            return ()
        if len(entries) > MAX_UNITS:
            self.error(("units",), f"{len(entries)} unités ; attendu : au plus {MAX_UNITS} sections [[units]]")
            return ()
        units = []
        for i, entry in enumerate(entries):
            unit = self.unit(entry, i, communes, rules)
            if unit is not None:
                units.append(unit)
        return tuple(units)

    def unit(self, entry: dict, i: int, communes: CommuneIndex | None, rules: Rules | None) -> Unit | None:
        path = ("units", i)
        before = len(self.problems)
        self.unknown_keys(entry, UNIT_KEYS, path)
        unit_id = self.value(entry, path + ("id",), _text)
        if unit_id is not None:
            if unit_id in self.unit_ids:
                self.error(path + ("id",), f"identifiant « {unit_id} » déjà utilisé ; attendu : un identifiant unique")
            self.unit_ids.append(unit_id)
        name = self.value(entry, path + ("name",), _text, default=unit_id)
        kind = self.value(entry, path + ("kind",), _kind, default=UnitKind.BUS)
        days = self.value(entry, path + ("days",), _days, default=frozenset(range(5)))
        hours = self.value(entry, path + ("hours",), _window)
        lunch = self.value(entry, path + ("lunch",), _window, default=None)
        sessions = self.value(entry, path + ("sessions_per_day",), _int_between(1, 12), default=1)
        rooms = self.value(entry, path + ("rooms",), _int_between(1, 100), default=1)
        crew = self.value(entry, path + ("crew",), _crew)
        remote = self.value(entry, path + ("remote_roles",), _roles, default=frozenset())
        session_minutes = self.value(entry, path + ("session_minutes",), _positive_int, default=None)
        places = self.places(entry, path, communes, kind)
        depot = self.depot(entry, path, communes, places)

        if hours and lunch and not hours.contains(lunch.start, lunch.end):
            self.error(
                path + ("lunch",),
                f"la pause {lunch} est en dehors des heures de travail {hours} ; "
                "attendu : une pause comprise dans les heures de travail (ex. 12:30-13:30)",
            )
        if crew is not None and remote:
            for role in sorted(remote - {r for r, n in crew.items() if n > 0}, key=lambda r: r.value):
                self.error(
                    path + ("remote_roles",),
                    f"le rôle {role.label_fr} ({role.value}) est à distance mais absent de l'équipage ; "
                    "attendu : des rôles présents dans crew",
                )
        length = session_minutes or (rules.session_minutes if rules else None)
        if rules is not None:
            self.on_grid(path + ("session_minutes",), session_minutes, rules.time_step)
        if hours and sessions and length:
            step = rules.time_step if rules else 1  # sessions start on the grid: hours rounded inward
            usable = floor_to(hours.end, step) - ceil_to(hours.start, step)
            if lunch and hours.contains(lunch.start, lunch.end):
                usable -= ceil_to(lunch.end, step) - floor_to(lunch.start, step)
            if sessions * length > usable:
                self.error(
                    path + ("sessions_per_day",),
                    f"{sessions} séance(s) de {length} min ne tiennent pas dans {hours} "
                    f"({usable} min de travail, pause déduite) ; "
                    "attendu : moins de séances ou des séances plus courtes",
                )
        if (
            len(self.problems) > before
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

    def places(
        self, entry: dict, path: tuple, communes: CommuneIndex | None, kind: UnitKind | None
    ) -> tuple[str, ...] | None:
        references = self.value(entry, path + ("places",), _text_list, default=[])
        if references is None:
            return None
        if kind is UnitKind.FIXED and not references:
            self.error(
                path + ("places",),
                'un lieu fixe sans lieux ; attendu : places = ["CODE_INSEE", …], les communes où l\'on consulte',
            )
        if communes is None:
            return tuple(r.upper() for r in references)
        codes = []
        for reference in references:
            code, error = communes.resolve(reference)
            if error:
                self.error(path + ("places",), error)
            elif code:
                codes.append(code)
        return tuple(codes)

    def depot(
        self, entry: dict, path: tuple, communes: CommuneIndex | None, places: tuple[str, ...] | None
    ) -> Point | None:
        """The depot: a commune's town hall (``depot``) or a point (``depot_lat``/``depot_lon``)."""
        has_point = "depot_lat" in entry or "depot_lon" in entry
        if "depot" in entry and has_point:
            self.error(path + ("depot",), "dépôt donné deux fois ; attendu : soit depot, soit depot_lat et depot_lon")
            return None
        if has_point:
            lat = self.value(entry, path + ("depot_lat",), _number)
            lon = self.value(entry, path + ("depot_lon",), _number)
            name = self.value(entry, path + ("depot_name",), _text, default="Dépôt")
            if lat is None or lon is None or name is None:
                return None
            bad = check_in_france(lat, lon)
            if bad:
                self.error(path + (f"depot_{bad[0]}",), str(bad[1]))
                return None
            return Point(name, lat, lon)
        if "depot" in entry:
            code = self.value(entry, path + ("depot",), _text)
            if code is None or communes is None:
                return None
            code, error = communes.resolve(code)
            if error:
                self.error(path + ("depot",), error.replace("attendu :", "attendu : depot_lat et depot_lon, ou"))
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
        self.error(path + ("depot",), 'dépôt absent ; attendu : depot = "CODE_INSEE" ou depot_lat et depot_lon')
        return None


# --- value converters: TOML value -> model value, or FieldError -----------------------------------


def _describe(convert: Callable) -> str:
    return getattr(convert, "expected", "une valeur")


_Function = TypeVar("_Function", bound=Callable[..., Any])


def _expects(text: str) -> Callable[[_Function], _Function]:
    """Decorator: the converter's ``expected`` text (read with `_describe`)."""

    def mark(function: _Function) -> _Function:
        function.expected = text  # type: ignore[attr-defined]
        return function

    return mark


@_expects("du texte entre guillemets")
def _text(value: Any) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value).strip()
        if text:
            return text
    raise FieldError(f"« {shown(value)} » n'est pas un texte", "du texte entre guillemets, non vide")


@_expects('une liste de textes, ex. ["76217", "76259"]')
def _text_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_text(v) for v in value]
    raise FieldError(f"« {shown(value)} » n'est pas une liste", _describe(_text_list))


@_expects("un nombre (ex. 49.92)")
def _number(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise FieldError(f"« {shown(value)} » n'est pas un nombre fini", _describe(_number))


def _int_between(low: int, high: int) -> Callable[[Any], int]:
    expected = f"un nombre entier de {low} à {high}"

    @_expects(expected)
    def convert(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise FieldError(f"« {shown(value)} » n'est pas un nombre entier", expected)
        if not low <= value <= high:
            raise FieldError(f"{value} est hors de {low} à {high}", expected)
        return value

    return convert


@_expects("un nombre entier > 0")
def _positive_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldError(f"« {shown(value)} » n'est pas un nombre entier", "un nombre entier > 0")
    if value <= 0:
        raise FieldError(f"{value} est nul ou négatif", "un nombre entier > 0")
    return value


@_expects("un pas en minutes qui divise l'heure (1, 5, 10, 15, 20, 30, 60…)")
def _time_step(value: Any) -> int:
    step = _positive_int(value)
    if time_step_problem(step):
        raise FieldError(time_step_problem(step).split(" ; ")[0], _describe(_time_step))
    return step


@_expects(f"un nombre entier de semaines de 1 à {MAX_WEEKS}")
def _weeks(value: Any) -> int:
    weeks = _positive_int(value)
    if weeks > MAX_WEEKS:
        raise FieldError(f"{shown(weeks)} semaines dépassent la limite de {MAX_WEEKS} (deux ans)", _describe(_weeks))
    return weeks


@_expects("true ou false")
def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise FieldError(f"« {shown(value)} » n'est ni true ni false", "true ou false (sans guillemets)")


@_expects(DATE_EXPECTED)
def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return bounded_date(value.date())
    if isinstance(value, date):
        return bounded_date(value)
    if isinstance(value, str):
        return parse_date(value)
    raise FieldError(f"« {shown(value)} » n'est pas une date", "une date sans guillemets, ex. 2027-01-04")


@_expects('une liste de dates, ex. [2027-01-15, "2027-02-08..2027-02-12"]')
def _dates(value: Any) -> frozenset[date]:
    if not isinstance(value, list):
        raise FieldError(f"« {shown(value)} » n'est pas une liste", _describe(_dates))
    result: set[date] = set()
    for item in value:
        if isinstance(item, str):
            result |= expand(parse_dates_off(item))
        else:
            result.add(_date(item))
    return frozenset(result)


@_expects("une liste de fréquences décroissantes entre 0 et 7, ex. [1.0, 0.5, 0.25]")
def _frequencies(value: Any) -> tuple[float, ...]:
    if not isinstance(value, list) or not value:
        raise FieldError(f"« {shown(value)} » n'est pas une liste non vide", _describe(_frequencies))
    numbers = tuple(_number(v) for v in value)
    if any(not 0 <= n <= 7 for n in numbers):
        raise FieldError(f"{list(numbers)} contient une fréquence hors de 0 à 7", _describe(_frequencies))
    return numbers


@_expects("un code de subdivision du paquet holidays (ex. 6AE pour l'Alsace-Moselle), ou vide")
def _subdivision(value: Any) -> str:
    import holidays

    text = _text(value) if value != "" else ""
    known = set(holidays.France.subdivisions) | set(getattr(holidays.France, "subdivisions_aliases", {}))
    if text and text not in known:
        raise FieldError(f"« {text} » n'est pas une subdivision connue", _describe(_subdivision))
    return text


@_expects("bus ou fixed")
def _kind(value: Any) -> UnitKind:
    try:
        return UnitKind(str(value).strip().lower())
    except ValueError:
        raise FieldError(f"« {shown(value)} » n'est pas un type d'unité", "bus ou fixed") from None


@_expects(DAYS_EXPECTED)
def _days(value: Any) -> frozenset[int]:
    if isinstance(value, list):
        value = ",".join(_text(v) for v in value)
    return parse_days(_text(value))


@_expects("un jour de la semaine (lun, mardi…)")
def _one_day(value: Any) -> int:
    days = _days(value)
    if len(days) != 1:
        raise FieldError(f"« {shown(value)} » n'est pas un seul jour", "un jour de la semaine (lun, mardi…)")
    return next(iter(days))


@_expects(TIME_WINDOW_EXPECTED)
def _window(value: Any) -> TimeWindow:
    return parse_time_window(_text(value))


@_expects("une table rôle → nombre, ex. { doctor = 1, driver = 1 }")
def _crew(value: Any) -> dict[Role, int]:
    if not isinstance(value, dict):
        raise FieldError(f"« {shown(value)} » n'est pas une table", _describe(_crew))
    crew: dict[Role, int] = {}
    for key, count in value.items():
        role = parse_role(key)
        crew[role] = crew.get(role, 0) + _int_between(0, 50)(count)
    if not any(crew.values()):
        raise FieldError("équipage vide", "au moins une personne, ex. { doctor = 1 }")
    return crew


@_expects(f"une liste de rôles parmi {ROLES_EXPECTED}")
def _roles(value: Any) -> frozenset[Role]:
    return frozenset(parse_role(v) for v in _text_list(value))


def _parse(text: str, file: str, problems: Problems) -> dict[str, Any] | None:
    """The TOML document of ``text``, or None with a problem: invalid, too big or too deeply nested."""
    if len(text) > MAX_SCENARIO_BYTES:
        problems.add(file, None, None, f"fichier trop volumineux ; attendu : au plus {MAX_SCENARIO_BYTES // 1024} Kio")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        problems.add(
            file,
            int(match.group(1)) if match else None,
            None,
            f"syntaxe TOML invalide ({exc}) ; attendu : un fichier TOML comme dans docs/formats.md "
            "(textes entre guillemets, dates sans guillemets)",
        )
    except RecursionError:
        problems.add(
            file, None, None, f"tables ou listes imbriquées trop profondément ; attendu : au plus {MAX_NESTING} niveaux"
        )
    return None


def _check_values(reader: ScenarioReader) -> None:
    """Report every text too long or holding a control character, every list too long and every
    nesting too deep, in keys and values alike: they would reach the outputs or blow up the run."""
    stack: list[tuple[tuple, Any]] = [((), reader.doc)]
    while stack:
        path, value = stack.pop()
        if len(path) > MAX_NESTING:
            reader.error(path[:MAX_NESTING], f"imbrication trop profonde ; attendu : au plus {MAX_NESTING} niveaux")
            continue
        if isinstance(value, str):
            problem = text_problem(value, what="texte trop long")
            if problem:
                reader.error(path, problem)
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = text_problem(key, what="nom de clé trop long")
                if problem:
                    reader.error(path, f"nom de clé : {problem}")
                else:
                    stack.append((path + (key,), item))
        elif isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS:
                reader.error(path, f"liste de {len(value)} éléments ; attendu : au plus {MAX_LIST_ITEMS}")
            else:
                stack.extend((path + (i,), item) for i, item in enumerate(value))


def read_scenario_text(text: str | None, file: str, problems: Problems) -> ScenarioReader | None:
    """A reader over a TOML text, or None (with problems) when the text cannot be read safely:
    invalid TOML, too big or too deeply nested, or holding control characters."""
    if text is None:
        return None
    doc = _parse(text, file, problems)
    if doc is None:
        return None
    reader = ScenarioReader(doc, file, key_lines(text), problems)
    before = len(problems)
    _check_values(reader)
    return reader if len(problems) == before else None


def read_scenario(
    reader: ScenarioReader | None, communes: CommuneIndex | None, default_title: str
) -> tuple[Rules | None, tuple[Unit, ...], str, str]:
    """Rules, units, title and source of a scenario; problems go to the reader's list."""
    if reader is None:
        return None, (), default_title, ""
    title, source = reader.title(default_title)
    rules = reader.rules(communes)
    units = reader.units(communes, rules)
    if rules is not None:
        reader.check_pin_units(rules, units)
    return rules, units, title, source
