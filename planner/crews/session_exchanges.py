"""Sessions exchanged between bus days so that the buses drive less, once the plan is made: every
commune keeps its visits in every week, every day its crew.

On large territories the weekly pattern counts driving per visit (half the depot round trip), blind
to which sessions share a day (docs/architecture.md, "Driving at equal need"): two communes near each
other can end on different days, each beside a far one. Here a session of one day of the pattern (a
bus and a weekday) and a session of another (the same bus or not) change places, in every week where
both are there, so that the weekly pattern stays one. An exchange is kept only when every re-timed
day keeps its crew and every visit rule (the checks of `planner.crews.free_capacity`) and the days
drive less in all. Need and the priority zones' need cannot move: the same communes, as often, in the
same weeks. A week with a holiday or a closure date is left as it is: its visits were moved around
that day, and the summary says where (`planner.planning.holiday_visits`).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.crews.session_swaps import PlanDays
from planner.domain.calendar import closed_dates
from planner.domain.french import number_fr
from planner.domain.instance import Instance, Unit
from planner.domain.plan import Shift, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.tours.pattern_problem import reachable

#: Exchanges tried (each re-times its days in every week it applies to), those the travel matrix says
#: save the most first: a count, not a clock, so the same plan on any machine.
EXCHANGE_TRIES = 80
#: Minutes an exchange must save in all, estimated then timed, to be tried then kept.
MIN_SAVING = 0.5

Slot = tuple[str, int]  # a day of the weekly pattern: (unit id, weekday)


@dataclass(frozen=True)
class Exchanges:
    """What the pass did: exchanges kept, and the driving they saved (minutes over the horizon)."""

    kept: int
    minutes_saved: float

    def text(self, weeks: int) -> str:
        """The summary's line."""
        minutes = number_fr(self.minutes_saved / weeks)
        return (
            f"{self.kept} échange(s) de séances entre deux journées de bus (mêmes communes, mêmes semaines, mêmes "
            f"équipes) : {minutes} min de route en moins par semaine."
        )


def exchange_sessions(
    instance: Instance,
    tours: Sequence[Tour],
    shifts: Sequence[Shift],
    travel: TravelMatrix,
    targets: Mapping[str, float],
) -> tuple[list[Tour], list[Shift], Exchanges]:
    """The plan's tours and shifts after every exchange kept (see the module docstring), best
    estimated saving first, at most `EXCHANGE_TRIES` tried; ``targets``: bus visits a week."""
    search = _Search(PlanDays(instance, tours, shifts, travel, targets))
    kept, saved, more = 0, 0.0, True
    while more and search.tries < EXCHANGE_TRIES:  # an exchange kept can open others: look again
        more = False
        for _, first, a, second, b in search.candidates():
            if search.tries >= EXCHANGE_TRIES:
                break
            saving = search.exchange(first, a, second, b)
            if saving is not None:
                kept, saved, more = kept + 1, saved + saving, True
    return search.days.tours(), search.days.shifts(), Exchanges(kept, round(saved, 1))


