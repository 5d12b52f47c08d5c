"""The coordinator's working copy: the territory's files (and the tables being edited), the settings
and options over them, the changes accepted in re-plans, the last plan, the changes being prepared and
the history of accepted changes (`planner.publish.UndoHistory`: « Annuler la dernière modification »).

A new plan or a move is first a *candidate* (`offer`), shown beside the current plan until the
coordinator accepts or discards it; candidates live in this session only.

It lives in the session state and, after every change, in the workspace on the server
(``.coordination/copie-de-travail.json`` under `files.workspace_root`, written atomically), so that
after a page reload and a new log-in everything is where it was. The instance is always rebuilt from
the inputs (`planner.publish.PlanInputs`), exactly as a saved version is.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import streamlit as st

from app_pages.ui.files import workspace_root
from app_pages.ui.plan_cache import default_options
from app_pages.ui.territory_files import Sources, sources_of
from planner import TourneeError
from planner.domain import Instance, Plan
from planner.inputs import DEMO_TERRITORY
from planner.planning import Change, PlanOptions, SessionMove
from planner.publish import (
    PlanInputs,
    Settings,
    TerritoryFiles,
    UndoHistory,
    change_from_dict,
    change_to_dict,
    plan_from_dict,
    plan_to_dict,
    sha256,
    write_atomic,
)
from planner.results import diff_plans

log = logging.getLogger("tournee.app")

#: Format of the saved working copy; another one is not read (the coordinator starts afresh).
SCHEMA = "tournee.copie/1"
FILE_NAME = "copie-de-travail.json"


@dataclass(frozen=True)
class WorkingCopy:
    """Everything the coordinator is working on. ``sources`` are the files as last edited (even
    with problems); ``origin`` says where the copy comes from ("version 3 du 04/01/2027…")."""

    inputs: PlanInputs
    plan: Plan | None = None
    pending: tuple[Change, ...] = ()
    sources: Sources | None = None
    origin: str = ""
    history: UndoHistory = field(default_factory=UndoHistory)


@dataclass(frozen=True)
class Candidate:
    """A plan offered to replace the working copy's (`offer`): what it is (``label``, French), the
    inputs it goes with, and the inputs it was offered over (it lapses when they change)."""

    label: str
    inputs: PlanInputs
    plan: Plan
    over: PlanInputs


def _path() -> Any:
    return workspace_root() / ".coordination" / FILE_NAME


def _encode(work: WorkingCopy) -> bytes:
    kept = {sha256(b): b for b in work.inputs.files.by_name().values()} | work.history.files()
    files = {digest: base64.b64encode(b).decode("ascii") for digest, b in kept.items()}
    sources = None
    if work.sources is not None:
        edited = work.sources.files()
        sources = {"name": edited.name, **{k: v.decode("utf-8") for k, v in edited.by_name().items()}}
    data = {
        "schema": SCHEMA,
        "files": files,
        "inputs": work.inputs.to_dict(),
        "plan": None if work.plan is None else plan_to_dict(work.plan),
        "pending": [change_to_dict(c) for c in work.pending],
        "sources": sources,
        "origin": work.origin,
        "history": work.history.to_dict(),
    }
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _decode(text: bytes) -> WorkingCopy:
    data = json.loads(text)
    if data.get("schema") != SCHEMA:
        msg = f"format {data.get('schema')!r} inconnu"
        raise ValueError(msg)
    files = {digest: base64.b64decode(content) for digest, content in data["files"].items()}
    sources = None
    if data.get("sources"):
        raw = data["sources"]
        edited = TerritoryFiles(
            raw["name"], *(raw[k].encode("utf-8") for k in ("communes.csv", "roster.csv", "scenario.toml"))
        )
        sources = sources_of(edited)
    return WorkingCopy(
        PlanInputs.from_dict(data["inputs"], files.get),
        None if data.get("plan") is None else plan_from_dict(data["plan"], source=FILE_NAME),
        tuple(change_from_dict(c) for c in data.get("pending", [])),
        sources,
        data.get("origin", ""),
        UndoHistory.from_dict(data.get("history", []), files.get),
    )


def _fresh() -> WorkingCopy:
    return WorkingCopy(PlanInputs(TerritoryFiles.load(DEMO_TERRITORY), options=default_options()))


def work() -> WorkingCopy:
    """The working copy: this session's, else the one saved on the server, else the demo territory."""
    if "work" not in st.session_state:
        path = _path()
        copy = None
        if path.is_file():
            try:
                copy = _decode(path.read_bytes())
            except (OSError, ValueError, KeyError, TypeError, TourneeError) as exc:
                log.warning("the saved working copy %s cannot be read (%s): starting afresh", path, exc)
        st.session_state["work"] = copy or _fresh()
    return st.session_state["work"]


def _set(new: WorkingCopy) -> None:
    st.session_state["work"] = new
    write_atomic(_path(), _encode(new))


def instance() -> Instance:
    """The territory as it is being planned: files, settings, accepted changes (rebuilt once per change)."""
    current = work()
    cached = st.session_state.get("work_instance")
    if cached is None or cached[0] is not current.inputs:
        cached = (current.inputs, current.inputs.instance())
        st.session_state["work_instance"] = cached
    return cached[1]


def base_instance() -> Instance:
    """The territory of the files and settings, before the changes accepted in re-plans."""
    return work().inputs.base_instance()


def files_instance() -> Instance:
    """The territory of the files alone (what the settings are measured against)."""
    return work().inputs.files.instance()


def territory() -> str:
    return work().inputs.territory


def options() -> PlanOptions:
    return work().inputs.options


