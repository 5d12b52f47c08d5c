"""The builders every test folder shares, as fixtures (tests/support/builders.py, plan_builders.py,
bad_inputs.py).

A test names the builder it needs among its arguments. The factories are the builders' own functions
(``commune``, ``bus``, ``person``, ``make_small_instance``, ``make_tour``, ``crew_shifts``,
``sample_plan``, ``replanned_sample_plan``, ``demo_copy``, ``edit_demo``); ``small_instance`` is the
ready instance (four communes around a depot, one bus, three doctors, two drivers, two weeks).
Module-level code — constants, Hypothesis strategies, parametrize lists, helpers shared by several
modules — imports tests.support directly.
"""

from __future__ import annotations

import pytest

from planner.domain.instance import Instance
from tests.support import bad_inputs, builders, plan_builders

# --- Territories and people (tests/support/builders.py) ------------------------------------------


@pytest.fixture(scope="session")
def commune():
    """``commune(insee, lat, lon, *, need=…, visits_per_week=…, …)``: a commune whose site is its town hall."""
    return builders.commune


@pytest.fixture(scope="session")
def bus():
    """``bus(unit_id="bus1", *, depot=…, days=…, hours=…, lunch=…, sessions_per_day=…, crew=…, places=…)``."""
    return builders.bus


@pytest.fixture(scope="session")
def person():
    """``person(staff_id, roles, *, availability=…, max_week=…, max_month=…, **staff_fields)``."""
    return builders.person


@pytest.fixture(scope="session")
def make_small_instance():
    """``make_small_instance(*, weeks=2, start=MONDAY, **rule_changes)``: the small instance, changed."""
    return builders.small_instance


@pytest.fixture
def small_instance() -> Instance:
    """Four communes around a depot, one bus, three doctors and two drivers, two weeks from MONDAY."""
    return builders.small_instance()


# --- Plans (tests/support/plan_builders.py) ---------------------------------------------------------


@pytest.fixture(scope="session")
def make_tour():
    """``make_tour(unit_id, day, [(insee, start, end), …], *, drive=20)``: a tour written out."""
    return plan_builders.make_tour


@pytest.fixture(scope="session")
def crew_shifts():
    """``crew_shifts(tour, {role: [staff ids]}, rules=None)``: shifts covering the whole tour."""
    return plan_builders.crew_shifts


@pytest.fixture(scope="session")
def sample_plan():
    """``sample_plan(instance, *, weeks=None)``: two tours a week of the first unit, crewed."""
    return plan_builders.sample_plan


@pytest.fixture(scope="session")
def replanned_sample_plan():
    """``replanned_sample_plan(instance)``: the sample plan after a re-plan (a session moved, a tour
    dropped, another doctor)."""
    return plan_builders.replanned_sample_plan


# --- The demo territory, as the command line gets it (tests/support/bad_inputs.py) ------------------


@pytest.fixture(scope="session")
def demo_copy():
    """``demo_copy(folder)``: the demo territory's three files copied into ``folder / "t"``."""
    return bad_inputs.demo_copy


@pytest.fixture(scope="session")
def edit_demo():
    """``edit_demo(file, old, new)``: a set-up ``(folder, plan)`` that copies the demo territory with
    ``old`` replaced by ``new`` in one of its files."""
    return bad_inputs.edit
