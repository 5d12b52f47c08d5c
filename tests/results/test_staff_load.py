"""Each person's load (planner.results.staff_load): shifts, hours and the share of what they offered."""

from __future__ import annotations

from planner.domain.instance import (
    Role,
)
from planner.domain.plan import Plan, Shift
from planner.results.staff_load import staff_totals, staff_totals_text
from tests.support.builders import MONDAY
from tests.support.rota import wednesday_case


def test_staff_totals_count_shifts_hours_and_share_of_offer():
    """Totals against what each person could have taken; the text table names columns in French."""
    instance, tours = wednesday_case()
    monday_tours = [t for t in tours if t.date.weekday() == 0]
    shifts = tuple(
        Shift("bus1", t.date, sid, role, t.leave_depot, t.back_at_depot)
        for t in monday_tours
        for sid, role in (("d1", Role.DOCTOR), ("c1", Role.DRIVER))
    )
    plan = Plan("rota", MONDAY, 2, tuple(monday_tours), shifts)
    totals = {t.staff_id: t for t in staff_totals(instance, plan)}
    hours = (monday_tours[0].back_at_depot - monday_tours[0].leave_depot) / 60
    assert (totals["d1"].shifts, totals["d1"].offered, totals["d1"].share) == (
        2,
        2,
        1.0,
    )
    assert totals["d1"].hours == 2 * hours
    assert (totals["d2"].shifts, totals["d2"].share) == (0, 0.0)
    text = staff_totals_text(list(totals.values()))
    assert text.splitlines()[0].split() == [
        "Personne",
        "Rôles",
        "Gardes",
        "Heures",
        "Possibles",
        "Part",
    ]
    assert "100\u202f%" in text and f"{2 * hours:.1f}".replace(".", ",") in text  # French figures
