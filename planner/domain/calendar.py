"""Which dates of the horizon have no tour at all: French public holidays and closures."""

from __future__ import annotations

from datetime import date

import holidays

from planner.domain.instance import Rules


def public_holidays(rules: Rules) -> dict[date, str]:
    """French public holidays of the horizon (with Alsace-Moselle's when its subdivision is set)."""
    if not rules.public_holidays:
        return {}
    years = range(rules.start.year, rules.end.year + 1)
    calendar = holidays.France(years=years, subdiv=rules.holiday_subdivision or None, language="fr")
    return {day: name for day, name in sorted(calendar.items()) if rules.start <= day <= rules.end}


def closed_dates(rules: Rules) -> set[date]:
    """Holidays and the scenario's closure dates."""
    return set(public_holidays(rules)) | set(rules.closures)
