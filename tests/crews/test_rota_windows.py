"""The windows of a large rota (planner.crews.rota_windows): which parts are solved again, in which
order."""

from __future__ import annotations

from planner.crews.rota_windows import windows
from tests.support.rota import day, tour


def test_windows_are_each_unit_then_every_two_weeks_or_each_week_when_re_planning():
    """Two buses over four weeks: first each bus over the whole horizon (continuity of care lives
    there), then weeks 1–2 and 3–4 of both; re-planning asks for one week of all units at a time."""
    tours = [tour(unit, day(w, 0)) for unit in ("bus2", "bus1") for w in range(4)]
    keys = {(t.unit_id, w): t.key for t, w in zip(tours, [0, 1, 2, 3] * 2)}
    by_unit = [frozenset(keys[(u, w)] for w in range(4)) for u in ("bus1", "bus2")]
    weeks = [frozenset(keys[(u, w)] for u in ("bus1", "bus2") for w in span) for span in ((0, 1), (2, 3))]
    assert windows(tours) == by_unit + weeks
    single = [frozenset(keys[(u, w)] for u in ("bus1", "bus2")) for w in range(4)]
    assert windows(tours, by_unit=False, weeks=1) == single
