"""A territory's three files as the coordinator edits them in the app, from the built-in data or uploads."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from planner.inputs import territory_paths
from planner.inputs.tables import Problems, decode, read_table

#: Largest upload accepted, in bytes (also `server.maxUploadSize` in .streamlit/config.toml).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Sources:
    """A territory's three files as the coordinator edits them: two tables (text cells) and TOML text.

    ``revision`` changes whenever the files are replaced, so that editors start afresh.
    """

    name: str
    communes: pd.DataFrame
    roster: pd.DataFrame
    scenario: str
    revision: int = 0

    def edited(self, communes: pd.DataFrame, roster: pd.DataFrame, scenario: str) -> Sources:
        return Sources(self.name, communes.reset_index(drop=True), roster.reset_index(drop=True), scenario)


def _frame(text: str, label: str) -> pd.DataFrame:
    """A CSV text as a table of text cells, read as the planner reads it (BOM, `;` or `,`)."""
    problems = Problems()
    table = read_table(text, label, problems)
    problems.raise_if_any()
    assert table is not None
    return pd.DataFrame([cells for _, cells in table.rows], columns=[c for c in table.columns if c], dtype=str).fillna("")


def builtin_sources(name: str) -> Sources:
    """The files of a built-in territory, ready to edit."""
    _, (communes, roster, scenario) = territory_paths(name)
    return Sources(
        name,
        _frame(decode(communes.read_bytes()), "communes.csv"),
        _frame(decode(roster.read_bytes()), "roster.csv"),
        decode(scenario.read_bytes()),
    )


def uploaded_sources(name: str, files: dict[str, bytes]) -> Sources:
    """Uploaded files (keys ``communes``, ``roster``, ``scenario``), ready to edit.

    Raises `InputError` when a CSV cannot be read at all.
    """
    return Sources(
        name.strip() or "mon-territoire",
        _frame(decode(files["communes"]), "communes.csv"),
        _frame(decode(files["roster"]), "roster.csv"),
        decode(files["scenario"]),
    )


def sources() -> Sources | None:
    return st.session_state.get("sources")


def set_sources(new: Sources) -> None:
    """Replace the edited files; problems found in the previous ones are forgotten."""
    revision = st.session_state.get("sources_revision", 0) + 1
    st.session_state["sources_revision"] = revision
    st.session_state["sources"] = dataclasses.replace(new, revision=revision)
    st.session_state["territory_problems"] = []
