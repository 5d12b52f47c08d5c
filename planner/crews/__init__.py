"""Stage 3, crews: who fills which role on which dated tour.

`rota_rules` (the model, its hard rules and every rule listed; the soft ones in `rota_soft_rules`
and `rota_travel`, their costs in `rota_costs`, shared facts in `rota_facts`), `rota_search`
(CP-SAT; its greedy start in `rota_start`, whole-horizon runs in `rota_whole`, windows in
`rota_windows`, model hints and readings in `rota_cpsat`) over `posts` (a bus's tour, or one
session of a fixed place), `staffing` (how many crews each date and session can have), `uncrewed`
(why a tour has no crew), `reschedule` (moving an uncrewed tour to a free day) and `far_shifts`
(shifts starting far from home, and why).

May import `planner.domain`, `planner.travel` and `planner.tours`.

This face exports what the later stages use of the crews. Names are imported on first use: OR-Tools
is loaded only by what solves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.lazy_names import import_on_first_use

#: Each exported name by the module that defines it, imported on first use (`__getattr__`).
_EXPORTS = {
    "FAR_SHIFT_KM": "planner.crews.far_shifts",
    "FarShift": "planner.crews.far_shifts",
    "explain_far_shifts": "planner.crews.far_shifts",
    "Post": "planner.crews.posts",
    "posts_of": "planner.crews.posts",
    "without_posts": "planner.crews.posts",
    "propose_moves": "planner.crews.reschedule",
    "CARE_ROLES": "planner.crews.rota_facts",
    "communes_of": "planner.crews.rota_facts",
    "offered_tours": "planner.crews.rota_rules",
    "staff_name": "planner.crews.rota_rules",
    "RotaResult": "planner.crews.rota_search",
    "assign_crews": "planner.crews.rota_search",
    "shift_key": "planner.crews.rota_search",
    "home_km": "planner.crews.rota_travel",
    "crew_counts": "planner.crews.staffing",
    "post_limits": "planner.crews.staffing",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what type checkers see: the names themselves
    from planner.crews.far_shifts import FAR_SHIFT_KM, FarShift, explain_far_shifts  # noqa: F401
    from planner.crews.posts import Post, posts_of, without_posts  # noqa: F401
    from planner.crews.reschedule import propose_moves  # noqa: F401
    from planner.crews.rota_facts import CARE_ROLES, communes_of  # noqa: F401
    from planner.crews.rota_rules import offered_tours, staff_name  # noqa: F401
    from planner.crews.rota_search import RotaResult, assign_crews, shift_key  # noqa: F401
    from planner.crews.rota_travel import home_km  # noqa: F401
    from planner.crews.staffing import crew_counts, post_limits  # noqa: F401
else:
    __getattr__ = import_on_first_use(globals(), _EXPORTS)
