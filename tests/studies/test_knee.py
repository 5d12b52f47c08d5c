"""The knee of a study's curve (planner.studies.knee)."""

from __future__ import annotations

from planner.studies.knee import knee, knee_sentence


def test_knee_is_where_every_further_step_gains_less_than_five_points():
    points = [(1, 0.40), (2, 0.70), (3, 0.73), (4, 0.75)]
    assert knee(points) == 2
    assert knee_sentence(points, "unité", "unités").startswith(
        "Au-delà de 2 unités, chaque unité de plus sert moins de 5 % de besoin en plus"
    )
    assert knee([(1, 0.4), (2, 0.6), (3, 0.62), (4, 0.70)]) is None  # the last step still gains 8 points
    assert "pas de coude" in knee_sentence([(1, 0.4), (2, 0.6)], "unité", "unités")
    assert knee([(1, 0.9)]) is None
    assert knee([(1, 0.4), (3, 0.5)]) == 1  # two units added for 10 points: 5 per unit is not less than 5
