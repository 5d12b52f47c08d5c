"""What residents are told about a commune's visits: the planned ones and the cancelled ones, with the
reason when it can be said in public (a holiday, a closure, the unit out of service).

A visit is cancelled in two ways. A published visit removed by a later publication (a re-plan) is
kept by the calendar ledger of the store (`planner.publish.store`) and passed in as `Visit`s. A visit
of the commune's usual weekly slot that falls on a day without tours (a public holiday…) was never
planned at all: `skipped_visits` infers it from the plan itself — the commune's sessions on the same
unit and weekday, every *p* weeks (*p* the shortest gap between them) — and keeps only those whose day
has a public reason, so that a resident used to "every Monday" learns why this Monday has none.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from planner.domain.calendar import public_holidays
from planner.domain.instance import Instance
from planner.domain.plan import Plan


@dataclass(frozen=True)
class Visit:
    """A visit as residents see it; ``cancelled`` ones carry the public ``reason`` when there is one."""

    date: date
    unit_id: str
    insee: str
    start: int
    end: int
    cancelled: bool = False
    reason: str | None = None


def public_reason(instance: Instance, unit_id: str, insee: str, day: date) -> str | None:
    """Why there is no visit of ``unit_id`` in ``insee`` on ``day``, in words fit for residents, or None."""
    rules = instance.rules
    holiday = public_holidays(rules).get(day)
    if holiday:
        return f"jour férié ({holiday})"
    if day in rules.closures:
        return "fermeture du service"
    if rules.commune_closed(insee, day):
        return "lieu de consultation fermé ce jour-là"
    if rules.unit_closed(unit_id, day):
        return "unité hors service"
    return None


def skipped_visits(instance: Instance, plan: Plan) -> list[Visit]:
    """Visits of each commune's usual slot that fall on a day with a public reason for no tour."""
    slots: dict[tuple[str, str, int], list[tuple[int, int, int]]] = defaultdict(list)
    for tour, session in plan.sessions():
        week = (tour.date - plan.start).days // 7
        slots[(tour.unit_id, session.insee, tour.date.weekday())].append((week, session.start, session.end))
    skipped = []
    for (unit_id, insee, weekday), visits in sorted(slots.items()):
        weeks = sorted({w for w, _, _ in visits})
        if len(weeks) < 2:
            continue  # one visit says nothing of a rhythm
        period = min(b - a for a, b in pairwise(weeks))
        (start, end), _ = Counter((s, e) for _, s, e in visits).most_common(1)[0]
        for week in range(weeks[0] % period, plan.weeks, period):
            if week in weeks:
                continue
            day = plan.start + timedelta(days=7 * week + (weekday - plan.start.weekday()) % 7)
            reason = public_reason(instance, unit_id, insee, day)
            if reason is not None:
                skipped.append(Visit(day, unit_id, insee, start, end, cancelled=True, reason=reason))
    return skipped


def commune_visits(
    instance: Instance, plan: Plan, insee: str, *, today: date, cancelled: Iterable[Visit] = ()
) -> list[Visit]:
    """The visits of ``insee`` from ``today`` on, planned and cancelled, by date and time.

    ``cancelled`` are published visits a later publication removed (from the calendar ledger); a
    cancelled visit on a day the commune still has a visit at the same time is left out.
    """
    planned = [
        Visit(t.date, t.unit_id, s.insee, s.start, s.end)
        for t, s in plan.sessions()
        if s.insee == insee and t.date >= today
    ]
    taken = {(v.date, v.start) for v in planned}
    others = [v for v in [*cancelled, *skipped_visits(instance, plan)] if v.insee == insee and v.date >= today]
    unique = {(v.date, v.start): v for v in others if (v.date, v.start) not in taken}
    return sorted([*planned, *unique.values()], key=lambda v: (v.date, v.start, v.cancelled))
