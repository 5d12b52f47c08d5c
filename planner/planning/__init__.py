"""Stage 4, planning: the `plan()` pipeline and its options, what was left out and why, re-planning,
the coordinator's changes and manual moves.

May import `planner.domain`, `planner.travel`, `planner.tours`, `planner.crews`, and `planner.check`
and `planner.results`, which it calls on every plan it returns.

This face exports what the later stages, the command line and the app use of the planning. Names are
imported on first use: `PlanOptions` and the changes are read by light commands that never solve.
Re-planning is `planner.replan` (`replan` is also this stage's module's name, which
`from planner.planning import replan` gives).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.lazy_names import import_on_first_use

#: Each exported name by the module that defines it, imported on first use (`__getattr__`).
_EXPORTS = {
    "CarriedOver": "planner.planning.changes",
    "CarryOverRefused": "planner.planning.changes",
    "Change": "planner.planning.changes",
    "CommuneClosed": "planner.planning.changes",
    "SessionMove": "planner.planning.changes",
    "StaffUnavailable": "planner.planning.changes",
    "UnitOutOfService": "planner.planning.changes",
    "apply_to_instance": "planner.planning.changes",
    "change_warnings": "planner.planning.changes",
    "changes_since": "planner.planning.changes",
    "check_changes": "planner.planning.changes",
    "parse_changes": "planner.planning.changes",
    "MoveOption": "planner.planning.move_candidates",
    "move_options": "planner.planning.move_candidates",
    "swap_options": "planner.planning.move_candidates",
    "MoveResult": "planner.planning.moves",
    "move_session": "planner.planning.moves",
    "reapply_moves": "planner.planning.moves",
    "swap_sessions": "planner.planning.swap",
    "PlanOptions": "planner.planning.options",
    "plan": "planner.planning.pipeline",
    "check_published": "planner.planning.published_plan",
    "published_travel": "planner.planning.published_plan",
    "summary_text": "planner.planning.replan_text",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what type checkers see: the names themselves
    from planner.planning.changes import (  # noqa: F401
        CarriedOver,
        CarryOverRefused,
        Change,
        CommuneClosed,
        SessionMove,
        StaffUnavailable,
        UnitOutOfService,
        apply_to_instance,
        change_warnings,
        changes_since,
        check_changes,
        parse_changes,
    )
    from planner.planning.move_candidates import MoveOption, move_options, swap_options  # noqa: F401
    from planner.planning.moves import MoveResult, move_session, reapply_moves  # noqa: F401
    from planner.planning.options import PlanOptions  # noqa: F401
    from planner.planning.pipeline import plan  # noqa: F401
    from planner.planning.published_plan import check_published, published_travel  # noqa: F401
    from planner.planning.replan_text import summary_text  # noqa: F401
    from planner.planning.swap import swap_sessions  # noqa: F401
else:
    __getattr__ = import_on_first_use(globals(), _EXPORTS)
