"""Inputs: reading and validating a territory's files (communes.csv, roster.csv, scenario.toml), and
building communes files from public data (`data_import`, `builtin_communes`).

Every loader checks whole files and raises one `planner.domain.errors.InputError` listing every problem,
each naming the file, the row (header = row 1), the column, what is wrong and what is expected.
File loaders (``load_*``) take paths; ``parse_*`` take the text, bytes or DataFrame of an upload.
See docs/formats.md for the formats.

May import `planner.domain` only.

This face exports what the other stages, the command line and the app use of the inputs. The
loaders and parsers are imported with it (`planner check` needs them); the advice on odd inputs
(NumPy) and the data import (pandas, shapely) are imported on first use (`__getattr__`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from planner.domain.instance import Commune, Staff, Unit
from planner.domain.lazy_names import import_on_first_use
from planner.inputs.communes import (
    COMMUNE_COLUMNS,
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
from planner.inputs.roster import ROSTER_COLUMNS, clean_roster, dropped_roster_columns, parse_roster
from planner.inputs.tables import Problems, decode, read_table, rows_csv
from planner.inputs.territory import (
    DEMO_TERRITORY,
    FOLDER_FILES,
    builtin_territories,
    data_dir,
    load_scenario,
    load_territory,
    load_territory_files,
    parse_scenario,
    parse_territory,
    territory_paths,
)

#: Names imported on first use, by the module that defines them (`__getattr__`).
_EXPORTS = {
    "territory_warnings": "planner.inputs.advice",
    "roster_warnings": "planner.inputs.advice",
    "builtin_communes_dir": "planner.inputs.builtin_communes",
    "write_builtins": "planner.inputs.builtin_communes",
    "import_territory": "planner.inputs.data_import",
    "summary_fr": "planner.inputs.data_import",
    "write_communes_csv": "planner.inputs.data_import",
    "check_territory_folder": "planner.inputs.data_import",
    "write_territory_folder": "planner.inputs.data_import",
    "search_epcis": "planner.inputs.data_source",
    "add_need_figures": "planner.inputs.need_indicators",
    "merge_report_fr": "planner.inputs.need_indicators",
    "SOURCE_VERSION": "planner.inputs.data_source",
}

__all__ = [
    "COMMUNE_COLUMNS",
    "DEFAULT_FREQUENCY_BY_NEED",
    "DEMO_TERRITORY",
    "FOLDER_FILES",
    "ROSTER_COLUMNS",
    "SOURCE_VERSION",
    "CommuneIndex",
    "FieldError",
    "Problems",
    "add_need_figures",
    "builtin_communes_dir",
    "builtin_territories",
    "check_in_france",
    "check_territory_folder",
    "clean_roster",
    "data_dir",
    "decode",
    "dropped_roster_columns",
    "frequencies_from_need",
    "import_territory",
    "load_communes",
    "load_roster",
    "load_scenario",
    "load_territory",
    "load_territory_files",
    "merge_report_fr",
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
    "read_table",
    "roster_warnings",
    "rows_csv",
    "search_epcis",
    "summary_fr",
    "territory_paths",
    "territory_warnings",
    "write_builtins",
    "write_communes_csv",
    "write_territory_folder",
]

if TYPE_CHECKING:  # what type checkers see: the names themselves
    from planner.inputs.advice import roster_warnings, territory_warnings
    from planner.inputs.builtin_communes import builtin_communes_dir, write_builtins
    from planner.inputs.data_import import (
        check_territory_folder,
        import_territory,
        summary_fr,
        write_communes_csv,
        write_territory_folder,
    )
    from planner.inputs.data_source import SOURCE_VERSION, search_epcis
    from planner.inputs.need_indicators import add_need_figures, merge_report_fr
else:
    __getattr__ = import_on_first_use(globals(), _EXPORTS)


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
