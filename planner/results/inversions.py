"""Priority zones before all, checked on the finished plan: "inversions".

An inversion is a priority-zone commune below its target while a crewed session it could take (its
unit may serve it and reach it, its site is open) serves a commune outside the priority zones with
less need, and giving it that session would keep every hard rule (compact day, gap, frequency,
hours). The planner should leave none; a swap that a rule blocks is not an inversion, and the rule
is said (`planner.planning.left_out` puts it in the commune's reason).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from planner.domain.instance import Commune, Instance, Unit, UnitKind
from planner.domain.plan import Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.tours.pattern_problem import reachable, site_hours_fit, units_for

BLOCK_REACH = "trop loin du dépôt pour une séance dans la journée"
BLOCK_UNIT = "confiée à d'autres unités (plus proches d'elle ; pour celle-ci, d'autres communes sont plus proches)"
BLOCK_SITE = "site fermé ce jour-là ou à cette heure"
BLOCK_CLOSED = "commune fermée ce jour-là"
BLOCK_GAP = "trop près d'une autre de ses visites"
BLOCK_FREQUENCY = "fréquence visée déjà atteinte sur la période"
BLOCK_COMPACT = "trop loin des autres séances de la journée"
BLOCK_DAY = "la journée ne tiendrait plus dans les horaires"


@dataclass(frozen=True)
class Swap:
    """Could commune ``insee`` take the session of ``holder`` on ``tour_key``? ``blocked_by`` is the
    rule that forbids it (French), or ``None``. A priority commune's unblocked swap with a holder
    outside the zones with less need is an inversion."""

    insee: str
    holder: str
    tour_key: str
    blocked_by: str | None
    outranks: bool = True  # the commune comes before the holder (priority zones, then need)


def priority_swaps(
    instance: Instance, tours: Sequence[Tour], travel: TravelMatrix, targets: Mapping[str, float] | None = None
) -> list[Swap]:
    """Every session a priority commune below its target could take from a commune with less need
    outside the zones, with the rule that blocks it (or none). ``targets`` are the bus visits a week
    of the communes buses serve (default: every commune's own; `planner.results.kpis.Targets`)."""
    rules = instance.rules
    visits: dict[str, list[date]] = defaultdict(list)
    for t in tours:
        for s in t.sessions:
            visits[s.insee].append(t.date)
    if targets is None:
        targets = {c.insee: c.visits_per_week for c in instance.communes}
    short = [
        c
        for c in instance.communes
        if c.priority and c.insee in targets and below_target(targets[c.insee], len(visits[c.insee]), rules.weeks)
    ]
    return [
        s
        for c in short
        for s in commune_swaps(instance, tours, travel, c, visits[c.insee])
        if not instance.commune(s.holder).priority and instance.commune(s.holder).need < c.need
    ]


def outranks(a: Commune, b: Commune) -> bool:
    """``a`` comes before ``b`` for a slot: priority zones first, then the higher need."""
    return (a.priority, a.need) > (b.priority, b.need)


def commune_swaps(
    instance: Instance, tours: Sequence[Tour], travel: TravelMatrix, c: Commune, dates: Sequence[date]
) -> list[Swap]:
    """Every session of the plan ``c`` could take (a unit that may serve it, a date it is not
    visited): its holder, whether ``c`` outranks it, and the rule that blocks giving it to ``c``."""
    units = {u.id for u in units_for(instance, travel, c)}
    swaps = []
    for tour in tours:
        unit = instance.unit(tour.unit_id)
        if not unit.may_serve(c.insee) or tour.date in dates:
            continue
        for i, s in enumerate(tour.sessions):
            if not instance.has_commune(s.insee) or s.insee == c.insee:
                continue
            holder = instance.commune(s.insee)
            blocked = _blocked(instance, travel, unit, units, tour, i, c, dates)
            swaps.append(Swap(c.insee, s.insee, tour.key, blocked, outranks(c, holder)))
    return swaps


def inversions(swaps: Sequence[Swap]) -> int:
    """Priority communes below target with at least one swap that no rule blocks."""
    return len({s.insee for s in swaps if s.blocked_by is None})


def blocking_rules(swaps: Sequence[Swap], insee: str) -> list[tuple[str, int]]:
    """The rules that blocked a commune's swaps, most frequent first."""
    counts = Counter(s.blocked_by for s in swaps if s.insee == insee and s.blocked_by is not None)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def below_target(per_week: float, planned: int, weeks: int) -> bool:
    """Whether ``planned`` visits (or sessions) over ``weeks`` fall short of ``per_week`` a week."""
    return per_week > 0 and planned < math.floor(per_week * weeks + 1e-9)


def _blocked(
    instance: Instance, travel: TravelMatrix, unit: Unit, units: set[str], tour: Tour, i: int, c: Commune, dates
) -> str | None:
    rules = instance.rules
    session = tour.sessions[i]
    if unit.id not in units:
        return BLOCK_UNIT if reachable(instance, travel, unit, c) else BLOCK_REACH
    hours = c.site.open_hours
    if tour.date.weekday() not in c.site.open_days or not site_hours_fit(c, unit, rules.session_length(unit)):
        return BLOCK_SITE
    if hours is not None and not hours.contains(session.start, session.end):
        return BLOCK_SITE
    if rules.commune_closed(c.insee, tour.date):
        return BLOCK_CLOSED
    if any(abs((tour.date - d).days) < max(1, rules.min_gap_days) for d in dates):
        return BLOCK_GAP
    if _frequency_reached(c, tour.date, dates, rules):
        return BLOCK_FREQUENCY
    if unit.kind is UnitKind.FIXED:
        return None
    return _day_blocked(instance, travel, unit, tour, i, c)


def _frequency_reached(c: Commune, day: date, dates, rules) -> bool:
    week = rules.week_index(day)
    if c.visits_per_week >= 1:
        return sum(1 for d in dates if rules.week_index(d) == week) >= math.ceil(c.visits_per_week - 1e-9)
    period = max(1, round(1 / c.visits_per_week))
    return any(abs(rules.week_index(d) - week) < period for d in dates)


def _day_blocked(instance: Instance, travel: TravelMatrix, unit: Unit, tour: Tour, i: int, c: Commune) -> str | None:
    """Compact day (each session within reach of the previous) and the day's hours, with ``c`` in
    session ``i``: the drive to and from its neighbours replaces the holder's."""

    def minutes(a, b) -> float:
        return float(travel.minutes[travel.index(a), travel.index(b)])

    sessions = tour.sessions
    before = instance.commune(sessions[i - 1].insee).site.point if i > 0 else unit.depot
    after = instance.commune(sessions[i + 1].insee).site.point if i + 1 < len(sessions) else unit.depot
    here, holder = c.site.point, instance.commune(sessions[i].insee).site.point
    limit = instance.rules.max_drive_between_sessions
    if (i > 0 and minutes(before, here) > limit) or (i + 1 < len(sessions) and minutes(here, after) > limit):
        return BLOCK_COMPACT
    extra = minutes(before, here) + minutes(here, after) - minutes(before, holder) - minutes(holder, after)
    if tour.back_at_depot - tour.leave_depot + extra > unit.hours.minutes:
        return BLOCK_DAY
    return None
