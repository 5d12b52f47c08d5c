"""Everything a plan is made from, as data that another process can store and rebuild.

A plan is only reproducible, re-plannable and re-publishable with its inputs: the territory's three
files as they were loaded, the settings the coordinator changed over them (the app's "Paramètres",
`planner plan --start/--weeks`), the solver options and the changes accepted in re-plans. `PlanInputs`
holds exactly that; `PlanInputs.instance()` rebuilds the `Instance` (files → settings → changes, in
that order), and `to_dict`/`from_dict` give the JSON form kept by the store and in ``plan.json``
(files by SHA-256 only: the store keeps their bytes once, see `planner.publish.store`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from planner.domain.errors import TourneeError
from planner.domain.french import number_fr
from planner.domain.instance import BannedDay, Instance, Pin, TimeWindow, Weights
from planner.domain.limits import shown
from planner.domain.plan import Plan
from planner.inputs import (
    DEMO_TERRITORY,
    builtin_territories,
    clean_roster,
    parse_territory,
    territory_paths,
)
from planner.inputs.territory import FOLDER_FILES
from planner.planning.changes import (
    Change,
    CommuneClosed,
    SessionMove,
    StaffUnavailable,
    UnitOutOfService,
    apply_to_instance,
)
from planner.planning.options import PlanOptions


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``: the name a file's bytes are stored under."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class TerritoryFiles:
    """A territory's three files as they were loaded (bytes), and its name."""

    name: str
    communes: bytes
    roster: bytes
    scenario: bytes

    def __post_init__(self) -> None:
        # Contact columns (telephone, email…) are never kept, not even in a stored version (docs/formats.md).
        object.__setattr__(self, "roster", clean_roster(self.roster))

    @classmethod
    def load(cls, territory: str | Path) -> TerritoryFiles:
        """The files of a built-in territory name or of a folder (see `planner.inputs.territory_paths`)."""
        name, paths = territory_paths(territory)
        try:
            return cls(name, *(p.read_bytes() for p in paths))
        except OSError as exc:
            msg = f"{exc.filename} : lecture impossible ({exc.strerror})"
            raise TourneeError(msg) from None

    def by_name(self) -> dict[str, bytes]:
        """``{"communes.csv": bytes, "roster.csv": …, "scenario.toml": …}``."""
        return dict(zip(FOLDER_FILES, (self.communes, self.roster, self.scenario), strict=True))

    def digests(self) -> dict[str, str]:
        return {file: sha256(data) for file, data in self.by_name().items()}

    def instance(self) -> Instance:
        """The instance the files describe; raises `InputError` listing every problem."""
        return parse_territory(self.communes, self.roster, self.scenario, name=self.name)


# --- Settings: what the coordinator changed over the files --------------------------------------


def _window(value: TimeWindow | None) -> Any:
    return None if value is None else [value.start, value.end]


def _window_back(value: Any) -> TimeWindow | None:
    return None if value is None else TimeWindow(int(value[0]), int(value[1]))


#: Each setting the coordinator may change: field → (to JSON, from JSON).
_Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]
_SAME: _Codec = (lambda v: v, lambda v: v)
RULE_SETTINGS: dict[str, _Codec] = {
    "start": (date.isoformat, date.fromisoformat),
    "weeks": _SAME,
    "session_minutes": _SAME,
    "min_gap_days": _SAME,
    "max_drive_between_sessions": _SAME,
    "public_holidays": _SAME,
    "time_step": _SAME,
    "setup_minutes": _SAME,
    "weights": (dataclasses.asdict, lambda v: Weights(**v)),
    "pins": (lambda v: [[p.insee, p.weekday, p.unit_id] for p in v], lambda v: tuple(Pin(*p) for p in v)),
    "banned_days": (lambda v: [[b.insee, b.weekday] for b in v], lambda v: tuple(BannedDay(*b) for b in v)),
}
UNIT_SETTINGS: dict[str, _Codec] = {
    "days": (sorted, frozenset),
    "hours": (_window, _window_back),
    "lunch": (_window, _window_back),
    "sessions_per_day": _SAME,
}
COMMUNE_SETTINGS: dict[str, _Codec] = {"visits_per_week": _SAME, "frequency_from_need": _SAME}


def _changed(before: Any, after: Any, codecs: Mapping[str, _Codec]) -> dict[str, Any]:
    return {
        key: encode(getattr(after, key))
        for key, (encode, _) in codecs.items()
        if getattr(before, key) != getattr(after, key)
    }


