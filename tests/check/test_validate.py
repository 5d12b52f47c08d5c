"""The validator's entry points (planner.check.validate): the hand-made valid plan passes, the given
matrix is the one used, every violation is listed, and any single perturbation of the valid plan is
reported. A wrong travel matrix given to the planner is refused."""

from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.check.context import TOP_SPEED_KMH
from planner.check.validate import (
    HARD_RULES,
    RULE_NAMES,
    assert_valid,
    validate,
)
from planner.domain.errors import PlanningError, PlanWarning
from planner.domain.french import date_fr
from planner.domain.instance import (
    Instance,
    Point,
)
from planner.domain.plan import Plan, shift_times
from planner.domain.travel_matrix import TravelMatrix
from planner.inputs.territory import load_territory
from planner.planning.changes import CommuneClosed
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan
from planner.planning.replan import replan
from planner.travel import places_of
from planner.travel.estimate import EstimateSource
from tests.support.hand_plans import (
    INSTANCE,
    NO_STAFF,
    SUNDAY,
    TOUR_A,
    TOUR_B,
    VALID,
    make_plan,
    rules_of,
    scaled_matrix,
    with_session,
)
from tests.support.paths import TINY

# --- The valid plan and the entry points ----------------------------------------------------


def test_valid_plan_has_no_violation():
    """A hand-made plan that meets every rule, with no slack at the ends of its tours, passes."""
    assert validate(INSTANCE, VALID) == []
    assert_valid(INSTANCE, VALID)  # does not raise


