"""Warnings about inputs that are legal but odd: said before planning, never a refusal.

A horizon that has already begun, closures that cover all of it, a commune closed or a person away
for the whole horizon, a town hall far outside its commune or in the sea (`locations`): the plan can
be made, but the coordinator should know. `planner check` and `planner plan` print these warnings.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from planner.domain.errors import TourneeError
from planner.domain.french import date_fr
from planner.domain.instance import Instance
from planner.inputs.fields import expand
from planner.inputs.locations import location_warnings
from planner.inputs.roster import dropped_roster_columns, dropped_warning
from planner.inputs.tables import Problems, read_text


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


def roster_warnings(roster: bytes | str | Path, file: str = "roster.csv") -> list[str]:
    """The personal columns of a roster file (a path, or its bytes or text) that were dropped when it
    was read (`planner.inputs.roster.PERSONAL_WORDS`), in one warning; none when it has none."""
    if isinstance(roster, Path):
        file = roster.name
        content: bytes | str = read_text(roster, file, Problems()) or ""
    else:
        content = roster
    dropped = dropped_roster_columns(content)
    return [dropped_warning(file, dropped)] if dropped else []


def territory_warnings(
    instance: Instance, *, today: date | None = None, territory: str | Path | None = None
) -> list[str]:
    """Every warning about a loaded territory (`horizon_warnings`, then `location_warnings`); with
    ``territory`` (the name or folder it was loaded from), the personal columns its roster file had
    (`roster_warnings`) come first."""
    found = []
    if territory is not None:
        from planner.inputs.territory import territory_paths

        try:
            found = roster_warnings(territory_paths(territory)[1][1])
        except TourneeError:
            found = []
    return found + horizon_warnings(instance, today=today or date.today()) + location_warnings(instance)
