"""A territory = communes.csv + roster.csv + scenario.toml, read together into one `Instance`.

The three files are read in the order their contents depend on each other (the scenario's
``frequency_by_need`` → the communes → the units, which refer to communes → the roster, which refers
to communes and units), and every problem of every file is gathered before one `InputError` is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planner.domain.errors import TerritoryNotFound
from planner.domain.instance import Commune, Instance, Rules, Unit
from planner.domain.limits import MAX_SCENARIO_BYTES, shown
from planner.inputs.communes import (
    DEFAULT_FREQUENCY_BY_NEED,
    CommuneIndex,
    read_communes,
)
from planner.inputs.data_folders import data_dir
from planner.inputs.roster import check_crews, read_roster
from planner.inputs.scenario import read_scenario
from planner.inputs.scenario_text import read_scenario_text
from planner.inputs.tables import Problems, TableSource, decode, read_table, read_text

#: The built-in territory planned when none is named: the Médicobus of the Dieppe area.
DEMO_TERRITORY = "medicobus-dieppe"
FOLDER_FILES = ("communes.csv", "roster.csv", "scenario.toml")


def _builtin_paths(name: str, root: Path) -> tuple[Path, Path, Path]:
    return root / "communes" / f"{name}.csv", root / "roster" / f"{name}.csv", root / "scenarios" / f"{name}.toml"


def builtin_territories() -> list[str]:
    """Names of the built-in territories: those having all three files."""
    root = data_dir()
    names = {p.stem for p in (root / "scenarios").glob("*.toml")}
    return sorted(n for n in names if all(p.is_file() for p in _builtin_paths(n, root)))


def territory_paths(territory: str | Path) -> tuple[str, tuple[Path, Path, Path]]:
    """The name and the three files of a territory given by built-in name or by folder.

    Raises `TerritoryNotFound` (listing the built-in names) when neither resolves.
    """
    folder = Path(territory)
    if folder.is_dir():
        paths = tuple(folder / f for f in FOLDER_FILES)
        missing = [p.name for p in paths if not p.is_file()]
        if missing:
            msg = (
                f"le dossier {folder} ne contient pas {', '.join(missing)} ; "
                f"un territoire est un dossier avec {', '.join(FOLDER_FILES)} (voir docs/formats.md)"
            )
            raise TerritoryNotFound(msg)
        return folder.resolve().name, paths  # type: ignore[return-value]
    name = str(territory)
    if name in builtin_territories():
        return name, _builtin_paths(name, data_dir())
    known = ", ".join(builtin_territories()) or "aucun"
    msg = (
        f"territoire « {shown(name, max_chars=200)} » introuvable : ce n'est ni un territoire intégré ni un dossier. "
        f"Territoires intégrés : {known}. Un territoire à vous est un dossier avec {', '.join(FOLDER_FILES)}."
    )
    raise TerritoryNotFound(msg)


def _labels(paths: Sequence[Path]) -> list[str]:
    """Names shown in problems: the file names, with their folder when two names are the same."""
    names = [p.name for p in paths]
    if len(set(names)) < len(names):
        return [f"{p.parent.name}/{p.name}" for p in paths]
    return names


def _instance(
    communes_source: TableSource | None,
    roster_source: TableSource | None,
    scenario_text: str | None,
    labels: Sequence[str],
    name: str,
    problems: Problems,
) -> Instance:
    communes_label, roster_label, scenario_label = labels
    reader = read_scenario_text(scenario_text, scenario_label, problems)
    frequency_by_need = reader.frequency_by_need() if reader else DEFAULT_FREQUENCY_BY_NEED
    table = read_table(communes_source, communes_label, problems) if communes_source is not None else None
    communes, index = read_communes(table, problems, frequency_by_need)
    rules, units, title, source = read_scenario(reader, index, name)
    before_roster = len(problems)
    roster_table = read_table(roster_source, roster_label, problems) if roster_source is not None else None
    unit_ids = frozenset(reader.unit_ids) if reader else None
    staff = read_roster(roster_table, problems, communes=index, unit_ids=unit_ids)
    if roster_table is not None and len(problems) == before_roster:
        check_crews(units, staff, roster_label, problems)
    order = {label: i for i, label in enumerate(labels)}
    problems.items.sort(key=lambda p: (order.get(p.file, len(order)), p.row or 0))
    problems.raise_if_any()
    assert rules is not None  # no problem means the rules were read
    return Instance(name=name, communes=communes, units=units, staff=staff, rules=rules, title=title, source=source)


def load_territory_files(
    communes_path: str | Path, roster_path: str | Path, scenario_path: str | Path, *, name: str | None = None
) -> Instance:
    """An `Instance` from three files; raises `InputError` listing every problem of the three."""
    paths = [Path(communes_path), Path(roster_path), Path(scenario_path)]
    labels = _labels(paths)
    problems = Problems()
    scenario_text = read_text(paths[2], labels[2], problems, max_bytes=MAX_SCENARIO_BYTES)
    return _instance(paths[0], paths[1], scenario_text, labels, name or paths[2].stem, problems)


def load_territory(territory: str | Path) -> Instance:
    """An `Instance` from a built-in territory name (``medicobus-dieppe``) or a folder of three files.

    Raises `TerritoryNotFound` for an unknown name and `InputError` listing every problem found.
    """
    name, paths = territory_paths(territory)
    return load_territory_files(*paths, name=name)


def parse_territory(
    communes: TableSource,
    roster: TableSource,
    scenario: str | bytes,
    *,
    name: str = "territoire",
    filenames: Sequence[str] = FOLDER_FILES,
) -> Instance:
    """An `Instance` from uploaded contents (text, bytes or DataFrames); raises `InputError`."""
    text = decode(scenario) if isinstance(scenario, bytes) else scenario
    return _instance(communes, roster, text, list(filenames), name, Problems())


def parse_scenario(
    text: str | bytes, filename: str = "scenario.toml", *, communes: Sequence[Commune]
) -> tuple[Rules, tuple[Unit, ...], str, str]:
    """(rules, units, title, source) from a scenario's TOML text; raises `InputError` with every problem."""
    problems = Problems()
    reader = read_scenario_text(decode(text) if isinstance(text, bytes) else text, filename, problems)
    rules, units, title, source = read_scenario(reader, CommuneIndex.of(communes), Path(filename).stem)
    problems.raise_if_any()
    assert rules is not None
    return rules, units, title, source


def load_scenario(path: str | Path, *, communes: Sequence[Commune]) -> tuple[Rules, tuple[Unit, ...], str, str]:
    """(rules, units, title, source) from a scenario.toml; units refer to ``communes``."""
    path = Path(path)
    problems = Problems()
    text = read_text(path, path.name, problems, max_bytes=MAX_SCENARIO_BYTES)
    problems.raise_if_any()
    assert text is not None  # read_text reported why otherwise
    return parse_scenario(text, path.name, communes=communes)
