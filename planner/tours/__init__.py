"""Stage 2, tours: which commune each unit serves on which weekday (the weekly pattern), laid over the
real dates, each day ordered and timed.

`pattern_problem` derives slots and candidates, `pattern_search` chooses with CP-SAT (`cpsat`: its
deterministic settings), `greedy_pattern` is its hint and baseline, `pattern_relaxation` its bound,
`catchment` gives fixed places their communes, `rollout` lays the pattern over the calendar and
`day_routing` times one day with OR-Tools routing.

May import `planner.domain` and `planner.travel`.

This face exports what the later stages use of the tours. Names are imported on first use: OR-Tools
is loaded only by what solves. `greedy_pattern` is also a module's name, so the function is imported
from `planner.tours.greedy_pattern` (a face never exports a name one of its modules has).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.lazy_names import import_on_first_use

#: Each exported name by the module that defines it, imported on first use (`__getattr__`).
_EXPORTS = {
    "Catchment": "planner.tours.catchment",
    "catchment_demand": "planner.tours.catchment",
    "catchment_of": "planner.tours.catchment",
    "catchments": "planner.tours.catchment",
    "configure_deterministic": "planner.tours.cpsat",
    "fixed_session_times": "planner.tours.day_routing",
    "route_day": "planner.tours.day_routing",
    "SHORTLIST_FACTOR": "planner.tours.pattern_problem",
    "Crews": "planner.tours.pattern_problem",
    "Pattern": "planner.tours.pattern_problem",
    "PatternProblem": "planner.tours.pattern_problem",
    "PostLimit": "planner.tours.pattern_problem",
    "any_crew": "planner.tours.pattern_problem",
    "build_problem": "planner.tours.pattern_problem",
    "reachable": "planner.tours.pattern_problem",
    "site_hours_fit": "planner.tours.pattern_problem",
    "units_for": "planner.tours.pattern_problem",
    "solve_pattern": "planner.tours.pattern_search",
    "tighten_bound": "planner.tours.pattern_search",
    "roll_out": "planner.tours.rollout",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what type checkers see: the names themselves
    from planner.tours.catchment import Catchment, catchment_demand, catchment_of, catchments  # noqa: F401
    from planner.tours.cpsat import configure_deterministic  # noqa: F401
    from planner.tours.day_routing import fixed_session_times, route_day  # noqa: F401
    from planner.tours.pattern_problem import (  # noqa: F401
        SHORTLIST_FACTOR,
        Crews,
        Pattern,
        PatternProblem,
        PostLimit,
        any_crew,
        build_problem,
        reachable,
        site_hours_fit,
        units_for,
    )
    from planner.tours.pattern_search import solve_pattern, tighten_bound  # noqa: F401
    from planner.tours.rollout import roll_out  # noqa: F401
else:
    __getattr__ = import_on_first_use(globals(), _EXPORTS)
