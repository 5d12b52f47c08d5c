"""scenario.toml: the planning horizon, the rules, the objective weights, the commune closures, pins
and banned days, and the units (`planner.inputs.scenario_units`), read by one `ScenarioReader`.

See docs/formats.md for the keys. Problems name the line of the key in the file (found by a light
scan of the text, as `tomllib` gives no positions: `planner.inputs.scenario_text`) and the key as
``table.key``; each value is converted by one converter of `planner.inputs.scenario_values`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from planner.domain.instance import BannedDay, CommuneClosure, Pin, Rules, Unit, Weights
from planner.domain.limits import horizon_problem
from planner.inputs.communes import DEFAULT_FREQUENCY_BY_NEED, CommuneIndex
from planner.inputs.fields import FieldError
from planner.inputs.scenario_units import read_units
from planner.inputs.scenario_values import (
    as_bool,
    as_date,
    as_dates,
    as_days,
    as_frequencies,
    as_identifier,
    as_one_day,
    as_positive_int,
    as_subdivision,
    as_text,
    as_time_step,
    as_weeks,
    describe,
    int_between,
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
CLOSURE_KEYS = ("insee", "dates")
PIN_KEYS = ("insee", "day", "unit")
BAN_KEYS = ("insee", "days")
_MISSING = object()


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
                self.error(path, f"clé « {key} » absente ; attendu : {describe(convert)}")
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
            return as_frequencies(rules["frequency_by_need"])
        except (FieldError, KeyError, TypeError):
            return DEFAULT_FREQUENCY_BY_NEED

    def title(self, default: str) -> tuple[str, str]:
        self.unknown_keys(self.doc, TOP_KEYS, ())
        name = self.value(self.doc, ("name",), as_text, default=default)
        source = self.value(self.doc, ("source",), as_text, default="")
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
            start = self.value(horizon, ("horizon", "start"), as_date)
            weeks = self.value(horizon, ("horizon", "weeks"), as_weeks)
        self.unknown_keys(rules, RULES_KEYS, ("rules",))
        defaults = Rules(start=date(2000, 1, 3), weeks=1)
        path = ("rules",)
        options = dict(
            session_minutes=self.value(
                rules, path + ("session_minutes",), as_positive_int, default=defaults.session_minutes
            ),
            min_gap_days=self.value(rules, path + ("min_gap_days",), int_between(0, 6), default=defaults.min_gap_days),
            public_holidays=self.value(rules, path + ("public_holidays",), as_bool, default=True),
            holiday_subdivision=self.value(rules, path + ("holiday_subdivision",), as_subdivision, default=""),
            closures=self.value(rules, path + ("closures",), as_dates, default=frozenset()),
            max_drive_between_sessions=self.value(
                rules, path + ("max_drive_between_sessions",), int_between(0, 24 * 60), default=30
            ),
            frequency_by_need=self.value(
                rules, path + ("frequency_by_need",), as_frequencies, default=DEFAULT_FREQUENCY_BY_NEED
            ),
            need_tolerance_percent=self.value(
                rules, path + ("need_tolerance_percent",), int_between(0, 50), default=defaults.need_tolerance_percent
            ),
            catchment_minutes=self.value(
                rules, path + ("catchment_minutes",), int_between(0, 240), default=defaults.catchment_minutes
            ),
            need_per_weekly_session=self.value(
                rules,
                path + ("need_per_weekly_session",),
                int_between(1, 10**6),
                default=defaults.need_per_weekly_session,
            ),
            time_step=self.value(rules, path + ("time_step",), as_time_step, default=defaults.time_step),
            setup_minutes=self.value(
                rules, path + ("setup_minutes",), int_between(0, 240), default=defaults.setup_minutes
            ),
        )
        self.on_grid(path + ("session_minutes",), options["session_minutes"], options["time_step"])
        self.unknown_keys(weights_table, WEIGHT_KEYS, ("weights",))
        weights = {
            k: self.value(weights_table, ("weights", k), int_between(0, 10**6), default=getattr(Weights(), k))
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
        insee = self.value(entry, path + ("insee",), as_identifier)
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
            day = self.value(entry, path + ("day",), as_one_day)
            unit = self.value(entry, path + ("unit",), as_identifier, default="")
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
            days = self.value(entry, path + ("days",), as_days)
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
            insee = self.value(entry, path + ("insee",), as_identifier)
            dates = self.value(entry, path + ("dates",), as_dates)
            if insee is not None and communes is not None:
                insee, error = communes.resolve(insee)
                if error:
                    self.error(path + ("insee",), error)
            if insee is None or dates is None:
                ok = False
            else:
                result.append(CommuneClosure(insee, dates))
        return tuple(result) if ok else None


def read_scenario(
    reader: ScenarioReader | None, communes: CommuneIndex | None, default_title: str
) -> tuple[Rules | None, tuple[Unit, ...], str, str]:
    """Rules, units, title and source of a scenario; problems go to the reader's list."""
    if reader is None:
        return None, (), default_title, ""
    title, source = reader.title(default_title)
    rules = reader.rules(communes)
    units = read_units(reader, communes, rules)
    if rules is not None:
        reader.check_pin_units(rules, units)
    return rules, units, title, source
