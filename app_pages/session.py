"""The coordinator's working copy, kept between reruns: the territory, the settings and the plan."""

from __future__ import annotations

import streamlit as st

from app_pages.plan_cache import builtin_instance, default_options
from planner import PlanOptions
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.inputs import DEMO_TERRITORY


def instance() -> Instance:
    """The territory being worked on (the demo until the coordinator picks another one)."""
    if "instance" not in st.session_state:
        st.session_state["instance"] = builtin_instance(DEMO_TERRITORY)
        st.session_state["territory"] = DEMO_TERRITORY
    return st.session_state["instance"]


def set_instance(new: Instance, territory: str) -> None:
    """Replace the working territory; a plan made for another one is dropped."""
    st.session_state["instance"] = new
    st.session_state["territory"] = territory
    st.session_state.pop("plan", None)


def options() -> PlanOptions:
    if "options" not in st.session_state:
        st.session_state["options"] = default_options()
    return st.session_state["options"]


def set_options(new: PlanOptions) -> None:
    st.session_state["options"] = new
    st.session_state.pop("plan", None)


def plan() -> Plan | None:
    """The plan of the working territory, or None before "Planifier"."""
    return st.session_state.get("plan")


def set_plan(new: Plan) -> None:
    st.session_state["plan"] = new