def _applied(item: Any, values: Mapping[str, Any], codecs: Mapping[str, _Codec], what: str) -> Any:
    unknown = sorted(set(values) - set(codecs))
    if unknown:
        msg = f"réglage(s) inconnu(s) pour {what} : {', '.join(unknown)}"
        raise TourneeError(msg)
    return dataclasses.replace(item, **{k: codecs[k][1](v) for k, v in values.items()})


@dataclass(frozen=True)
class Settings:
    """The values the coordinator set over the files', as JSON-ready data (only what differs).

    ``rules`` holds fields of `Rules` (`RULE_SETTINGS`), ``units`` and ``communes`` fields of a unit
    or commune by id (`UNIT_SETTINGS`, `COMMUNE_SETTINGS`).
    """

    rules: Mapping[str, Any] = field(default_factory=dict)
    units: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    communes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def between(cls, base: Instance, edited: Instance) -> Settings:
        """The settings that turn ``base`` into ``edited``.

        Raises ValueError when ``edited`` differs from ``base`` in something settings cannot hold
        (a new commune, a changed roster…): such an edit belongs in the files.
        """
        base_units = {u.id: u for u in base.units}
        units = {u.id: _changed(base_units[u.id], u, UNIT_SETTINGS) for u in edited.units if u.id in base_units}
        communes = {
            c.insee: _changed(base.commune(c.insee), c, COMMUNE_SETTINGS)
            for c in edited.communes
            if base.has_commune(c.insee)
        }
        settings = cls(
            _changed(base.rules, edited.rules, RULE_SETTINGS),
            {k: v for k, v in units.items() if v},
            {k: v for k, v in communes.items() if v},
        )
        if settings.apply(base) != edited:
            msg = "the edited instance differs from its files in more than the settings can hold"
            raise ValueError(msg)
        return settings

    def apply(self, instance: Instance) -> Instance:
        """``instance`` with these settings; a unit or commune the files no longer have is an error."""
        missing = [u for u in self.units if u not in {x.id for x in instance.units}]
        missing += [c for c in self.communes if not instance.has_commune(c)]
        if missing:
            msg = f"les réglages portent sur {', '.join(sorted(missing))}, absent(s) des fichiers du territoire"
            raise TourneeError(msg)
        units = tuple(_applied(u, self.units.get(u.id, {}), UNIT_SETTINGS, u.id) for u in instance.units)
        communes = tuple(
            _applied(c, self.communes.get(c.insee, {}), COMMUNE_SETTINGS, c.insee) for c in instance.communes
        )
        rules = _applied(instance.rules, self.rules, RULE_SETTINGS, "les règles")
        return instance.replace(rules=rules, units=units, communes=communes)

    def to_dict(self) -> dict[str, Any]:
        return {"rules": dict(self.rules), "units": {k: dict(v) for k, v in self.units.items()},
                "communes": {k: dict(v) for k, v in self.communes.items()}}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        return cls(dict(data.get("rules", {})), dict(data.get("units", {})), dict(data.get("communes", {})))


# --- Accepted changes ---------------------------------------------------------------------------


def change_to_dict(change: Change) -> dict[str, Any]:
    """A change as JSON-ready data: ``{"kind": "unavailable", "id": "d1", "first": …, "last": …}``."""
    if isinstance(change, CommuneClosed):
        return {"kind": "closed", "id": change.insee, "dates": sorted(d.isoformat() for d in change.dates)}
    if isinstance(change, StaffUnavailable):
        kind, ident = "unavailable", change.staff_id
    else:
        kind, ident = "out-of-service", change.unit_id
    return {"kind": kind, "id": ident, "first": change.first.isoformat(), "last": change.last.isoformat()}


def change_from_dict(data: Mapping[str, Any]) -> Change:
    """The change of `change_to_dict` data."""
    kind, ident = data["kind"], data["id"]
    if kind == "closed":
        return CommuneClosed(ident, frozenset(date.fromisoformat(d) for d in data["dates"]))
    span = (date.fromisoformat(data["first"]), date.fromisoformat(data["last"]))
    return StaffUnavailable(ident, *span) if kind == "unavailable" else UnitOutOfService(ident, *span)


