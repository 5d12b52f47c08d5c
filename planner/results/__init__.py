"""What a plan gives people: KPIs, what was left out, the summary, tables, staff loads, plan diffs,
week grids, what residents are told of their commune's visits and who to tell after a change.

Computed from the dated tours and shifts (never from solver bookkeeping).

May import `planner.domain`, `planner.travel`, `planner.tours` and `planner.crews` (for what each
person offered).

This face exports what the later stages, the command line and the app use of the results. Names are
imported on first use: the KPIs reach the crews' rules, hence OR-Tools, which a public page or the
version store need not load. The French summary of a plan is `planner.summary` (`summary` is also
this stage's module's name, which `from planner.results import summary` gives); so are the messages
of who to tell after a change, `planner.notices` (the `Notice` and `Notices` they give are here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.lazy_names import import_on_first_use

#: Each exported name by the module that defines it, imported on first use (`__getattr__`).
_EXPORTS = {
    "below_target": "planner.results.inversions",
    "blocking_rules": "planner.results.inversions",
    "commune_swaps": "planner.results.inversions",
    "Targets": "planner.results.kpis",
    "compute_kpis": "planner.results.kpis",
    "not_targeted": "planner.results.kpis",
    "unserved_communes": "planner.results.kpis",
    "Notice": "planner.results.notices",
    "Notices": "planner.results.notices",
    "mailto_url": "planner.results.notices",
    "need_source_sentence": "planner.results.need_source",
    "ChangeGrid": "planner.results.plan_compare",
    "KpiDelta": "planner.results.plan_compare",
    "key_figures": "planner.results.plan_compare",
    "change_grid": "planner.results.plan_compare",
    "changed_weeks": "planner.results.plan_compare",
    "kpi_deltas": "planner.results.plan_compare",
    "PlanDiff": "planner.results.plan_diff",
    "diff_plans": "planner.results.plan_diff",
    "Visit": "planner.results.public_visits",
    "commune_visits": "planner.results.public_visits",
    "public_reason": "planner.results.public_visits",
    "staff_totals": "planner.results.staff_load",
    "BELOW_TARGET": "planner.results.summary",
    "BY_CHOICE": "planner.results.summary",
    "KPI_LABELS": "planner.results.summary",
    "SHARE_KPIS": "planner.results.summary",
    "format_kpi": "planner.results.summary",
    "kpi_explanations": "planner.results.summary",
    "kpi_lines": "planner.results.summary",
    "in_french": "planner.results.tables",
    "sessions_table": "planner.results.tables",
    "shifts_table": "planner.results.tables",
    "WeekGrid": "planner.results.week_views",
    "day_label": "planner.results.week_views",
    "person_week": "planner.results.week_views",
    "rota_grid": "planner.results.week_views",
    "unit_week": "planner.results.week_views",
    "week_dates": "planner.results.week_views",
    "week_of": "planner.results.week_views",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what type checkers see: the names themselves
    from planner.results.inversions import below_target, blocking_rules, commune_swaps  # noqa: F401
    from planner.results.kpis import Targets, compute_kpis, not_targeted, unserved_communes  # noqa: F401
    from planner.results.need_source import need_source_sentence  # noqa: F401
    from planner.results.notices import Notice, Notices, mailto_url  # noqa: F401
    from planner.results.plan_compare import (  # noqa: F401
        ChangeGrid,
        KpiDelta,
        change_grid,
        changed_weeks,
        key_figures,
        kpi_deltas,
    )
    from planner.results.plan_diff import PlanDiff, diff_plans  # noqa: F401
    from planner.results.public_visits import Visit, commune_visits, public_reason  # noqa: F401
    from planner.results.staff_load import staff_totals  # noqa: F401
    from planner.results.summary import (  # noqa: F401
        BELOW_TARGET,
        BY_CHOICE,
        KPI_LABELS,
        SHARE_KPIS,
        format_kpi,
        kpi_explanations,
        kpi_lines,
    )
    from planner.results.tables import in_french, sessions_table, shifts_table  # noqa: F401
    from planner.results.week_views import (  # noqa: F401
        WeekGrid,
        day_label,
        person_week,
        rota_grid,
        unit_week,
        week_dates,
        week_of,
    )
else:
    __getattr__ = import_on_first_use(globals(), _EXPORTS)
