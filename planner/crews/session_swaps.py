"""Sessions given to communes worth more, once the plan is made: the same bus days, the same crews.

A regular pattern fills the days around its priority-zone visits with what pairs with them and can
leave a commune of large need waiting: on Gers-Armagnac, the four buses that reach Eauze (its
largest need, beside one bus's depot) spend every session in priority zones, and the fifth, which
cannot reach it, holds every other visit (docs/architecture.md). Four moves, each kept only when the
re-timed days keep their crews and every visit rule (the checks of `planner.crews.free_capacity`):

- a swap: a session (not pinned) goes to a waiting commune worth more — priority zones first, then
  need, as the KPIs count them: a priority-zone session only to more priority-zone need; the
  sessions worth least are offered first;
- a chain: that session goes instead to a priority-zone commune another bus visits, and that bus's
  session to the waiting commune (its priority-zone need unchanged);
- a new day: the whole day goes to one waiting commune worth more than all its sessions together.
  A bus whose own communes are outside priority zones can give a day to a far priority-zone commune
  that none of them pairs with (on Gers-Armagnac's week, what PyVRP did); the chains are then tried
  again, from the days so given;
- a day chain: the whole day goes to a priority-zone commune another bus visits, and that bus's
  session to a waiting commune worth more than all the day's sessions (a far priority-zone commune
  pairs with none of the day's communes, so a chain of one session cannot take it).

The four run again, in rounds, until one changes nothing: the communes a whole day leaves waiting
can take the next round's swaps.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date

from planner.crews.free_capacity import (
    DayTimings,
    FreeSession,
    VisitDates,
    filled_day_shifts,
    try_day,
    waiting_communes,
)
from planner.domain.instance import Commune, Instance, UnitKind
from planner.domain.plan import Shift, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.tours.pattern_problem import reachable

#: The passes run again while a round still changes a session: a day given whole to a far
#: priority-zone commune leaves communes waiting that the next round's swaps can place (every change
#: serves more, priority zones first, so the rounds end). A count kept as a guard: on the 22 quality
#: territories the rounds settle within 5, the last changing nothing (docs/architecture.md).
MAX_ROUNDS = 8
#: A chain tries, for one session, this many waiting communes worth more, by need served: priority
#: zones' waiting communes come first in a swap, but on Gers-Armagnac the first seven were priority
#: communes worth one person each that no day could take, ahead of Eauze, worth 61.
CHAIN_CANDIDATES = 6


def swap_sessions(
    instance: Instance,
    tours: Sequence[Tour],
    shifts: Sequence[Shift],
    travel: TravelMatrix,
    targets: Mapping[str, float],
) -> tuple[list[Tour], list[Shift], int]:
    """The plan's sessions after every swap, then every chain, then every new day and day chain (and
    the chains again if one changed a day) that serves more (see the module docstring), in rounds
    until one changes nothing (`MAX_ROUNDS` at most); ``targets``: bus visits a week, by INSEE code. Returns
    the tours, the shifts and how many of the plan's sessions changed commune."""
    swaps = PlanDays(instance, tours, shifts, travel, targets)
    first = dict(swaps.by_key)
    for _ in range(MAX_ROUNDS):
        before = swaps.changed
        swaps.cheapest_first(swaps.swap)
        swaps.each_session(swaps.chain)
        days_from = swaps.changed
        for key in swaps.bus_days():
            swaps.new_day(key)
        for key in swaps.bus_days():
            swaps.day_chain(key)
        if swaps.changed > days_from:  # a day given whole to one commune can start a chain
            swaps.each_session(swaps.chain)
        if swaps.changed == before:
            break
    return swaps.tours(), swaps.shifts(), sum(_sessions_changed(first[k], t) for k, t in swaps.by_key.items())


