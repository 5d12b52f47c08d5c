"""The working copy's history of accepted changes, so that the coordinator can undo the last one,
and what a working copy holds that a saved version lacks (its unpublished settings).

Each step keeps the state *before* one accepted change (the inputs and the plan then shown) with the
change's name in French; undoing restores that state. The history is plain data (`to_dict` /
`from_dict`, files by SHA-256 as in `PlanInputs.to_dict`), so that the app keeps it with the working
copy across page reloads (docs/architecture.md, "the coordinator's working copy").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from planner.domain.errors import TourneeError
from planner.domain.plan import Plan
from planner.planning.options import PlanOptions
from planner.publish.plan_inputs import PlanInputs, Settings, describe_inputs
from planner.publish.plan_json import plan_from_dict, plan_to_dict

#: Steps kept: the oldest go first (each holds a whole plan).
MAX_STEPS = 20


@dataclass(frozen=True)
class Step:
    """The state before an accepted change: ``label`` names the change (« Nouveau plan », « Re-plan… »)."""

    label: str
    inputs: PlanInputs
    plan: Plan | None


@dataclass(frozen=True)
class UndoHistory:
    """Accepted changes, oldest first; `undo` gives back the state before the last one."""

    steps: tuple[Step, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.steps)

    @property
    def last(self) -> Step | None:
        """The state before the last accepted change, or None when there is nothing to undo."""
        return self.steps[-1] if self.steps else None

    def record(self, label: str, inputs: PlanInputs, plan: Plan | None) -> UndoHistory:
        """This history once a change named ``label`` is accepted over ``inputs`` and ``plan``."""
        return UndoHistory((*self.steps, Step(label, inputs, plan))[-MAX_STEPS:])

    def undo(self) -> tuple[Step, UndoHistory]:
        """The state to go back to, and the history without it; a French error when it is empty."""
        if not self.steps:
            msg = "aucune modification à annuler : la copie de travail est telle qu'au départ"
            raise TourneeError(msg)
        return self.steps[-1], UndoHistory(self.steps[:-1])

    def last_plan(self) -> Plan | None:
        """The most recent plan of the history (what a new plan is compared with when none is shown)."""
        return next((s.plan for s in reversed(self.steps) if s.plan is not None), None)

    def files(self) -> dict[str, bytes]:
        """Every file the steps' inputs need, by SHA-256 (saved once each beside `to_dict`)."""
        found: dict[str, bytes] = {}
        for step in self.steps:
            by_name = step.inputs.files.by_name()
            found |= {digest: by_name[name] for name, digest in step.inputs.files.digests().items()}
        return found

    def to_dict(self) -> list[dict[str, Any]]:
        """JSON-ready data; the files appear by SHA-256 only (see `files`)."""
        return [
            {
                "label": s.label,
                "inputs": s.inputs.to_dict(),
                "plan": None if s.plan is None else plan_to_dict(s.plan),
            }
            for s in self.steps
        ]

    @classmethod
    def from_dict(cls, data: list[Mapping[str, Any]], file_bytes: Callable[[str], bytes | None]) -> UndoHistory:
        """Rebuild from `to_dict` data; ``file_bytes(sha256)`` gives a file's bytes."""
        return cls(
            tuple(
                Step(
                    s["label"],
                    PlanInputs.from_dict(s["inputs"], file_bytes),
                    None if s.get("plan") is None else plan_from_dict(s["plan"], source="historique"),
                )
                for s in data
            )
        )


def _prepared(work: PlanInputs, accepted: PlanInputs) -> dict[str, bool]:
    """Which of the files, settings and options of ``work`` the coordinator prepared and ``accepted``
    lacks. Settings and options left as they come (a fresh working copy's) were not prepared."""
    return {
        "files": work.files.digests() != accepted.files.digests(),
        "settings": work.settings not in (accepted.settings, Settings()),
        "options": work.options not in (accepted.options, PlanOptions()),
    }


def unpublished(work: PlanInputs, accepted: PlanInputs) -> list[str]:
    """What the working copy's inputs ``work`` hold that ``accepted`` (a saved version's inputs with a
    re-plan's changes) would drop, in French; empty when nothing would be lost (or another territory)."""
    if work.territory != accepted.territory:
        return []
    prepared = _prepared(work, accepted)
    lost = []
    if prepared["files"]:
        lost.append("les fichiers du territoire modifiés (communes, équipe ou scénario)")
    if prepared["settings"] or prepared["options"]:
        lost.append(f"les réglages « {describe_inputs(_settings_only(work))} »")
    changes = [c for c in work.changes if c not in accepted.changes]
    if changes:
        lost.append(f"{len(changes)} changement(s) accepté(s) en re-planification non publié(s)")
    moves = [m for m in work.moves if m not in accepted.moves]
    if moves:
        lost.append(f"{len(moves)} séance(s) déplacée(s) à la main non publiée(s)")
    return lost


def keep_unpublished(accepted: PlanInputs, work: PlanInputs) -> PlanInputs:
    """``accepted`` with what `unpublished` lists of ``work``: its files, settings and options where the
    coordinator prepared them, and the changes and moves only ``work`` has (a new plan then follows them)."""
    prepared = _prepared(work, accepted)
    return dataclasses.replace(
        accepted,
        files=work.files if prepared["files"] else accepted.files,
        settings=work.settings if prepared["settings"] else accepted.settings,
        options=work.options if prepared["options"] else accepted.options,
        changes=(*accepted.changes, *(c for c in work.changes if c not in accepted.changes)),
        moves=(*accepted.moves, *(m for m in work.moves if m not in accepted.moves)),
    )


def _settings_only(inputs: PlanInputs) -> dict[str, Any]:
    data = inputs.to_dict()
    return {"settings": data["settings"], "options": data["options"]}
