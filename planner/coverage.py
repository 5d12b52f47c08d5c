"""Who can staff what: capacity checks before planning, explanations of uncrewed tours, totals.

Everything here counts, it never solves: a coordinator must be able to check each sentence by hand
("Mercredis des semaines 3–4 : aucun chauffeur disponible…"). The per-assignment reasons come from
the eligibility rules of `planner.rota_rules`, so the explanations and the solver agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from planner.model import (
    WEEKDAYS_FR,
    HalfDay,
    Instance,
    Plan,
    Role,
    Shift,
    Staff,
    Tour,
    half_days_of,
)
from planner.rota_rules import (
    CARE_ROLES,
    communes_of,
    iso_week,
    month_of,
    offered_tours,
    rule_available,
    rule_not_off,
)

# Why a person with the right role cannot take a tour, in the order they are checked.
_ABSENT, _OFF, _BUSY, _MAX_WEEK, _MAX_MONTH, _FREE = (
    "absent",
    "off",
    "busy",
    "max_week",
    "max_month",
    "free",
)
_BLOCKED_PHRASE = {
    _MAX_MONTH: ("est à son maximum mensuel", "sont à leur maximum mensuel"),
    _MAX_WEEK: ("est à son maximum hebdomadaire", "sont à leur maximum hebdomadaire"),
    _BUSY: (
        "est déjà sur une autre tournée ce jour-là",
        "sont déjà sur une autre tournée ce jour-là",
    ),
    _OFF: ("est en congé ce jour-là", "sont en congé ce jour-là"),
}
_RAISE = {
    _MAX_MONTH: "relever le maximum mensuel de",
    _MAX_WEEK: "relever le maximum hebdomadaire de",
}


def role_label(role: Role, count: int) -> str:
    """French role name, plural when ``count`` > 1 (``médecin`` / ``médecins``)."""
    label = role.label_fr
    if count <= 1:
        return label
    return " ".join(w + "s" for w in label.split(" "))


def format_weeks(weeks: Iterable[int]) -> str:
    """``[1, 2, 3, 5]`` → ``"1–3 et 5"`` (1-based horizon weeks)."""
    nums = sorted(set(weeks))
    runs: list[tuple[int, int]] = []
    for n in nums:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def _when(weekday: int, weeks: Sequence[int]) -> str:
    day = WEEKDAYS_FR[weekday].capitalize()
    if len(weeks) == 1:
        return f"{day} de la semaine {weeks[0]}"
    return f"{day}s des semaines {format_weeks(weeks)}"


def _group(
    instance: Instance,
    findings: Iterable[tuple[Tour, tuple[str, ...], tuple[str, ...]]],
) -> tuple[str, ...]:
    """Merge identical findings of the same unit and weekday over weeks into one sentence each."""
    weeks: dict[tuple[str, int, tuple[str, ...], tuple[str, ...]], list[int]] = (
        defaultdict(list)
    )
    for tour, parts, fixes in findings:
        key = (tour.unit_id, tour.date.weekday(), parts, fixes)
        weeks[key].append(instance.rules.week_index(tour.date) + 1)
    sentences = []
    for (unit_id, weekday, parts, fixes), nums in sorted(
        weeks.items(), key=lambda kv: (kv[0][0], kv[0][1], min(kv[1]))
    ):
        text = f"{_when(weekday, sorted(set(nums)))} ({instance.unit(unit_id).name}) : {' ; '.join(parts)}."
        if fixes:
            text += f" Pour y remédier : {', ou '.join(fixes)}."
        sentences.append(text)
    return tuple(sentences)


@dataclass
class _Load:
    """Shifts already given, per person: days, ISO weeks, months."""

    days: dict[str, set[date]]
    weeks: dict[tuple[str, tuple[int, int]], int]
    months: dict[tuple[str, tuple[int, int]], int]

    @classmethod
    def of(cls, shifts: Iterable[Shift]) -> _Load:
        load = cls(defaultdict(set), defaultdict(int), defaultdict(int))
        for s in shifts:
            load.days[s.staff_id].add(s.date)
            load.weeks[(s.staff_id, iso_week(s.date))] += 1
            load.months[(s.staff_id, month_of(s.date))] += 1
        return load

    def status(self, person: Staff, tour: Tour, role: Role, instance: Instance) -> str:
        unit = instance.unit(tour.unit_id)
        if rule_available(person, tour, role, unit) is not None:
            return _ABSENT
        if rule_not_off(person, tour, role, unit) is not None:
            return _OFF
        if tour.date in self.days[person.id]:
            return _BUSY
        if self.weeks[(person.id, iso_week(tour.date))] >= person.max_shifts_per_week:
            return _MAX_WEEK
        if self.months[(person.id, month_of(tour.date))] >= person.max_shifts_per_month:
            return _MAX_MONTH
        return _FREE


def _role_findings(
    instance: Instance, tour: Tour, role: Role, needed: int, load: _Load
) -> tuple[list[str], list[str], set[str]]:
    """Sentence parts and fixes when ``role`` cannot be filled on ``tour``; also who is free."""
    weekday = WEEKDAYS_FR[tour.date.weekday()]
    by_status: dict[str, list[Staff]] = defaultdict(list)
    for person in instance.staff:
        if role in person.roles:
            by_status[load.status(person, tour, role, instance)].append(person)
    free = by_status[_FREE]
    if len(free) >= needed:
        return [], [], {p.id for p in free}
    if not free:
        parts = [f"aucun {role.label_fr} disponible"]
    else:
        parts = [
            f"{len(free)} {role_label(role, len(free))} disponible(s) pour {needed} nécessaire(s)"
        ]
    fixes = [f"ajouter un {role.label_fr} le {weekday}"]
    for status in (_MAX_MONTH, _MAX_WEEK, _BUSY, _OFF):
        people = by_status[status]
        if not people:
            continue
        one, many = _BLOCKED_PHRASE[status]
        verb = "propose" if len(people) == 1 else "proposent"
        parts.append(
            f"{len(people)} {role_label(role, len(people))} {verb} le {weekday} mais {one if len(people) == 1 else many}"
        )
        if status in _RAISE:
            names = ", ".join(p.name for p in sorted(people, key=lambda p: p.id)[:3])
            fixes.append(f"{_RAISE[status]} {names}")
    return parts, fixes, {p.id for p in free}


def explain_uncrewed(
    instance: Instance,
    tours: Sequence[Tour],
    shifts: Sequence[Shift],
    uncrewed: Iterable[str],
) -> tuple[str, ...]:
    """Why each uncrewed tour has no crew, counted against the rota found, and what would fix it."""
    load = _Load.of(shifts)
    wanted = set(uncrewed)
    findings = []
    for tour in sorted(
        (t for t in tours if t.key in wanted), key=lambda t: (t.date, t.unit_id)
    ):
        unit = instance.unit(tour.unit_id)
        parts: list[str] = []
        fixes: list[str] = []
        free_union: set[str] = set()
        for role, needed in sorted(unit.crew.items(), key=lambda kv: kv[0].value):
            if needed <= 0:
                continue
            role_parts, role_fixes, free = _role_findings(
                instance, tour, role, needed, load
            )
            parts += role_parts
            fixes += role_fixes
            free_union |= free
        if not parts:
            if len(free_union) < unit.crew_size:
                parts = [
                    "les personnes libres ne suffisent pas à composer toute l'équipe (une personne ne tient qu'un rôle)"
                ]
            else:
                parts = [
                    "une équipe semble possible mais n'a pas été trouvée dans le temps de calcul"
                ]
                fixes = ["relancer avec plus de temps"]
        findings.append((tour, tuple(parts), tuple(fixes)))
    return _group(instance, findings)


def explain_shortages(instance: Instance, tours: Sequence[Tour]) -> tuple[str, ...]:
    """Before solving: tours for which too few people of a role are even available, and weeks whose
    demand of a role exceeds what the people of that role may do (their weekly maxima)."""
    empty = _Load.of(())
    findings = []
    demand: dict[tuple[Role, tuple[int, int]], int] = defaultdict(int)
    days_needing: dict[tuple[Role, tuple[int, int]], list[Tour]] = defaultdict(list)
    for tour in sorted(tours, key=lambda t: (t.date, t.unit_id)):
        unit = instance.unit(tour.unit_id)
        parts: list[str] = []
        fixes: list[str] = []
        for role, needed in sorted(unit.crew.items(), key=lambda kv: kv[0].value):
            if needed <= 0:
                continue
            demand[(role, iso_week(tour.date))] += needed
            days_needing[(role, iso_week(tour.date))].append(tour)
            role_parts, role_fixes, _ = _role_findings(
                instance, tour, role, needed, empty
            )
            parts += role_parts
            fixes += role_fixes
        if parts:
            findings.append((tour, tuple(parts), tuple(fixes)))
    sentences = list(_group(instance, findings))
    for (role, week), wanted in sorted(
        demand.items(), key=lambda kv: (kv[0][1], kv[0][0].value)
    ):
        week_tours = days_needing[(role, week)]
        supply = 0
        for person in instance.staff:
            if role in person.roles:
                days = {
                    t.date
                    for t in week_tours
                    if empty.status(person, t, role, instance) == _FREE
                }
                supply += min(len(days), person.max_shifts_per_week)
        if wanted > supply:
            number = instance.rules.week_index(min(t.date for t in week_tours)) + 1
            sentences.append(
                f"Semaine {number} : {wanted} garde(s) de {role.label_fr} à pourvoir, "
                f"mais les {role_label(role, 2)} ne peuvent en tenir que {supply} (disponibilités et maxima hebdomadaires)."
            )
    return tuple(sentences)


def staffable_weekdays(instance: Instance) -> dict[tuple[str, int, HalfDay], bool]:
    """For each unit, working weekday and half-day of its hours: can its whole crew be found?

    Counts, role by role, the people offering that weekday and half-day with non-zero maxima. A day
    nobody can staff should not be planned at all. (Dates off are ignored: they are dated.)
    """
    result = {}
    for unit in instance.units:
        for weekday in sorted(unit.days):
            for half in sorted(half_days_of(unit.hours.start, unit.hours.end)):
                ok = True
                for role, needed in unit.crew.items():
                    offering = sum(
                        1
                        for p in instance.staff
                        if role in p.roles
                        and (weekday, half) in p.availability
                        and p.max_shifts_per_week > 0
                        and p.max_shifts_per_month > 0
                    )
                    ok = ok and offering >= needed
                result[(unit.id, weekday, half)] = ok
    return result


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
            f"{t.hours:.1f}",
            str(t.offered),
            f"{t.share:.0%}",
        )
        for t in totals
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = []
    for row in (header, *rows):
        cells = [
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def continuity_share(
    tours: Sequence[Tour], shifts: Sequence[Shift], roles: Iterable[Role] = CARE_ROLES
) -> float:
    """Share of commune visits (per care role) made by that commune's most frequent person.

    1.0 means every commune always sees the same doctor; 1/n with n doctors rotating evenly.
    """
    wanted = set(roles)
    by_key = {t.key: t for t in tours}
    counts: dict[tuple[str, Role], dict[str, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    for s in shifts:
        if s.role in wanted and s.tour_key in by_key:
            for insee in communes_of(by_key[s.tour_key]):
                counts[(insee, s.role)][s.staff_id] += 1
    visits = sum(sum(c.values()) for c in counts.values())
    if not visits:
        return 1.0
    return sum(max(c.values()) for c in counts.values()) / visits


def preferences_met(
    instance: Instance, tours: Sequence[Tour], shifts: Sequence[Shift]
) -> float | None:
    """Share of the shifts of people with preferences (communes or units) that match one of them.

    ``None`` when nobody stated a preference.
    """
    by_key = {t.key: t for t in tours}
    people = {
        p.id: p for p in instance.staff if p.preferred_communes or p.preferred_units
    }
    met = total = 0
    for s in shifts:
        person = people.get(s.staff_id)
        if person is None or s.tour_key not in by_key:
            continue
        tour = by_key[s.tour_key]
        ok_commune = not person.preferred_communes or bool(
            communes_of(tour) & person.preferred_communes
        )
        ok_unit = not person.preferred_units or tour.unit_id in person.preferred_units
        total += 1
        met += ok_commune and ok_unit
    return met / total if total else None
