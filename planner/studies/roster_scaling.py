"""The roster of a scenario: the territory's own people, scaled with the units, or generated.

People are grouped by their first role in `Role` order (a doctor who also drives counts as a
doctor). For a scenario of k units on a territory of m units, each group keeps ceil(n × k / m)
people; the doctors' group keeps exactly the number asked (``--doctors``) when one is. A group keeps
its first people as the territory lists them; beyond them come copies of its people in turn (same
availability, dates off, maxima and home; no preferences), named as invented people
(``Dr Étude 11 (exemple)``). A role the units' crews need that nobody in the roster holds is
generated: available Monday to Friday, at most `GENERATED_MAX_PER_WEEK` shifts a week, as many
people as it takes to crew every unit five days a week.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from planner.domain.instance import Role
from planner.inputs import parse_role, parse_roles
from planner.inputs.roster import ROSTER_COLUMNS
from planner.inputs.tables import Problems, read_table, rows_csv

#: Shifts a week a generated person gives: volunteer doctors two days, employed crews five.
GENERATED_MAX_PER_WEEK = {Role.DOCTOR: 2}
DEFAULT_MAX_PER_WEEK = 5
WORKDAYS_PER_WEEK = 5
ROLE_ORDER = list(Role)


def _title(role: Role) -> str:
    return "Dr" if role is Role.DOCTOR else role.label_fr.capitalize()


def _primary(roles: frozenset[Role]) -> Role:
    return min(roles, key=ROLE_ORDER.index)


def crew_needs(units: Sequence[Mapping]) -> dict[Role, int]:
    """People per working day each role needs, summed over the units (from their ``crew`` tables)."""
    needs: dict[Role, int] = {}
    for unit in units:
        for word, count in dict(unit.get("crew", {})).items():
            role = parse_role(str(word))
            needs[role] = needs.get(role, 0) + int(count)
    return needs


def _read_rows(roster_csv: str | None) -> tuple[list[str], list[dict[str, str]]]:
    if not roster_csv:
        return list(ROSTER_COLUMNS), []
    problems = Problems()
    table = read_table(roster_csv, "roster.csv", problems)
    problems.raise_if_any()
    assert table is not None
    return table.columns, [row for _, row in table.rows]


def _copy(row: dict[str, str], role: Role, number: int) -> dict[str, str]:
    copy = dict(row, preferred_communes="", preferred_units="")
    copy["id"] = f"etude-{role.value}-{number}"
    copy["name"] = f"{_title(role)} Étude {number} (exemple)"
    return copy


def _generated(role: Role, number: int) -> dict[str, str]:
    per_week = GENERATED_MAX_PER_WEEK.get(role, DEFAULT_MAX_PER_WEEK)
    row = _copy({"roles": role.value, "availability": "lun-ven", "dates_off": ""}, role, number)
    return row | {"max_shifts_per_week": str(per_week), "max_shifts_per_month": str(4 * per_week)}


def _within(row: dict[str, str], unit_ids: set[str]) -> dict[str, str]:
    """``row`` with its preferred units cut to the scenario's own (a study with fewer units than the
    territory dropped the others, and a roster naming them is refused)."""
    wanted = [u.strip() for u in row.get("preferred_units", "").split(";") if u.strip()]
    return row | {"preferred_units": ";".join(u for u in wanted if u in unit_ids)} if wanted else row


def scaled_roster(
    roster_csv: str | None, units: Sequence[Mapping], *, base_units: int, doctors: int | None = None
) -> str:
    """The roster.csv text of a scenario with ``units`` (scenario tables), from the territory's roster
    (``None``: nobody) written for ``base_units`` units; see the module doc for the rule."""
    columns, rows = _read_rows(roster_csv)
    groups: dict[Role, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(_primary(parse_roles(row["roles"])), []).append(row)
    needs = crew_needs(units)
    kept: list[dict[str, str]] = []
    added: list[dict[str, str]] = []
    for role in ROLE_ORDER:
        people = groups.get(role, [])
        if people:
            wanted = math.ceil(len(people) * len(units) / max(base_units, 1))
        elif role in needs:
            per_week = GENERATED_MAX_PER_WEEK.get(role, DEFAULT_MAX_PER_WEEK)
            wanted = math.ceil(needs[role] * WORKDAYS_PER_WEEK / per_week)
        else:
            continue
        if role is Role.DOCTOR and doctors is not None:
            wanted = doctors
        kept += people[:wanted]
        for index in range(len(people), wanted):
            number = index + 1
            added.append(_copy(people[index % len(people)], role, number) if people else _generated(role, number))
    kept_ids = {id(row) for row in kept}
    present = {str(u.get("id", "")) for u in units}
    ordered = [_within(row, present) for row in rows if id(row) in kept_ids] + added
    return rows_csv(list(dict.fromkeys([*columns, *ROSTER_COLUMNS])), ordered)
