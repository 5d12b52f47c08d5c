"""Tournée: plans the weekly tours of mobile health units and the shifts of their crews.

Public API: load a territory (`load_territory`), plan it (`plan` with `PlanOptions`), check a plan
(`validate`), say it in French (`summary`), re-plan after a change (`replan`) and say whom to tell
(`notices`), write the outputs
(`write_outputs`). The stages are packages of their own (see docs/architecture.md): `domain`,
`inputs`, `travel`, `tours`, `crews`, `planning`, `check`, `results`, `publish`, `studies`; each
package's ``__init__`` is its face, which re-exports what the app and the command line use of it.

Names are imported on first use, so that `planner --help` does not pay for the solvers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.lazy_names import import_on_first_use

_EXPORTS = {
    "InputError": "planner.domain.errors",
    "Instance": "planner.domain.instance",
    "Plan": "planner.domain.plan",
    "PlanOptions": "planner.planning.options",
    "TourneeError": "planner.domain.errors",
    "builtin_territories": "planner.inputs",
    "load_territory": "planner.inputs",
    "notices": "planner.results.notices",
    "plan": "planner.planning.pipeline",
    "replan": "planner.planning.replan",
    "summary": "planner.results.summary",
    "validate": "planner.check.validate",
    "write_outputs": "planner.publish.outputs",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what type checkers see: the names themselves
    from planner.check.validate import validate  # noqa: F401
    from planner.domain.errors import InputError, TourneeError  # noqa: F401
    from planner.domain.instance import Instance  # noqa: F401
    from planner.domain.plan import Plan  # noqa: F401
    from planner.inputs import builtin_territories, load_territory  # noqa: F401
    from planner.planning.options import PlanOptions  # noqa: F401
    from planner.planning.pipeline import plan  # noqa: F401
    from planner.planning.replan import replan  # noqa: F401
    from planner.publish.outputs import write_outputs  # noqa: F401
    from planner.results.notices import notices  # noqa: F401
    from planner.results.summary import summary  # noqa: F401
else:
    __getattr__ = import_on_first_use(globals(), _EXPORTS)
