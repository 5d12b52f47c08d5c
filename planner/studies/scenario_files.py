"""A scenario as a territory's three files: the communes as they are, the units and roster of the
scenario. Writing them is what makes a study reproducible: ``planner plan FOLDER`` plans the same.

`TerritoryTexts` holds a territory as texts and plain data (it travels to Dask workers);
`scenario_files` turns it and a `ScenarioParameters` into the three texts.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.domain.instance import Commune, Point
from planner.inputs import DEFAULT_FREQUENCY_BY_NEED, parse_communes
from planner.inputs.tables import decode
from planner.inputs.territory import FOLDER_FILES, territory_paths
from planner.studies.depots import choose_depots
from planner.studies.grid import ScenarioParameters, StudyError
from planner.studies.roster_scaling import scaled_roster

INSTALL_HINT = "pip install -e '.[study]'"


@dataclass(frozen=True)
class TerritoryTexts:
    """A territory's files as texts; ``scenario`` is the parsed scenario.toml, ``roster_csv`` None
    when the scenario's people are to be generated."""

    name: str
    communes_csv: str
    roster_csv: str | None
    scenario: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class ScenarioFiles:
    """The three texts of one scenario, as `planner plan` reads them from a folder."""

    communes_csv: str
    roster_csv: str
    scenario_toml: str

    def write(self, folder: str | Path) -> Path:
        """Write the three files into ``folder`` (created); returns the folder."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in zip(FOLDER_FILES, (self.communes_csv, self.roster_csv, self.scenario_toml), strict=True):
            (folder / name).write_text(text, encoding="utf-8")
        return folder


def territory_texts(name: str, communes_csv: str, roster_csv: str | None, scenario_toml: str) -> TerritoryTexts:
    """A territory from the texts of its files (an upload, an edit); the scenario must be valid TOML."""
    try:
        document = tomllib.loads(scenario_toml)
    except tomllib.TOMLDecodeError as exc:
        msg = f"scenario.toml de « {name} » : fichier TOML invalide ({exc}) ; vérifiez-le avec « planner check »"
        raise StudyError(msg) from None
    return TerritoryTexts(name, communes_csv, roster_csv, document)


def read_territory_texts(territory: str | Path) -> TerritoryTexts:
    """A built-in territory or a folder of three files, as texts (checked when planned)."""
    name, (communes, roster, scenario) = territory_paths(territory)
    texts = [decode(path.read_bytes()) for path in (communes, roster, scenario)]
    return territory_texts(name, *texts)


def with_rules(
    base: TerritoryTexts, *, weeks: int | None = None, frequency_by_need: Sequence[float] | None = None
) -> TerritoryTexts:
    """The territory with another horizon length or another ``frequency_by_need`` (the same for every scenario)."""
    document = copy.deepcopy(base.scenario)
    if weeks is not None:
        document.setdefault("horizon", {})["weeks"] = weeks
    if frequency_by_need is not None:
        document.setdefault("rules", {})["frequency_by_need"] = list(frequency_by_need)
    return TerritoryTexts(base.name, base.communes_csv, base.roster_csv, document)


def toml_writer() -> Any:
    try:
        import tomli_w
    except ImportError:
        msg = f"les études ont besoin du paquet tomli-w ; installez-le avec : {INSTALL_HINT}"
        raise StudyError(msg) from None
    return tomli_w


def _commune_of(reference: str, communes: Sequence[Commune]) -> Commune | None:
    text = str(reference).strip()
    return next((c for c in communes if c.insee == text.upper() or c.name == text), None)


def _depot_point(unit: dict[str, Any], communes: Sequence[Commune]) -> Point | None:
    """Where a unit of the scenario file is based, or None when it has no depot yet."""
    if "depot_lat" in unit and "depot_lon" in unit:
        return Point(str(unit.get("depot_name", "Dépôt")), float(unit["depot_lat"]), float(unit["depot_lon"]))
    commune = _commune_of(unit["depot"], communes) if "depot" in unit else None
    if commune is None and unit.get("places"):
        commune = _commune_of(unit["places"][0], communes)
    return Point(commune.name, commune.lat, commune.lon) if commune else None


def _added_unit(template: dict[str, Any], number: int) -> dict[str, Any]:
    """A copy of the territory's first unit, numbered, without its depot (chosen afterwards)."""
    unit = {
        k: copy.deepcopy(v) for k, v in template.items() if k not in ("depot", "depot_lat", "depot_lon", "depot_name")
    }
    unit["id"] = f"{template.get('id', 'unite')}-{number}"
    unit["name"] = f"{template.get('name', template.get('id', 'Unité'))} {number}"
    if unit.get("kind") == "fixed":
        unit["places"] = []  # a fixed place serves its own commune, set with its depot
    return unit


def _set_depot(unit: dict[str, Any], commune: Commune) -> None:
    for key in ("depot_lat", "depot_lon", "depot_name"):
        unit.pop(key, None)
    unit["depot"] = commune.insee
    if unit.get("kind") == "fixed":
        unit["places"] = [commune.insee]


def scenario_units(
    base: TerritoryTexts, params: ScenarioParameters, communes: Sequence[Commune], depots: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The scenario's ``[[units]]``: the territory's first units, then copies of its first unit.

    Depots: those listed (``depots``, INSEE codes, in unit order) first, then each unit's own, then
    the greedy choice of `planner.studies.depots` for the units still without one.
    """
    own = list(base.scenario.get("units", []))
    if not own:
        msg = (
            f"le scénario de « {base.name} » n'a aucune unité ([[units]]) : une étude ajoute des copies de la première"
        )
        raise StudyError(msg)
    units = [copy.deepcopy(own[i]) if i < len(own) else _added_unit(own[0], i + 1) for i in range(params.units)]
    for unit, code in zip(units, depots, strict=False):
        commune = _commune_of(code, communes)
        if commune is None:
            msg = (
                f"dépôt « {code} » : ce n'est pas une commune de « {base.name} » ; "
                "attendu : un code INSEE du territoire"
            )
            raise StudyError(msg)
        _set_depot(unit, commune)
    points = [_depot_point(unit, communes) for unit in units]
    missing = [i for i, point in enumerate(points) if point is None]
    chosen = choose_depots(communes, [p for p in points if p is not None], len(missing))
    for index, commune in zip(missing, chosen, strict=True):
        _set_depot(units[index], commune)
    if params.sessions_per_day is not None:
        for unit in units:
            unit["sessions_per_day"] = params.sessions_per_day
    return units


def scenario_files(base: TerritoryTexts, params: ScenarioParameters, depots: Sequence[str] = ()) -> ScenarioFiles:
    """The three files of ``params`` on ``base`` (units, depots and roster as docs/studies.md says)."""
    frequency = base.scenario.get("rules", {}).get("frequency_by_need", DEFAULT_FREQUENCY_BY_NEED)
    communes = parse_communes(base.communes_csv, frequency_by_need=frequency)
    units = scenario_units(base, params, communes, depots)
    document = copy.deepcopy(base.scenario)
    document["units"] = units
    roster = scaled_roster(
        base.roster_csv, units, base_units=len(base.scenario.get("units", [])), doctors=params.doctors
    )
    return ScenarioFiles(base.communes_csv, roster, toml_writer().dumps(document))