@dataclass(frozen=True)
class AcceptedChange:
    """A change accepted in a re-plan made on ``today`` (nothing before ``today`` was changed)."""

    change: Change
    today: date

    def to_dict(self) -> dict[str, Any]:
        return {**change_to_dict(self.change), "today": self.today.isoformat()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AcceptedChange:
        return cls(change_from_dict(data), date.fromisoformat(data["today"]))


@dataclass(frozen=True)
class AcceptedMove:
    """A session moved by hand on ``today``: re-applied after the plan is made again."""

    move: SessionMove
    today: date

    def to_dict(self) -> dict[str, Any]:
        return {**self.move.as_dict(), "today": self.today.isoformat()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AcceptedMove:
        return cls(SessionMove.from_dict(data), date.fromisoformat(data["today"]))


def _options_from(data: Mapping[str, Any]) -> PlanOptions:
    known = {f.name for f in dataclasses.fields(PlanOptions)}
    unknown = sorted(set(data) - known)
    if unknown:
        msg = f"options de calcul inconnues de cette version de Tournée : {', '.join(unknown)}"
        raise TourneeError(msg)
    return PlanOptions(**data)


# --- The whole record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInputs:
    """A plan's inputs: the files, the settings over them, the solver options, the accepted changes."""

    files: TerritoryFiles
    settings: Settings = field(default_factory=Settings)
    options: PlanOptions = field(default_factory=PlanOptions)
    changes: tuple[AcceptedChange, ...] = ()
    moves: tuple[AcceptedMove, ...] = ()

    @property
    def territory(self) -> str:
        return self.files.name

    def base_instance(self) -> Instance:
        """The instance of the files and settings, before any accepted change."""
        return self.settings.apply(self.files.instance())

    def instance(self) -> Instance:
        """The instance the plan was made from: files, then settings, then each accepted change."""
        instance = self.base_instance()
        for accepted in self.changes:
            instance = apply_to_instance(instance, [accepted.change], today=accepted.today)
        return instance

    def with_changes(self, changes: Sequence[Change], today: date) -> PlanInputs:
        """These inputs after a re-plan made on ``today`` with ``changes`` was accepted."""
        return dataclasses.replace(self, changes=(*self.changes, *(AcceptedChange(c, today) for c in changes)))

    def with_move(self, move: SessionMove, today: date) -> PlanInputs:
        """These inputs after ``move`` was accepted on ``today``."""
        return dataclasses.replace(self, moves=(*self.moves, AcceptedMove(move, today)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; the files appear by name and SHA-256 only."""
        return {
            "territory": self.files.name,
            "files": self.files.digests(),
            "settings": self.settings.to_dict(),
            "options": dataclasses.asdict(self.options),
            "changes": [c.to_dict() for c in self.changes],
            "moves": [m.to_dict() for m in self.moves],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], file_bytes: Callable[[str], bytes | None]) -> PlanInputs:
        """Rebuild from `to_dict` data; ``file_bytes(sha256)`` gives a file's bytes (None if unknown).

        Raises `TourneeError` (French) when a file is missing or does not match its digest.
        """
        contents = []
        for file in FOLDER_FILES:
            digest = data["files"][file]
            content = file_bytes(digest)
            if content is None or sha256(content) != digest:
                msg = f"le fichier {file} (empreinte {digest[:12]}…) de « {data['territory']} » est introuvable"
                raise TourneeError(msg)
            contents.append(content)
        return cls(
            TerritoryFiles(data["territory"], *contents),
            Settings.from_dict(data.get("settings", {})),
            _options_from(data.get("options", {})),
            tuple(AcceptedChange.from_dict(c) for c in data.get("changes", [])),
            tuple(AcceptedMove.from_dict(m) for m in data.get("moves", [])),
        )


def inputs_of_plan_file(
    plan: Plan,
    data: Mapping[str, Any] | None,
    territory: str | Path | None,
    stored: Callable[[str], bytes | None] = lambda _digest: None,
) -> PlanInputs:
    """`_inputs_of_plan_file`, checked: an ``inputs`` object edited by hand (a missing key, a value of
    the wrong type, a setting out of bounds) is refused in French, never a traceback."""
    try:
        inputs = _inputs_of_plan_file(plan, data, territory, stored)
        inputs.instance()  # every setting and accepted change applies
    except TourneeError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        msg = (
            f"objet « inputs » du plan illisible ({type(exc).__name__} : {shown(exc)}) ; attendu : celui écrit par "
            "« planner plan » (ou retirez-le et donnez le dossier du territoire)"
        )
        raise TourneeError(msg) from None
    return inputs


def _inputs_of_plan_file(
    plan: Plan,
    data: Mapping[str, Any] | None,
    territory: str | Path | None,
    stored: Callable[[str], bytes | None] = lambda _digest: None,
) -> PlanInputs:
    """What a plan read from a ``plan.json`` was made from (``data``: its ``inputs`` object, if any).

    With ``data``, each file is taken from ``territory`` when given (it must still hold the very files
    the plan was made from), else from ``stored`` (a workspace's files, by SHA-256) or the built-in
    territory of that name. Without (a file of an earlier Tournée), the files of ``territory`` (the
    demo by default) with the plan's horizon and the default options. Raises `TourneeError` (French).
    """
    if data is None:
        files = TerritoryFiles.load(territory or DEMO_TERRITORY)
        base = files.instance().rules
        rules: dict[str, Any] = {"start": plan.start.isoformat()} if plan.start != base.start else {}
        rules |= {"weeks": plan.weeks} if plan.weeks != base.weeks else {}
        return PlanInputs(files, Settings(rules))
    name = str(data.get("territory", ""))
    candidates: dict[str, bytes] = {}
    if territory is not None:
        files = TerritoryFiles.load(territory)
        changed = [file for file, digest in files.digests().items() if digest != data.get("files", {}).get(file)]
        if changed:
            msg = (
                f"{', '.join(changed)} de « {territory} » n'est plus le fichier avec lequel ce plan a été "
                "calculé : recalculez le plan (planner plan) ou donnez les fichiers d'origine"
            )
            raise TourneeError(msg)
        candidates = {sha256(b): b for b in files.by_name().values()}
    elif name in builtin_territories():
        candidates = {sha256(b): b for b in TerritoryFiles.load(name).by_name().values()}
    try:
        return PlanInputs.from_dict(data, lambda digest: candidates.get(digest) or stored(digest))
    except TourneeError as exc:
        msg = f"{exc} : donnez le dossier du territoire du plan (planner publish PLAN.json DOSSIER)"
        raise TourneeError(msg) from None


_RULE_LABELS = {
    "session_minutes": "séance de {} min",
    "min_gap_days": "{} jour(s) entre deux visites",
    "max_drive_between_sessions": "{} min de route au plus entre deux séances",
    "public_holidays": "jours fériés : {}",
    "time_step": "horaires au pas de {} min",
    "setup_minutes": "{} min de mise en place",
}
_METHODS = {"cp-sat": "optimisation CP-SAT", "greedy": "méthode rapide"}
_ROADS = {"estimate": "estimation", "road": "routes OpenStreetMap", "auto": "routes si disponibles"}


def describe_inputs(data: Mapping[str, Any]) -> str:
    """`PlanInputs.to_dict` data in one French line: options, settings changed, accepted changes."""
    options = {**dataclasses.asdict(PlanOptions()), **data.get("options", {})}
    method = _METHODS.get(options["method"], options["method"])
    roads = _ROADS.get(options["roads"], options["roads"])
    budget = "temps selon la taille" if options["time_limit"] is None else f"{number_fr(options['time_limit'], None)} s"
    parts = [f"{method} {budget}, graine {options['seed']}, trajets : {roads}"]
    settings = Settings.from_dict(data.get("settings", {}))
    for key, value in settings.rules.items():
        if key in _RULE_LABELS:
            parts.append(_RULE_LABELS[key].format({True: "sans tournée", False: "travaillés"}.get(value, value)))
        elif key == "weights":
            parts.append("poids des objectifs modifiés")
    if settings.units:
        parts.append(f"jours ou horaires modifiés pour {', '.join(sorted(settings.units))}")
    if settings.communes:
        parts.append(f"objectifs de visite modifiés pour {len(settings.communes)} commune(s)")
    if settings.rules.get("pins") or settings.rules.get("banned_days"):
        parts.append(
            f"{len(settings.rules.get('pins', []))} épingle(s), "
            f"{len(settings.rules.get('banned_days', []))} jour(s) interdit(s)"
        )
    if data.get("changes"):
        parts.append(f"{len(data['changes'])} changement(s) accepté(s) en re-planification")
    if data.get("moves"):
        parts.append(f"{len(data['moves'])} séance(s) déplacée(s) à la main")
    return " ; ".join(parts)
