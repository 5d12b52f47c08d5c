"""Each person's load against what they offered, and the staff figures of a plan (continuity, preferences)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner.crews.rota_facts import CARE_ROLES, communes_of
from planner.crews.rota_rules import offered_tours
from planner.domain.french import number_fr, percent_fr
from planner.domain.instance import Instance, Role
from planner.domain.plan import Plan, Shift, Tour


@dataclass(frozen=True)
class StaffTotal:
    """One person's load over a plan, against what they offered."""

    staff_id: str
    name: str
    roles: tuple[Role, ...]
    shifts: int
    hours: float
    offered: int
    share: float  # shifts / offered (0 when nothing was offered)


def staff_totals(instance: Instance, plan: Plan) -> list[StaffTotal]:
    """Shifts, hours and share of what each person offered (tours they could have taken)."""
    units = {t.key: instance.unit(t.unit_id) for t in plan.tours}
    shifts_by: dict[str, list[Shift]] = defaultdict(list)
    for s in plan.shifts:
        shifts_by[s.staff_id].append(s)
    totals = []
    for person in instance.staff:
        mine = shifts_by[person.id]
        offered = offered_tours(person, plan.tours, units)
        totals.append(
            StaffTotal(
                staff_id=person.id,
                name=person.name,
                roles=tuple(sorted(person.roles, key=lambda r: r.value)),
                shifts=len(mine),
                hours=sum(s.end - s.start for s in mine) / 60,
                offered=offered,
                share=len(mine) / offered if offered else 0.0,
            )
        )
    return totals


def staff_totals_text(totals: Sequence[StaffTotal]) -> str:
    """A plain-text French table of `staff_totals`, for the summary (coordinators only)."""
    header = ("Personne", "Rôles", "Gardes", "Heures", "Possibles", "Part")
    rows = [
        (
            t.name,
            ", ".join(r.label_fr for r in t.roles),
            str(t.shifts),
            number_fr(t.hours),
            str(t.offered),
            percent_fr(t.share, 0),
        )
        for t in totals
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, *rows):
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def continuity_share(tours: Sequence[Tour], shifts: Sequence[Shift], roles: Iterable[Role] = CARE_ROLES) -> float:
    """Share of commune visits (per care role) made by that commune's most frequent person.

    1.0 means every commune always sees the same doctor; 1/n with n doctors rotating evenly.
    """
    wanted = set(roles)
    by_key = {t.key: t for t in tours}
    counts: dict[tuple[str, Role], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in shifts:
        if s.role in wanted and s.tour_key in by_key:
            for insee in communes_of(by_key[s.tour_key]):
                counts[(insee, s.role)][s.staff_id] += 1
    visits = sum(sum(c.values()) for c in counts.values())
    if not visits:
        return 1.0
    return sum(max(c.values()) for c in counts.values()) / visits


def preferences_met(instance: Instance, tours: Sequence[Tour], shifts: Sequence[Shift]) -> float | None:
    """Share of the shifts of people with preferences (communes or units) that match one of them.

    ``None`` when nobody stated a preference.
    """
    by_key = {t.key: t for t in tours}
    people = {p.id: p for p in instance.staff if p.preferred_communes or p.preferred_units}
    met = total = 0
    for s in shifts:
        person = people.get(s.staff_id)
        if person is None or s.tour_key not in by_key:
            continue
        tour = by_key[s.tour_key]
        ok_commune = not person.preferred_communes or bool(communes_of(tour) & person.preferred_communes)
        ok_unit = not person.preferred_units or tour.unit_id in person.preferred_units
        total += 1
        met += ok_commune and ok_unit
    return met / total if total else None
