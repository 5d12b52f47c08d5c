"""A candidate plan beside the current one, before it replaces it, and the undo button.

Every candidate — a new plan on "Planifier" (new settings), a move, a re-plan on "Re-planifier" —
is shown the same way: the key figures with their differences (`planner.results.kpi_deltas`), the
others on demand, the sessions added, removed and moved (`planner.results.diff_plans`), and the
week grid with those sessions highlighted (`planner.results.change_grid`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages.ui import session, views
from app_pages.ui.streamlit_fr import CHOOSE
from planner import TourneeError
from planner.domain import Instance, Plan, date_fr
from planner.results import PlanDiff, change_grid, changed_weeks, diff_plans, kpi_deltas, week_dates


def labels(instance: Instance) -> dict[str, dict[str, str]]:
    """Names of communes, units and people, for the diff's text."""
    return {
        "communes": {c.insee: c.name for c in instance.communes},
        "units": {u.id: u.name for u in instance.units},
        "staff": {p.id: p.name for p in instance.staff},
    }


#: Metric labels wrap instead of ending in « … » when a column is narrow (Streamlit cuts them).
_WHOLE_LABELS = (
    "<style>[data-testid='stMetricLabel'] * { white-space: normal !important; overflow: visible !important;"
    " text-overflow: clip !important; }</style>"
)


def figure_strip(figures: list[dict[str, Any]]) -> None:
    """Key figures in one row (`st.metric` arguments each), their labels never cut."""
    st.html(_WHOLE_LABELS)
    for column, figure in zip(st.columns(len(figures)), figures):
        column.metric(**figure, border=True)


def show(instance: Instance, current: Plan, candidate: Plan, *, key: str) -> PlanDiff:
    """The candidate beside the current plan: figures, changes, the week grid; returns the diff."""
    deltas = kpi_deltas(current, candidate)
    figure_strip(
        [
            {
                "label": d.label, "value": d.after, "delta": d.delta or None, "help": f"Plan actuel : {d.before}",
                "delta_color": "inverse" if d.lower_is_better else "normal",
            }
            for d in deltas
            if d.is_key
        ]
    )  # fmt: skip
    with st.expander("Tous les indicateurs, avant et après"):
        st.dataframe(
            [{"indicateur": d.label, "actuel": d.before, "proposé": d.after, "écart": d.delta} for d in deltas],
            hide_index=True, width="stretch",
        )  # fmt: skip
    diff = diff_plans(current, candidate, labels=labels(instance))
    st.markdown(
        f"**{len(diff.added)}** séance(s) ajoutée(s), **{len(diff.removed)}** supprimée(s), "
        f"**{len(diff.moved)}** déplacée(s) ; **{len(diff.shifts_changed)}** garde(s) changée(s)."
    )
    if not diff.is_empty:
        with st.expander("Liste des changements"):
            st.text(diff.text())
    weeks = changed_weeks(candidate, diff)
    if weeks:
        week = st.selectbox(
            "Semaine comparée (seules les semaines qui changent)", weeks, placeholder=CHOOSE,
            format_func=lambda w: f"semaine {w + 1} (du {date_fr(week_dates(candidate, w)[0])})", key=f"{key}-week",
        )  # fmt: skip
        views.show_change_grid(change_grid(instance, current, candidate, diff, weeks[0] if week is None else week))
    return diff


def candidate_panel(instance: Instance) -> None:
    """The candidate of "Planifier" (a new plan or a move), with « Accepter » and « Écarter »."""
    offered = session.candidate()
    current = session.reference_plan()
    if offered is None or current is None:
        return
    shown = session.plan() is not None
    st.subheader(f"Plan proposé : {offered.label.lower()}")
    st.caption(
        "Comparé au plan affiché."
        if shown
        else "Comparé au dernier plan, calculé avant vos derniers réglages : acceptez le nouveau plan pour l'afficher."
    )
    show(instance, current, offered.plan, key="candidate")
    accept, discard = st.columns(2)
    if accept.button("Accepter", type="primary", icon=":material/check:", width="stretch"):
        session.accept_candidate()
        st.rerun()
    if discard.button("Écarter", icon=":material/close:", width="stretch"):
        session.discard_candidate()
        st.rerun()


def undo_button() -> None:
    """« Annuler la dernière modification », naming it; what was undone is said after the rerun."""
    undone = st.session_state.pop("undone", None)
    if undone is not None:
        st.success(f"Modification annulée : « {undone} ». La copie de travail est revenue à l'état d'avant.")
    last = session.history().last
    if last is None:
        return
    if st.button(
        "Annuler la dernière modification", icon=":material/undo:",
        help=f"Revenir à l'état d'avant « {last.label} » (plan et réglages).", key="undo",
    ):  # fmt: skip
        try:
            st.session_state["undone"] = session.undo()
        except TourneeError as exc:
            st.error(str(exc))
            return
        st.rerun()