def plan() -> Plan | None:
    """The plan of the working copy, or None before "Planifier"."""
    return work().plan


def pending() -> tuple[Change, ...]:
    """Changes prepared on "Re-planifier", not yet accepted."""
    return work().pending


def _next_revision(sources: Sources) -> Sources:
    """``sources`` with a revision the editors have not seen, so that they start afresh."""
    old = work().sources
    return dataclasses.replace(sources, revision=(old.revision + 1) if old else 1)


def history() -> UndoHistory:
    """The accepted changes that « Annuler la dernière modification » can undo, oldest first."""
    return work().history


#: The name of a settings change in the history (several in a row, with no plan between, are one).
SETTINGS_CHANGED = "Réglages modifiés"


def _accept(label: str, new: WorkingCopy) -> None:
    """``new`` becomes the working copy; the state before it goes into the history as ``label``."""
    old = work()
    _set(dataclasses.replace(new, history=old.history.record(label, old.inputs, old.plan)))
    st.session_state.pop("candidate", None)


def set_files(files: TerritoryFiles, sources: Sources | None = None) -> None:
    """Work on another territory (or on edited files): settings, accepted changes and the plan go
    (« Annuler la dernière modification » brings them back)."""
    current = work()
    edited = _next_revision(sources or sources_of(files))
    _accept("Fichiers du territoire", WorkingCopy(PlanInputs(files, options=current.inputs.options), sources=edited))
    st.session_state.pop("replan_result", None)


def set_sources(sources: Sources) -> None:
    """Keep the files as edited, even when they still have problems."""
    _set(dataclasses.replace(work(), sources=_next_revision(sources)))


def set_settings(settings: Settings, options_: PlanOptions) -> None:
    """New settings and options over the same files; the plan made with the old ones goes (it stays
    in the history: the next plan is compared with it, and undoing brings it back)."""
    current = work()
    inputs = dataclasses.replace(current.inputs, settings=settings, options=options_)
    if inputs == current.inputs:
        return
    new = dataclasses.replace(current, inputs=inputs, plan=None)
    last = current.history.last
    if current.plan is None and last is not None and last.label == SETTINGS_CHANGED:
        _set(new)  # the settings changed again since the last plan: one step to undo
    else:
        _accept(SETTINGS_CHANGED, new)


def reference_plan() -> Plan | None:
    """The plan a new one is compared with: the one shown, else the last one before the settings changed."""
    return plan() or history().last_plan()


def offer(label: str, inputs: PlanInputs, new: Plan) -> bool:
    """Offer ``new`` (made from ``inputs``) in place of the working copy's plan: accepted at once when
    there is nothing to compare it with, else kept as the candidate until `accept_candidate` or
    `discard_candidate`. False when it is the plan shown already (same sessions, crews and inputs)."""
    reference, shown = reference_plan(), plan()
    if reference is None:
        _accept(label, dataclasses.replace(work(), inputs=inputs, plan=new))
    elif shown is not None and inputs == work().inputs and diff_plans(shown, new).is_empty:
        st.session_state.pop("candidate", None)
        return False
    else:
        st.session_state["candidate"] = Candidate(label, inputs, new, work().inputs)
    return True


def candidate() -> Candidate | None:
    """The plan offered and not yet accepted nor discarded (None once the working copy changed)."""
    found = st.session_state.get("candidate")
    return found if found is not None and found.over is work().inputs else None


def accept_candidate() -> None:
    offered = candidate()
    if offered is not None:
        _accept(offered.label, dataclasses.replace(work(), inputs=offered.inputs, plan=offered.plan))


def discard_candidate() -> None:
    st.session_state.pop("candidate", None)


def accept_move(move: SessionMove, today: date, new: Plan) -> None:
    """A manual move or swap made: offered beside the current plan (`offer`); once accepted it is kept
    with the inputs (re-applied after the next "Planifier")."""
    label = "Séances échangées" if move.swap_with else "Séance déplacée"
    offer(label, work().inputs.with_move(move, today), new)


def set_pending(changes: tuple[Change, ...]) -> None:
    _set(dataclasses.replace(work(), pending=changes))


def accept(inputs: PlanInputs, new_plan: Plan, label: str = "Re-planification") -> None:
    """A re-plan accepted: its inputs (with the changes) and its plan become the working copy."""
    _accept(label, dataclasses.replace(work(), inputs=inputs, plan=new_plan, pending=()))


def put_back(inputs: PlanInputs) -> None:
    """Inputs prepared before an accepted change and kept through it (`planner.publish.keep_unpublished`):
    as after a change of settings, the plan made without them goes (it stays in the history)."""
    _accept("Réglages non publiés remis", dataclasses.replace(work(), inputs=inputs, plan=None))


def start_from(inputs: PlanInputs, plan_: Plan, origin: str) -> None:
    """Work from a saved version: its inputs and plan, the files ready to edit."""
    _accept(f"Reprise de la {origin}", WorkingCopy(inputs, plan_, (), _next_revision(sources_of(inputs.files)), origin))
    st.session_state.pop("replan_result", None)


def undo() -> str:
    """Go back to the state before the last accepted change; returns that change's name (French).
    Raises `TourneeError` when there is nothing to undo."""
    current = work()
    step, rest = current.history.undo()
    sources = current.sources
    if step.inputs.files != current.inputs.files:
        sources = _next_revision(sources_of(step.inputs.files))  # the editors show the files back
    _set(dataclasses.replace(current, inputs=step.inputs, plan=step.plan, sources=sources, history=rest))
    for key in ("candidate", "replan_result"):
        st.session_state.pop(key, None)
    return step.label
