"""Warnings about inputs that are legal but odd: said before planning, never a refusal.

A horizon that has already begun, closures that cover all of it, a commune closed or a person away
for the whole horizon, a town hall far outside its commune or in the sea (`locations`): the plan can
be made, but the coordinator should know. `planner check` and `planner plan` print these warnings.
"""

from __future__ import annotations

from datetime import date

from planner.domain.french import date_fr
from planner.domain.instance import Instance
from planner.inputs.fields import expand
from planner.inputs.locations import location_warnings


def horizon_warnings(instance: Instance, *, today: date) -> list[str]:
    """The horizon in the past, or covered entirely by closures, absences or a commune's closure."""
    rules = instance.rules
    days = set(rules.dates())
    found = []
    if rules.end < today:
        found.append(f"l'horizon ({date_fr(rules.start)} – {date_fr(rules.end)}) est entièrement passé")
    elif rules.start < today:
        found.append(f"l'horizon commence le {date_fr(rules.start)}, une date déjà passée")
    if days <= rules.closures:
        found.append(
            "scenario.toml, rules.closures : les fermetures couvrent tout l'horizon ; aucune tournée ne sera planifiée"
        )
    for closure in rules.commune_closures:
        if days <= closure.dates:
            found.append(
                f"scenario.toml, commune_closures : la commune {closure.insee} est fermée pendant tout l'horizon"
            )
    for person in instance.staff:
        if person.dates_off and days <= expand(person.dates_off):
            found.append(f"roster.csv, personne {person.id} : absente pendant tout l'horizon (dates_off)")
    return found


def territory_warnings(instance: Instance, *, today: date | None = None) -> list[str]:
    """Every warning about a loaded territory (`horizon_warnings`, then `location_warnings`)."""
    return horizon_warnings(instance, today=today or date.today()) + location_warnings(instance)
