"""A wrong travel matrix given to the planner is refused: the validator checks every leg against the
coordinates (SPEED), and checks a plan made on an estimate against its own estimate, not the solver's."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.check.context import TOP_SPEED_KMH
from planner.check.validate import validate
from planner.domain.errors import PlanningError
from planner.domain.french import date_fr
from planner.domain.instance import Instance
from planner.domain.travel_matrix import TravelMatrix
from planner.inputs.territory import load_territory
from planner.planning.changes import CommuneClosed
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan
from planner.planning.replan import replan
from planner.travel import EstimateSource, places_of

TINY = Path(__file__).parent / "data" / "tiny"
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