class PlanDays:
    """The plan being changed: its days, crews, visit dates and counts (also the exchanges' state:
    `planner.crews.session_exchanges`)."""

    def __init__(self, instance, tours, shifts, travel, targets) -> None:
        self.instance, self.travel, self.targets = instance, travel, targets
        self.by_key = {t.key: t for t in tours}
        self.crew_of: dict[str, list[Shift]] = defaultdict(list)
        for shift in shifts:
            self.crew_of[shift.tour_key].append(shift)
        self.visits, self.timings = VisitDates(instance, tours), DayTimings(instance, travel)
        self.counts = Counter(s.insee for t in tours for s in t.sessions)
        self.changed = 0
        self.answers: dict[tuple[str, str, str], FreeSession | None] = {}  # see `_first_taken`

    def tours(self) -> list[Tour]:
        return sorted(self.by_key.values(), key=lambda t: (t.date, t.unit_id))

    def shifts(self) -> list[Shift]:
        return [s for key in sorted(self.crew_of) for s in self.crew_of[key]]

    def bus_days(self) -> list[str]:
        buses = [k for k, t in self.by_key.items() if self.instance.unit(t.unit_id).kind is not UnitKind.FIXED]
        return sorted(buses, key=lambda k: (self.by_key[k].date, self.by_key[k].unit_id))

    def each_session(self, move: Callable[[str, str], None]) -> None:
        """``move`` tried on every bus day's movable sessions, in the days' order."""
        for key in self.bus_days():
            for insee in self.movable(key):
                move(key, insee)

    def cheapest_first(self, move: Callable[[str, str], None]) -> None:
        """``move`` tried on every bus day's movable sessions, those worth least first (outside
        priority zones first): a waiting priority-zone commune takes the least need that gives it a
        session. In the days' order, Gers-Armagnac's swaps brought its priority zones to 99.66 %;
        the least worth first, to 99.70 % (docs/architecture.md, « Swaps, cheapest first »)."""
        days = self.bus_days()
        order = sorted(
            (self.instance.commune(insee).priority, self.worth(self.instance.commune(insee), -1), i, insee)
            for i, key in enumerate(days)
            for insee in self.movable(key)
        )
        for _priority, _worth, i, insee in order:
            if any(s.insee == insee for s in self.by_key[days[i]].sessions):  # still there
                move(days[i], insee)

    def movable(self, key: str) -> list[str]:
        """The day's communes whose session may go: those not pinned."""
        rules = self.instance.rules
        return [s.insee for s in self.by_key[key].sessions if rules.pin_of(s.insee) is None]

    def worth(self, commune: Commune, change: int = 0) -> float:
        """The need one more visit of ``commune`` serves after its visits (+ ``change``), capped at
        its target over the horizon, as `planner.results.kpis` counts need."""
        weeks = self.instance.rules.weeks
        cap = self.targets.get(commune.insee, 0.0) * weeks
        return commune.need / weeks * min(1.0, max(0.0, cap - self.counts[commune.insee] - change))

    def better(self, out: str) -> list[Commune]:
        """Waiting communes worth more than a visit of ``out``, priority zones first: in a priority
        zone, more of that need (any, for ``out`` outside them), else more need; in that order."""
        gone = self.instance.commune(out)
        loss = self.worth(gone, -1)
        return [
            c
            for c in waiting_communes(self.instance, self.targets, self.counts)
            if c.insee != out
            and (c.priority or not gone.priority)
            and self.worth(c) > (0.0 if c.priority and not gone.priority else loss) + 1e-9
        ]

    def attempt(self, key: str, leaving: Collection[str], candidates: Sequence[Commune]) -> FreeSession | None:
        """The day without the sessions of ``leaving``, re-timed with the first of ``candidates`` it
        can take (reach, site, visit rules, the 30-minute rule, its crew), or ``None``; nothing is
        changed."""
        current = self.by_key[key]
        unit = self.instance.unit(current.unit_id)
        fits = [c for c in candidates if reachable(self.instance, self.travel, unit, c) and unit.may_serve(c.insee)]
        if not fits:
            return None
        rest = replace(current, sessions=tuple(s for s in current.sessions if s.insee not in leaving))
        for insee in leaving:
            self.visits.remove(insee, current.date)
        try:
            found = try_day(
                self.instance, self.timings, unit, current.date, rest, self.crew_of[key], fits, self.visits, None
            )
        finally:
            for insee in leaving:
                self.visits.add(insee, current.date)
        return found if found.tour is not None else None

    def commit(self, key: str, found: FreeSession) -> None:
        """Keeps ``found`` as the day: its visit dates, counts and crew follow."""
        assert found.tour is not None
        unit = self.instance.unit(self.by_key[key].unit_id)
        self.changed += self.put(key, found.tour, filled_day_shifts(self.instance, unit, found, self.crew_of[key]))

    def park(self, unit_id: str, day: date) -> str:
        """A day of ``unit_id`` on ``day`` without sessions nor crew, that a regrouping may open
        (`planner.crews.day_sets.Opening`); its key."""
        tour = Tour(unit_id, day, 0, 0, ())
        self.by_key[tour.key] = tour
        return tour.key

    def drop(self, key: str) -> None:
        """The day gone from the plan, with its crew, visit dates and counts."""
        tour = self.by_key.pop(key)
        for session in tour.sessions:
            self.visits.remove(session.insee, tour.date)
            self.counts[session.insee] -= 1
        self.crew_of.pop(key, None)
        self.answers.clear()

    def put(self, key: str, tour: Tour, crew: list[Shift]) -> int:
        """``tour`` and ``crew`` as the day, its visit dates and counts following; how many of its
        sessions changed commune."""
        current = self.by_key[key]
        before, after = {s.insee for s in current.sessions}, {s.insee for s in tour.sessions}
        changed = _sessions_changed(current, tour)
        for insee in before - after:
            self.visits.remove(insee, current.date)
            self.counts[insee] -= 1
        for insee in after - before:
            self.visits.add(insee, current.date)
            self.counts[insee] += 1
        self.by_key[key], self.crew_of[key] = tour, crew
        self.answers.clear()
        return changed

    def swap(self, key: str, out: str) -> None:
        found = self.attempt(key, {out}, self.better(out))
        if found is not None:
            self.commit(key, found)

    def chain(self, key: str, out: str) -> None:
        """``out``'s session to a priority-zone commune another bus day visits, whose session there
        goes to a waiting commune worth more than ``out``'s visit."""
        self._chain(key, {out}, self.better(out))

    def day_chain(self, key: str) -> None:
        """The whole day (two sessions or more, none pinned) to a priority-zone commune another bus
        day visits, whose session there goes to a waiting commune worth more than all the day's
        sessions together. A far priority-zone commune pairs with none of a bus's own communes: on
        Gers-Armagnac, the Condom bus could give Eauze (its largest need) a session only once the
        Mauvezin bus, which cannot reach Eauze, gave whole days to Rozès (docs/architecture.md,
        « A whole day in a chain »)."""
        gone = self.whole_day(key)
        if gone:
            self._chain(key, {c.insee for c in gone}, self.worth_more_than(gone))

    def _chain(self, key: str, leaving: Collection[str], better: Sequence[Commune]) -> None:
        """The sessions of ``leaving`` to a priority-zone commune another bus day visits, whose session
        there goes to the first of ``better`` (by need served) it can take. Each commune is timed
        into this day once (`_fits_here`), then the other days are tried."""
        wanted = sorted(better, key=lambda c: (-self.worth(c), c.insee))[:CHAIN_CANDIDATES]
        if not wanted:
            return
        timed: dict[str, FreeSession | None] = {}
        for other in self.bus_days():
            if other == key:
                continue
            for session in self.by_key[other].sessions:
                moved = self.instance.commune(session.insee)
                if not moved.priority or self.instance.rules.pin_of(moved.insee) is not None:
                    continue
                here = self._fits_here(key, leaving, moved, self.by_key[other].date, timed)
                if here is None:
                    continue
                there = self._first_taken(other, moved.insee, [c for c in wanted if c.insee != moved.insee])
                if there is not None:
                    self.commit(other, there)
                    self.commit(key, here)
                    return

    def new_day(self, key: str) -> None:
        """The day (two sessions or more, none pinned) given to the first waiting commune worth more
        than all its sessions together — priority zones' need first, then need —, kept only when the
        re-timed day keeps its crew and every rule (the plan's fill then gives it a second session
        if one fits: `planner.planning.pipeline`)."""
        gone = self.whole_day(key)
        if not gone:
            return
        found = self.attempt(key, {c.insee for c in gone}, self.worth_more_than(gone))
        if found is not None:
            self.commit(key, found)

    def whole_day(self, key: str) -> list[Commune]:
        """The communes of a day that may be given whole: two sessions or more, none pinned."""
        current = self.by_key[key]
        if len(current.sessions) < 2 or len(self.movable(key)) < len(current.sessions):
            return []
        return [self.instance.commune(s.insee) for s in current.sessions]

    def worth_more_than(self, gone: Sequence[Commune]) -> list[Commune]:
        """Waiting communes worth more than the visits of ``gone`` together: priority zones' need
        first, then need."""
        codes = {c.insee for c in gone}
        loss = (sum(self.worth(c, -1) for c in gone if c.priority), sum(self.worth(c, -1) for c in gone))
        return [
            c
            for c in waiting_communes(self.instance, self.targets, self.counts)
            if c.insee not in codes and _ahead(self._gain(c), loss)
        ]

    def _gain(self, commune: Commune) -> tuple[float, float]:
        worth = self.worth(commune)
        return (worth if commune.priority else 0.0, worth)

    def _first_taken(self, key: str, out: str, candidates: Sequence[Commune]) -> FreeSession | None:
        """`attempt` for each candidate in turn, each remembered until the plan changes (a chain asks
        the same days the same questions for every session it starts from)."""
        for commune in candidates:
            asked = (key, out, commune.insee)
            if asked not in self.answers:
                self.answers[asked] = self.attempt(key, {out}, [commune])
            if self.answers[asked] is not None:
                return self.answers[asked]
        return None

    def _fits_here(
        self, key: str, leaving: Collection[str], moved: Commune, leaves: date, timed: dict[str, FreeSession | None]
    ) -> FreeSession | None:
        """The day ``key`` with ``moved`` in place of ``leaving``, once ``moved``'s visit of ``leaves``
        is gone (its visit rules), timed once per commune."""
        day = self.by_key[key].date
        self.visits.remove(moved.insee, leaves)
        try:
            if self.visits.blocked(moved, day) is not None:
                return None
            if moved.insee not in timed:
                timed[moved.insee] = self.attempt(key, leaving, [moved])
        finally:
            self.visits.add(moved.insee, leaves)
        return timed[moved.insee]


def _sessions_changed(old: Tour, new: Tour) -> int:
    """How many of a day's sessions changed commune from ``old`` to ``new``."""
    before, after = {s.insee for s in old.sessions}, {s.insee for s in new.sessions}
    return max(len(before - after), len(after - before))


def _ahead(gain: tuple[float, float], loss: tuple[float, float]) -> bool:
    """Whether (priority zones' need, need) ``gain`` beats ``loss``: priority zones first."""
    if abs(gain[0] - loss[0]) > 1e-9:
        return gain[0] > loss[0]
    return gain[1] > loss[1] + 1e-9