class _Search:
    """The plan's bus days by pattern day and week, and the driving of a day of given communes."""

    def __init__(self, days: PlanDays) -> None:
        self.days = days
        instance = days.instance
        self.slots: dict[Slot, dict[int, str]] = defaultdict(dict)
        for key in days.bus_days():
            tour = days.by_key[key]
            self.slots[(tour.unit_id, tour.date.weekday())][instance.rules.week_index(tour.date)] = key
        self.holiday_weeks = {instance.rules.week_index(d) for d in closed_dates(instance.rules)}
        travel = days.travel
        self.minutes = travel.minutes.tolist()  # plain lists: read many times a candidate
        self.index = {c.insee: travel.index(c.site.point) for c in instance.communes if c.site.point in travel}
        self.drives: dict[tuple[str, tuple[str, ...]], float] = {}
        self.reach: dict[tuple[str, str], bool] = {}
        self.tries = 0  # exchanges re-timed so far

    def candidates(self) -> list[tuple[float, Slot, str, Slot, str]]:
        """Every exchange the matrix says saves driving, most first (then by name: a fixed order)."""
        found = []
        for first, second in itertools.combinations(sorted(self.slots), 2):
            for a in self.movable(first):
                for b in self.movable(second):
                    saving = self.estimate(first, a, second, b)
                    if saving is not None and saving > MIN_SAVING:
                        found.append((-saving, first, a, second, b))
        return sorted(found)

    def movable(self, slot: Slot) -> list[str]:
        return sorted({c for key in self.slots[slot].values() for c in self.days.movable(key)})

    def weeks(self, first: Slot, a: str, second: Slot, b: str) -> list[tuple[str, str]]:
        """The (day, day) pairs of the weeks where ``a`` is on the first pattern day and ``b`` on the
        second, neither on the other's (weeks without a holiday or closure)."""
        pairs = []
        for week in sorted((self.slots[first].keys() & self.slots[second].keys()) - self.holiday_weeks):
            one, two = self.slots[first][week], self.slots[second][week]
            here, there = self.communes(one), self.communes(two)
            if a in here and b in there and b not in here and a not in there:
                pairs.append((one, two))
        return pairs

    def communes(self, key: str) -> list[str]:
        return [s.insee for s in self.days.by_key[key].sessions]

    def estimate(self, first: Slot, a: str, second: Slot, b: str) -> float | None:
        """Minutes the exchange would save by the matrix, or ``None`` where a unit cannot serve the
        other's commune or the 30-minute rule would part a day."""
        instance = self.days.instance
        one, two = instance.unit(first[0]), instance.unit(second[0])
        if not (self.serves(one, b) and self.serves(two, a)):
            return None
        pairs = self.weeks(first, a, second, b)
        saving = 0.0
        for k1, k2 in pairs:
            here, there = self.communes(k1), self.communes(k2)
            new_here = [b if c == a else c for c in here]
            new_there = [a if c == b else c for c in there]
            if not (self.near(b, new_here) and self.near(a, new_there)):
                return None
            before = self.drive(first[0], here) + self.drive(second[0], there)
            saving += before - self.drive(first[0], new_here) - self.drive(second[0], new_there)
        return saving if pairs else None

    def serves(self, unit: Unit, insee: str) -> bool:
        """Whether ``unit`` may and can reach ``insee``, asked once per pair (every pass asks again)."""
        if (unit.id, insee) not in self.reach:
            instance = self.days.instance
            commune = instance.commune(insee)
            self.reach[(unit.id, insee)] = (
                insee in self.index and unit.may_serve(insee) and reachable(instance, self.days.travel, unit, commune)
            )
        return self.reach[(unit.id, insee)]

    def near(self, insee: str, day: list[str]) -> bool:
        """The 30-minute rule: ``insee`` within reach of another session of the day, if any."""
        others = [c for c in day if c != insee]
        limit, i, m = self.days.instance.rules.max_drive_between_sessions, self.index[insee], self.minutes
        return not others or any(min(m[i][self.index[c]], m[self.index[c]][i]) <= limit for c in others)

    def drive(self, unit_id: str, communes: list[str]) -> float:
        """The least driving depot → the communes → depot, in any order."""
        key = (unit_id, tuple(sorted(communes)))
        if key not in self.drives:
            depot, m = self.days.travel.index(self.days.instance.unit(unit_id).depot), self.minutes
            stops = [self.index[c] for c in key[1]]
            self.drives[key] = min(
                sum(m[x][y] for x, y in itertools.pairwise([depot, *order, depot]))
                for order in itertools.permutations(stops)
            )
        return self.drives[key]

    def exchange(self, first: Slot, a: str, second: Slot, b: str) -> float | None:
        """The exchange in every week it applies to, kept when every day takes it and the days drive
        less in all: the minutes saved, or ``None`` (nothing changed)."""
        estimate = self.estimate(first, a, second, b)  # earlier exchanges may have changed the days
        if estimate is None or estimate <= MIN_SAVING:
            return None
        self.tries += 1
        pairs = self.weeks(first, a, second, b)
        kept: list[tuple[str, Tour, list[Shift]]] = []
        saving = 0.0
        for k1, k2 in pairs:
            before = self.days.by_key[k1].drive_minutes + self.days.by_key[k2].drive_minutes
            kept += [(k, self.days.by_key[k], self.days.crew_of[k]) for k in (k1, k2)]
            if not self.exchange_week(k1, a, k2, b):
                break
            saving += before - self.days.by_key[k1].drive_minutes - self.days.by_key[k2].drive_minutes
        else:
            if saving > MIN_SAVING:
                return saving
        for key, tour, crew in reversed(kept):
            self.days.put(key, tour, crew)
        return None

    def exchange_week(self, k1: str, a: str, k2: str, b: str) -> bool:
        """``b`` in place of ``a`` on day ``k1`` and ``a`` in place of ``b`` on ``k2``, both re-timed
        and checked (visit rules with the other's move made, crew); nothing changed when one fails."""
        days, visits = self.days, self.days.visits
        d1, d2 = days.by_key[k1].date, days.by_key[k2].date
        one, two = days.instance.commune(a), days.instance.commune(b)
        visits.remove(b, d2)
        try:
            here = days.attempt(k1, {a}, [two])
        finally:
            visits.add(b, d2)
        if here is None:
            return False
        visits.remove(a, d1)
        visits.add(b, d1)
        try:
            there = days.attempt(k2, {b}, [one])
        finally:
            visits.remove(b, d1)
            visits.add(a, d1)
        if there is None:
            return False
        days.commit(k1, here)
        days.commit(k2, there)
        return True
