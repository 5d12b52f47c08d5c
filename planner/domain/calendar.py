"""Which dates of the horizon have no tour at all: French public holidays and closures."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

from planner.domain.instance import Rules


def public_holidays(rules: Rules) -> dict[date, str]:
    """French public holidays of the horizon (with Alsace-Moselle's when its subdivision is set)."""
    if not rules.public_holidays:
        return {}
    return dict(_holidays(rules.start, rules.end, rules.holiday_subdivision))


@lru_cache(maxsize=32)
def _holidays(start: date, end: date, subdivision: str) -> tuple[tuple[date, str], ...]:
    """Built once per horizon: `holidays` takes ~50 ms a call, and a plan asks a few times."""
    years = range(start.year, end.year + 1)
    calendar = holidays.France(years=years, subdiv=subdivision or None, language="fr")
    return tuple((day, name) for day, name in sorted(calendar.items()) if start <= day <= end)


def closed_dates(rules: Rules) -> set[date]:
    """Holidays and the scenario's closure dates."""
    return set(public_holidays(rules)) | set(rules.closures)
