"""Why a tour has no crew, counted against the rota found, and what would fix it.

Everything here counts, it never solves: a coordinator must be able to check each sentence by hand
("Mercredis des semaines 3–4 : aucun chauffeur disponible…"). The per-assignment reasons come from
the eligibility rules of `planner.crews.rota_rules`, so the explanations and the solver agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from planner.crews.posts import TourOrPost
from planner.crews.rota_facts import iso_week, month_of
from planner.crews.rota_rules import rule_available, rule_not_off
from planner.domain.french import WEEKDAYS_FR, format_weeks, plural_fr
from planner.domain.instance import Instance, Role, Staff
from planner.domain.plan import Shift

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


def _when(weekday: int, weeks: Sequence[int]) -> str:
    day = WEEKDAYS_FR[weekday].capitalize()
    if len(weeks) == 1:
        return f"{day} de la semaine {weeks[0]}"
    return f"{day}s des semaines {format_weeks(weeks)}"


def _group(
    instance: Instance,
    findings: Iterable[tuple[TourOrPost, tuple[str, ...], tuple[str, ...]]],
) -> tuple[str, ...]:
    """Merge identical findings of the same unit and weekday over weeks into one sentence each."""
    weeks: dict[tuple[str, int, tuple[str, ...], tuple[str, ...]], list[int]] = defaultdict(list)
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

    def status(self, person: Staff, tour: TourOrPost, role: Role, instance: Instance) -> str:
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
    instance: Instance, tour: TourOrPost, role: Role, needed: int, load: _Load
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
        parts = [f"{len(free)} {plural_fr(role.label_fr, len(free))} disponible(s) pour {needed} nécessaire(s)"]
    fixes = [f"ajouter un {role.label_fr} le {weekday}"]
    for status in (_MAX_MONTH, _MAX_WEEK, _BUSY, _OFF):
        people = by_status[status]
        if not people:
            continue
        one, many = _BLOCKED_PHRASE[status]
        verb = "propose" if len(people) == 1 else "proposent"
        parts.append(
            f"{len(people)} {plural_fr(role.label_fr, len(people))} {verb} le {weekday} "
            f"mais {one if len(people) == 1 else many}"
        )
        if status in _RAISE:
            names = ", ".join(p.name for p in sorted(people, key=lambda p: p.id)[:3])
            fixes.append(f"{_RAISE[status]} {names}")
    return parts, fixes, {p.id for p in free}


def explain_uncrewed(
    instance: Instance,
    tours: Sequence[TourOrPost],
    shifts: Sequence[Shift],
    uncrewed: Iterable[str],
) -> tuple[str, ...]:
    """Why each uncrewed tour has no crew, counted against the rota found, and what would fix it."""
    load = _Load.of(shifts)
    wanted = set(uncrewed)
    findings = []
    for tour in sorted((t for t in tours if t.key in wanted), key=lambda t: (t.date, t.unit_id)):
        unit = instance.unit(tour.unit_id)
        parts: list[str] = []
        fixes: list[str] = []
        free_union: set[str] = set()
        for role, needed in sorted(unit.crew.items(), key=lambda kv: kv[0].value):
            if needed <= 0:
                continue
            role_parts, role_fixes, free = _role_findings(instance, tour, role, needed, load)
            parts += role_parts
            fixes += role_fixes
            free_union |= free
        if not parts:
            if len(free_union) < unit.crew_size:
                parts = [
                    "les personnes libres ne suffisent pas à composer toute l'équipe (une personne ne tient qu'un rôle)"
                ]
            else:
                parts = ["une équipe semble possible mais n'a pas été trouvée dans le temps de calcul"]
                fixes = ["relancer avec plus de temps"]
        findings.append((tour, tuple(parts), tuple(fixes)))
    return _group(instance, findings)
