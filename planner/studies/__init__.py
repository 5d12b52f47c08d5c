"""Studies: many plans of one territory (how many units, how many volunteers?) or of every
intercommunality of a region at once, with their figures, chart and ranking (docs/studies.md).

Each scenario is written as a territory's three files and planned with the normal `plan`, so that
`planner plan` reproduces any row. Dask is imported only by `runner` when a cluster is asked for.

May import `planner.domain`, `planner.inputs`, `planner.travel`, `planner.tours`, `planner.crews`,
`planner.check`, `planner.results`, `planner.planning` and `planner.publish` (it plans, reads results
and writes files), never the command line.

This face exports what the command line and the app use of the studies, imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.lazy_names import import_on_first_use

#: Each exported name by the module that defines it, imported on first use (`__getattr__`).
_EXPORTS = {
    "COLUMNS": "planner.studies.figures",
    "OK": "planner.studies.figures",
    "parse_range": "planner.studies.grid",
    "RANKING_COLUMNS": "planner.studies.ranking",
    "FRANCE": "planner.studies.region",
    "REGION_TIME_LIMIT": "planner.studies.region_study",
    "RegionReport": "planner.studies.region_study",
    "RegionStudy": "planner.studies.region_study",
    "RegionOutputs": "planner.studies.region_study",
    "read_region_outputs": "planner.studies.region_study",
    "run_region_study": "planner.studies.region_study",
    "territory_texts": "planner.studies.scenario_files",
    "SCENARIOS_DIR": "planner.studies.study_run",
    "Execution": "planner.studies.study_run",
    "inputs_fingerprint": "planner.studies.study_run",
    "StudyReport": "planner.studies.territory_study",
    "TerritoryStudy": "planner.studies.territory_study",
    "run_territory_study": "planner.studies.territory_study",
    "study_options": "planner.studies.territory_study",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what type checkers see: the names themselves
    from planner.studies.figures import COLUMNS, OK  # noqa: F401
    from planner.studies.grid import parse_range  # noqa: F401
    from planner.studies.ranking import RANKING_COLUMNS  # noqa: F401
    from planner.studies.region import FRANCE  # noqa: F401
    from planner.studies.region_study import (  # noqa: F401
        REGION_TIME_LIMIT,
        RegionOutputs,
        RegionReport,
        RegionStudy,
        read_region_outputs,
        run_region_study,
    )
    from planner.studies.scenario_files import territory_texts  # noqa: F401
    from planner.studies.study_run import SCENARIOS_DIR, Execution, inputs_fingerprint  # noqa: F401
    from planner.studies.territory_study import (  # noqa: F401
        StudyReport,
        TerritoryStudy,
        run_territory_study,
        study_options,
    )
else:
    __getattr__ = import_on_first_use(globals(), _EXPORTS)
