"""The coordinator's working copy: the territory's files (and the tables being edited), the settings
and options over them, the changes accepted in re-plans, the last plan and the changes being prepared.

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
from dataclasses import dataclass
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
    change_from_dict,
    change_to_dict,
    plan_from_dict,
    plan_to_dict,
    sha256,
    write_atomic,
)

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


def _path() -> Any:
    return workspace_root() / ".coordination" / FILE_NAME


def _encode(work: WorkingCopy) -> bytes:
    files = {sha256(b): base64.b64encode(b).decode("ascii") for b in work.inputs.files.by_name().values()}
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


def set_files(files: TerritoryFiles, sources: Sources | None = None) -> None:
    """Work on another territory (or on edited files): settings, accepted changes and the plan go."""
    current = work()
    edited = _next_revision(sources or sources_of(files))
    _set(WorkingCopy(PlanInputs(files, options=current.inputs.options), sources=edited))
    st.session_state.pop("replan_result", None)


def set_sources(sources: Sources) -> None:
    """Keep the files as edited, even when they still have problems."""
    _set(dataclasses.replace(work(), sources=_next_revision(sources)))


def set_settings(settings: Settings, options_: PlanOptions) -> None:
    """New settings and options over the same files; the plan made with the old ones goes."""
    inputs = dataclasses.replace(work().inputs, settings=settings, options=options_)
    _set(dataclasses.replace(work(), inputs=inputs, plan=None))


def set_plan(new: Plan) -> None:
    _set(dataclasses.replace(work(), plan=new))


def accept_move(move: SessionMove, today: date, new: Plan) -> None:
    """A manual move accepted: kept with the inputs (re-applied after the next "Planifier"), its plan shown."""
    _set(dataclasses.replace(work(), inputs=work().inputs.with_move(move, today), plan=new))


def set_pending(changes: tuple[Change, ...]) -> None:
    _set(dataclasses.replace(work(), pending=changes))


def accept(inputs: PlanInputs, new_plan: Plan) -> None:
    """A re-plan accepted: its inputs (with the changes) and its plan become the working copy."""
    _set(dataclasses.replace(work(), inputs=inputs, plan=new_plan, pending=()))


def start_from(inputs: PlanInputs, plan_: Plan, origin: str) -> None:
    """Work from a saved version: its inputs and plan, the files ready to edit."""
    _set(WorkingCopy(inputs, plan_, (), _next_revision(sources_of(inputs.files)), origin))
    st.session_state.pop("replan_result", None)