def test_valid_plan_passes_with_an_explicit_matrix_in_any_order():
    """The validator looks places up by Point, whatever their order in the given matrix."""
    places = [u.depot for u in INSTANCE.units] + [Point(c.site.name, c.site.lat, c.site.lon) for c in INSTANCE.communes]
    matrix = EstimateSource().matrix(list(reversed(places)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert validate(INSTANCE, VALID, travel=matrix) == []


def test_validator_uses_the_given_matrix():
    """Slower roads than the estimate make the same tight plan late: the given matrix is what counts.

    The Wednesday hop (28.6 min estimated) doubles past the 30-minute limit between sessions too;
    SPEED, which reads the coordinates only, sees nothing wrong.
    """
    slow = scaled_matrix(INSTANCE, minutes=2)
    found = validate(INSTANCE, VALID, travel=slow)
    assert {"TRAVEL", "DRIVE_BETWEEN_SESSIONS"} <= rules_of(found)
    assert rules_of(found) <= {"TRAVEL", "LUNCH", "DRIVE_BETWEEN_SESSIONS"}


def test_missing_place_in_given_matrix_is_estimated_with_a_warning():
    """A matrix without the depot still validates (estimated legs) and warns which place was estimated."""
    sites = [Point(c.site.name, c.site.lat, c.site.lon) for c in INSTANCE.communes]
    matrix = EstimateSource().matrix(sites)
    with pytest.warns(PlanWarning, match="Dépôt"):
        assert validate(INSTANCE, VALID, travel=matrix) == []


def test_assert_valid_lists_every_violation():
    """assert_valid raises a PlanningError naming all the violations, not only the first."""
    late = replace(TOUR_A, back_at_depot=TOUR_A.back_at_depot + 30)
    sunday = replace(TOUR_B, date=SUNDAY)
    plan = make_plan(NO_STAFF, [late, sunday])
    with pytest.raises(PlanningError) as caught:
        assert_valid(NO_STAFF, plan)
    text = str(caught.value)
    assert "[HOURS]" in text and "[UNIT_DAY]" in text
    assert "18:00" in text or "après la fin du service (17:30)" in text


def test_every_rule_is_listed_once_with_a_matching_function():
    """HARD_RULES names each rule once, and each function is named after its rule."""
    assert len(RULE_NAMES) == len(set(RULE_NAMES)) == 28
    for name, rule in HARD_RULES:
        assert rule.__name__ == f"check_{name.lower()}"


# --- Property: any single perturbation of the valid plan is reported ------------------------


def _on_tour(plan: Plan, change) -> Plan:
    """Apply ``change`` to the first tour and keep its shifts' times and dates in step with it."""
    tour = plan.tours[0]
    new = change(tour)
    shifts = tuple(
        replace(
            s,
            date=new.date,
            start=shift_times(new, None, INSTANCE.rules)[0],
            end=shift_times(new, None, INSTANCE.rules)[1],
        )
        if s.tour_key == tour.key
        else s
        for s in plan.shifts
    )
    return replace(plan, tours=(new, *plan.tours[1:]), shifts=shifts)


def _session(i: int, field: str, delta: int):
    return lambda plan: _on_tour(plan, lambda t: with_session(t, i, **{field: getattr(t.sessions[i], field) + delta}))


def _tour(field: str, delta: int):
    return lambda plan: _on_tour(plan, lambda t: replace(t, **{field: getattr(t, field) + delta}))


def _shift(i: int, field: str, delta: int):
    def change(plan: Plan) -> Plan:
        shifts = list(plan.shifts)
        shifts[i] = replace(shifts[i], **{field: getattr(shifts[i], field) + delta})
        return replace(plan, shifts=tuple(shifts))

    return change


def _drop_shift(i: int):
    return lambda plan: replace(plan, shifts=plan.shifts[:i] + plan.shifts[i + 1 :])


def _to_sunday(plan: Plan) -> Plan:
    return _on_tour(plan, lambda t: replace(t, date=t.date + timedelta(days=6 - t.date.weekday())))


#: (name, perturbation of the valid plan given k ≥ 2 minutes, rule that must catch it).
PERTURBATIONS = [
    ("leave earlier", lambda k: _tour("leave_depot", -k), "HOURS"),
    ("leave later", lambda k: _tour("leave_depot", +k), "TRAVEL"),
    ("back later", lambda k: _tour("back_at_depot", +k), "HOURS"),
    ("back earlier", lambda k: _tour("back_at_depot", -k), "TRAVEL"),
    *[(f"session {i} start {sign:+}", lambda k, i=i, sign=sign: _session(i, "start", sign * k), "SESSION_TIMES")
      for i in (0, 1) for sign in (-1, 1)],
    *[(f"session {i} end {sign:+}", lambda k, i=i, sign=sign: _session(i, "end", sign * k), "SESSION_TIMES")
      for i in (0, 1) for sign in (-1, 1)],
    *[(f"session {i} arrives late", lambda k, i=i: _session(i, "arrival", +k), "SESSION_TIMES") for i in (0, 1)],
    *[(f"session {i} leaves early", lambda k, i=i: _session(i, "departure", -k), "SESSION_TIMES") for i in (0, 1)],
    ("first arrival earlier", lambda k: _session(0, "arrival", -k), "TRAVEL"),
    ("last departure later", lambda k: _session(1, "departure", +k), "TRAVEL"),
    *[(f"shift {i} {f} {sign:+}", lambda k, i=i, f=f, sign=sign: _shift(i, f, sign * k), "SHIFT_TIMES")
      for i in range(6) for f in ("start", "end") for sign in (-1, 1)],
    *[(f"drop shift {i}", lambda k, i=i: _drop_shift(i), "CREW") for i in range(6)],
    ("tour to Sunday", lambda k: _to_sunday, "UNIT_DAY"),
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PERTURBATIONS), st.integers(min_value=2, max_value=120))
def test_any_single_perturbation_is_reported(perturbation, k):
    """Shifting one time by k ≥ 2 minutes, dropping a crew member or moving a tour to Sunday is caught."""
    _name, make, rule = perturbation
    broken = make(k)(VALID)
    found = validate(INSTANCE, broken)
    assert rule in rules_of(found), (_name, k, found)


def test_perturbations_cover_the_valid_plan_shape():
    """The property test's perturbations index real sessions and shifts of the valid plan."""
    assert len(TOUR_A.sessions) == 2 and len(VALID.shifts) == 6
    assert TOUR_A.leave_depot == INSTANCE.unit("bus1").hours.start
    assert TOUR_A.back_at_depot == INSTANCE.unit("bus1").hours.end
    assert not np.isnan(TOUR_A.drive_minutes)


# --- A wrong travel matrix given to the planner ---------------------------------------------------

OPTIONS = PlanOptions(time_limit=1.0, rota_time_limit=1.0)
#: The words every SPEED message about a leg or a drive ends with, and no other rule's message has.
SPEED_WORDS = "km à vol d'oiseau : au moins"
TOP_SPEED_WORDS = f"à {TOP_SPEED_KMH:g} km/h"


@pytest.fixture(scope="module")
def tiny() -> Instance:
    return load_territory(TINY)


def estimate_of(instance: Instance) -> TravelMatrix:
    return EstimateSource().matrix(places_of(instance))


def wrong(instance: Instance, *, minutes: float, km: float, source: str) -> TravelMatrix:
    """The estimate with its minutes and km multiplied: a matrix no road network can give."""
    right = estimate_of(instance)
    return TravelMatrix(right.places, right.minutes * minutes, right.km * km, source, "matrice fausse (test)")


def test_the_right_matrix_gives_a_valid_plan(tiny):
    """The control: with the estimate it was made on, the tiny territory is planned and passes."""
    result = plan(tiny, OPTIONS, travel=estimate_of(tiny))
    assert result.tours
    assert validate(tiny, result) == []


@pytest.mark.parametrize(
    ("minutes", "km"),
    [(0.0, 0.0), (0.1, 1.0)],
    ids=["every leg 0 min and 0 km", "10 times too fast"],
)
def test_a_wrong_road_matrix_is_refused_by_the_speed_rule(tiny, minutes, km):
    """A plan made on a wrong road matrix agrees with it (TRAVEL passes), but no leg is that fast: SPEED."""
    with pytest.raises(PlanningError) as caught:
        plan(tiny, OPTIONS, travel=wrong(tiny, minutes=minutes, km=km, source="road"))
    text = str(caught.value)
    assert "enfreint" in text
    assert SPEED_WORDS in text and TOP_SPEED_WORDS in text
    assert "mais le trajet depuis" not in text  # TRAVEL, checked against the same wrong matrix, is fooled


def test_a_wrong_estimate_is_checked_against_the_validators_own_estimate(tiny):
    """A 10-times-too-fast matrix labelled as an estimate is not trusted: TRAVEL (the validator's own
    estimate from the coordinates) and SPEED both refuse the plan."""
    with pytest.raises(PlanningError) as caught:
        plan(tiny, OPTIONS, travel=wrong(tiny, minutes=0.1, km=0.1, source="estimate"))
    text = str(caught.value)
    assert "mais le trajet depuis" in text  # TRAVEL
    assert SPEED_WORDS in text and TOP_SPEED_WORDS in text


def test_a_replan_on_a_wrong_estimate_is_checked_against_the_validators_own_estimate(tiny):
    """Closing one commune of a two-session day shortens that tour with the given matrix; a
    10-times-too-fast "estimate" gives it drive totals the validator's own estimate (TRAVEL) and the
    straight line (SPEED) both refuse."""
    published = plan(tiny, OPTIONS, travel=estimate_of(tiny))
    tour = next(t for t in published.tours if len(t.sessions) == 2)
    closed = CommuneClosed(tour.sessions[1].insee, frozenset({tour.date}))
    right = replan(tiny, published, [closed], today=tiny.rules.start, time_limit=1.0, travel=estimate_of(tiny))
    assert validate(tiny, right.plan) == []
    with pytest.raises(PlanningError) as caught:
        replan(
            tiny,
            published,
            [closed],
            today=tiny.rules.start,
            time_limit=1.0,
            travel=wrong(tiny, minutes=0.1, km=0.1, source="estimate"),
        )
    text = str(caught.value)
    assert "trajets calculés" in text  # TRAVEL: drive totals against the validator's own estimate
    assert "à vol d'oiseau" in text  # SPEED
    # Only the shortened tour is wrong: the kept tours, timed on the right estimate, pass.
    lines = text.splitlines()[1:]
    assert lines and all(line.startswith(f"- {tiny.unit(tour.unit_id).name}, {date_fr(tour.date)} :") for line in lines)
