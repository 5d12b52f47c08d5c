"""Inputs: reading and validating a territory's files (communes.csv, roster.csv, scenario.toml), and
building communes files from public data (`data_import`).

Every loader checks whole files and raises one `planner.domain.errors.InputError` listing every problem,
each naming the file, the row (header = row 1), the column, what is wrong and what is expected.
File loaders (``load_*``) take paths; ``parse_*`` take the text, bytes or DataFrame of an upload.
See docs/formats.md for the formats. May import `planner.domain` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from planner.domain.instance import Commune, Staff, Unit
from planner.inputs.communes import (
    DEFAULT_FREQUENCY_BY_NEED,
    CommuneIndex,
    frequencies_from_need,
    parse_communes,
)
from planner.inputs.fields import (
    FieldError,
    check_in_france,
    parse_availability,
    parse_bool,
    parse_date,
    parse_dates_off,
    parse_days,
    parse_frequency,
    parse_insee,
    parse_role,
    parse_roles,
    parse_time_window,
)
from planner.inputs.roster import parse_roster
from planner.inputs.territory import (
    DEMO_TERRITORY,
    builtin_territories,
    data_dir,
    load_scenario,
    load_territory,
    load_territory_files,
    parse_scenario,
    parse_territory,
    territory_paths,
)

__all__ = [
    "DEFAULT_FREQUENCY_BY_NEED",
    "DEMO_TERRITORY",
    "CommuneIndex",
    "FieldError",
    "builtin_territories",
    "check_in_france",
    "data_dir",
    "frequencies_from_need",
    "load_communes",
    "load_roster",
    "load_scenario",
    "load_territory",
    "load_territory_files",
    "parse_availability",
    "parse_bool",
    "parse_communes",
    "parse_date",
    "parse_dates_off",
    "parse_days",
    "parse_frequency",
    "parse_insee",
    "parse_role",
    "parse_roles",
    "parse_roster",
    "parse_scenario",
    "parse_territory",
    "parse_time_window",
    "territory_paths",
]


def load_communes(
    path: str | Path, *, frequency_by_need: Sequence[float] = DEFAULT_FREQUENCY_BY_NEED
) -> tuple[Commune, ...]:
    """The communes of a communes.csv; raises `InputError` with every problem of the file."""
    path = Path(path)
    return parse_communes(path, path.name, frequency_by_need=frequency_by_need)


def load_roster(
    path: str | Path, *, communes: Sequence[Commune] | None = None, units: Sequence[Unit] | None = None
) -> tuple[Staff, ...]:
    """The staff of a roster.csv, checked against ``communes`` and ``units`` when given."""
    path = Path(path)
    return parse_roster(path, path.name, communes=communes, units=units)
