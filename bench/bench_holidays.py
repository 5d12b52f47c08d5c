"""Visits lost to a public holiday at planning time, and how many the planning moves to another day.

For each case (a built-in territory over a horizon holding a holiday), plans it and counts: the
pattern's bus visits that fall on a holiday or closure date, those the dated search and the free-days
pass do not already make up for that week (`planner.planning.holiday_visits.holiday_lost`), and those
`move_holiday_visits` moves to the nearest day that keeps the rules; the need served and the
sessions, without that step and with it.
With each method (CP-SAT, greedy). The counts are deterministic (deterministic budgets); one run per case.

    python bench/bench_holidays.py [--quick]   (--quick: a 2 s pattern search instead of the default)
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.domain.calendar import public_holidays
from planner.domain.plan import Shift, Tour
from planner.inputs import load_territory
from planner.planning import PlanOptions, holiday_visits, pipeline, plan

#: (territory, start, weeks): the demo as it comes (Noël), and horizons over 11 November, Christmas
#: and New Year, Easter Monday, Ascension and Whit Monday (Orne's units are fixed places: nothing moves).
CASES = [
    ("medicobus-dieppe", None, None),
    ("medicobus-dieppe", date(2026, 10, 26), 12),
    ("orne-solidarite", date(2026, 11, 2), 4),
    ("doctobus-evreux", date(2026, 12, 21), 4),
    ("doctobus-evreux", date(2027, 3, 1), 12),
    ("mobilsante-vichy", date(2027, 3, 22), 4),
    ("mobilsante-vichy", date(2027, 4, 26), 8),
]


def measure(name: str, start: date | None, weeks: int | None, options: PlanOptions) -> dict[str, object]:
    instance = load_territory(name)
    if start and weeks:
        instance = instance.replace(rules=replace(instance.rules, start=start, weeks=weeks))
    seen: dict[str, int] = {}
    original = holiday_visits.move_holiday_visits

    def counting(*step: Any) -> tuple[list[Tour], tuple[Shift, ...], list[str]]:
        instance, pattern, tours = step[:3]
        rules = instance.rules
        on_days = set(public_holidays(rules)) | set(rules.closures)
        seen["on_holiday"] = sum(
            len(pattern.communes_on(u.id, d.weekday(), rules.week_index(d) % pattern.cycle_weeks))
            for d in sorted(on_days)
            for u in instance.units
            if d.weekday() in u.days and u.kind.value != "fixed"
        )
        seen["lost"] = len(holiday_visits.holiday_lost(instance, pattern, tours))
        result = original(*step)
        seen["moved"] = sum(1 for line in result[2] if "déplacée au" in line)
        return result

    with mock.patch.object(pipeline, "move_holiday_visits", _skipping):
        without = plan(instance, options)
    with mock.patch.object(pipeline, "move_holiday_visits", counting):
        result = plan(instance, options)
    holidays = ", ".join(f"{d:%d/%m} {n}" for d, n in public_holidays(instance.rules).items())
    return {
        "territoire": name,
        "horizon": f"{instance.rules.start} + {instance.rules.weeks} sem.",
        "fériés": holidays or "aucun",
        **seen,
        "besoin servi sans → avec": f"{without.kpis['need_served_share']:.4f} → {result.kpis['need_served_share']:.4f}",
        "séances sans → avec": f"{len(without.sessions())} → {len(result.sessions())}",
        "s": result.solver_seconds,
    }


def _skipping(*step: Any) -> tuple[list[Tour], tuple[Shift, ...], list[str]]:
    """The plan without the step (its arguments: instance, pattern, tours, shifts…): nothing moved."""
    return step[2], step[3], []


def main() -> None:
    for method in ("cp-sat", "greedy"):
        options = PlanOptions(time_limit=2 if "--quick" in sys.argv else None, method=method)
        for case in CASES:
            print(method, measure(*case, options), flush=True)


if __name__ == "__main__":
    main()
