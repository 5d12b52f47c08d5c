"""Every bus day of the plan given its communes anew, all at once: one set of communes per day,
chosen by a mixed integer program over the whole plan (HiGHS, through scipy).

The swaps (`planner.crews.session_swaps`) move one session, or one day, at a time. A better plan can
be several buses' days away: Meuse-390's week served 70.56 % of its priority zones where a plan
four buses' whole days away served 71.05 % (docs/architecture.md, « Every day at once »). Where the
plan offers few enough choices, each day (one or two sessions, none pinned, its crew free all day)
is offered every set of communes it could hold — as many as it has sessions, each in reach of the
bus, its site open and not closed that day, two communes of a day within the 30-minute rule and the
working day (a quick sieve, `_DayClock`) — and HiGHS picks one set per day: the most priority-zone
need, then the most need and, at equal need, the least driving (estimated from the travel matrix)
and the most days kept as they were (regularity: docs/architecture.md, « A crew's day moved »),
under the visit rules between days (frequency, minimal gap, as
`planner.crews.free_capacity.VisitDates` checks them). Each day whose set changed is then timed by
the day's routing with its crew. A set that does not fit is struck out (on its unit when the routing
cannot time it, on its date when the crew cannot work it) and the program solved again, unless the
other days can change without it. The plan changes only when it serves more, priority zones first
(driving at equal need is the exchanges' work: `planner.crews.session_exchanges`). CP-SAT was tried
first: within 30 units of deterministic time it did not find Meuse's best week, which HiGHS proves
at its first node.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from planner.crews.free_capacity import (
    CrewLoads,
    FreeSession,
    crew_still_free,
    filled_day_shifts,
    free_crew,
    site_rule,
    waiting_communes,
)
from planner.crews.session_swaps import PlanDays
from planner.domain.instance import Commune, HalfDay, Instance, Unit
from planner.domain.plan import Shift, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.tours.pattern_problem import reachable

#: At most this many (day, set of communes) choices, so that HiGHS answers in seconds: Meuse-390's
#: week offers 36,266 (docs/architecture.md); a large 12-week plan offers far more, and keeps to the
#: swaps' moves.
MAX_SETS = 40_000
#: Up to this many sets, the plan's days are chosen all together; above, a week at a time (the other
#: weeks' visits held), each week a program of its own: on 12-week plans of 11,000 to 31,000 sets
#: the whole program cost 16 to 47 s and gained nothing on Creuse sud, Haute-Marne nord and
#: Indre-Boischaut (docs/architecture.md, « Every day at once »). A one-week plan is one week.
WHOLE_SETS = 5_000
#: At most this many choices for the days of a few weeks (`regroup_weeks`): the Orne département's
#: fortnights offer about 70,000.
WINDOW_SETS = 100_000
#: Nodes of branching HiGHS may explore for each stage (priority zones, then need and driving): a
#: count, not a clock, so the same plan on any machine (Meuse's week: proven at the first node).
NODE_LIMIT = 50
#: Above this many sets, HiGHS is given only the sets the linear relaxation finds worth it
#: (`_Program._paying`, a heuristic cut); below, HiGHS is quick enough with all of them.
RELAXATION_FIRST = 10_000
#: Rounds of solving then timing the changed days: the sets that do not fit are struck out between
#: rounds, and after the last the plan is kept as it was.
TIMING_ROUNDS = 3

#: People of need within which two plans tie.
TIE = 1e-4

Choice = tuple[str, ...]  # a day's communes, by INSEE code, sorted


def regroup_days(
    instance: Instance,
    tours: Sequence[Tour],
    shifts: Sequence[Shift],
    travel: TravelMatrix,
    targets: Mapping[str, float],
) -> tuple[list[Tour], list[Shift], int]:
    """The plan with its bus days' communes chosen at once, all together or a week at a time
    (`WHOLE_SETS`; see the module docstring), and how many days changed; ``targets``: bus visits a
    week, by INSEE code."""
    days = PlanDays(instance, tours, shifts, travel, targets)
    if not waiting_communes(instance, targets, days.counts):  # every target met: nothing to gain
        return list(tours), list(shifts), 0
    offers = _offers(days)
    if not offers:
        return list(tours), list(shifts), 0
    whole = sum(len(o) for o in offers.values()) <= WHOLE_SETS
    week_of = {key: 0 if whole else instance.rules.week_index(days.by_key[key].date) for key in offers}
    changed = sum(
        _regroup(days, {key: sets for key, sets in offers.items() if week_of[key] == week}, None)
        for week in sorted(set(week_of.values()))
    )
    return (days.tours(), days.shifts(), changed) if changed else (list(tours), list(shifts), 0)


def _regroup(days: PlanDays, offers: Mapping[str, list[Choice]], opening: Opening | None) -> int:
    """The ``offers``' days (one week's) given their sets at once, the other days' visits held, and
    ``opening``'s day opened if it pays; kept when the plan then serves more. How many days changed."""
    instance, targets = days.instance, days.targets
    before = _served(instance, targets, days.counts)
    struck: set[tuple[str, Choice]] = set()
    for _ in range(TIMING_ROUNDS):
        model = _SetModel(days, offers, struck, opening)
        chosen = model.solve()
        if chosen is None:
            return 0
        timed, failed = _timed_days(days, chosen, opening)
        if not failed or model.holds({**chosen, **{key: offers[key][0] for key in failed}}):
            break  # the days that do not fit keep their own sets, the visit rules still hold
        struck |= set(failed.values())
    else:
        return 0
    counts = Counter(days.counts)
    for key, day in timed.items():
        counts.subtract(s.insee for s in days.by_key[key].sessions)
        if day is not None:
            counts.update(s.insee for s in day[0].sessions)
    if not _more(*_served(instance, targets, counts), *before):  # days that did not fit kept their own
        return 0
    for key, day in timed.items():
        if day is None:
            days.drop(key)
        else:
            days.put(key, *day)
    return len(timed)


def _served(instance: Instance, targets: Mapping[str, float], counts: Mapping[str, int]) -> tuple[float, float]:
    """(priority zones' need, need) served by ``counts`` visits, each commune's capped at its target
    over the horizon, as `planner.results.kpis` counts them."""
    weeks = instance.rules.weeks
    priority = need = 0.0
    for insee, per_week in targets.items():
        commune = instance.commune(insee)
        served = commune.need / weeks * min(counts.get(insee, 0), per_week * weeks)
        need += served
        priority += served if commune.priority else 0.0
    return priority, need


def _more(priority: float, need: float, priority_before: float, need_before: float) -> bool:
    """Whether (priority zones' need, need) beats the one before, priority zones first (within a
    ten-thousandth of a person, a tie: each stage holds the one before to HiGHS's tolerance)."""
    if abs(priority - priority_before) > TIE:
        return priority > priority_before
    return need > need_before + TIE


@dataclass(frozen=True)
class Opening:
    """A parked bus day, ``key`` (a tour without sessions in the plan), that may open with a crew
    free that day if exactly one of ``sources`` (other days, whose crew would then be free) closes."""

    key: str
    sources: tuple[str, ...]


def regroup_weeks(days: PlanDays, weeks: Collection[int], opening: Opening | None = None) -> tuple[int, int]:
    """The bus days of ``weeks`` (0-based) given their sets at once, the other weeks held, up to
    `WINDOW_SETS` choices, and with ``opening`` a parked day that may open; kept when the plan then
    serves more. How many days changed, and how many choices were offered."""
    rules = days.instance.rules
    keys = [key for key in days.bus_days() if rules.week_index(days.by_key[key].date) in weeks]
    offers = _offers(days, keys, WINDOW_SETS)
    if not offers:
        return 0, 0
    if opening is not None:
        offers = _with_opening(days, offers, opening)
    return _regroup(days, offers, opening), sum(len(sets) for sets in offers.values())


def _with_opening(days: PlanDays, offers: Mapping[str, list[Choice]], opening: Opening) -> dict[str, list[Choice]]:
    """``offers`` with the parked day's sets (none, its own, first) and each source's empty set."""
    parked = days.by_key[opening.key]
    unit = days.instance.unit(parked.unit_id)
    candidates, sets = _candidates(days), []
    for size in range(1, min(2, unit.sessions_per_day) + 1):
        fits, fit = _fitting(days, candidates, unit, parked.date, size)
        sets += sorted({tuple(sorted(fits[i].insee for i in at)) for at in zip(*np.nonzero(fit))})
    extended = {**offers, opening.key: [(), *sets]}
    for key in opening.sources:
        extended[key] = [*offers.get(key, [_own(days.by_key[key])]), ()]
    return extended


def _offers(days: PlanDays, keys: Sequence[str] | None = None, limit: int = MAX_SETS) -> dict[str, list[Choice]]:
    """Each bus day's possible sets of communes (of ``keys``, else every bus day), its own first:
    days of one or two sessions, none pinned, their crew free all day; none at all beyond ``limit``
    (counted before they are listed: the Orne département's 12 weeks count 420,551)."""
    instance = days.instance
    candidates = _candidates(days)
    offers: dict[str, list[Choice]] = {}
    chosen: dict[str, tuple[Tour, list[Commune], np.ndarray]] = {}
    count = 0
    for key in days.bus_days() if keys is None else keys:
        tour = days.by_key[key]
        size = len(tour.sessions)
        if size not in (1, 2) or len(days.movable(key)) < size or not _crew_all_day(instance, tour, days.crew_of[key]):
            continue
        fits, fit = _fitting(days, candidates, instance.unit(tour.unit_id), tour.date, size)
        count += int(fit.sum()) + 1
        if count > limit:
            return {}
        chosen[key] = (tour, fits, fit)
    for key, (tour, fits, fit) in chosen.items():
        own = _own(tour)
        sets = [tuple(sorted(fits[i].insee for i in at)) for at in zip(*np.nonzero(fit))]
        offers[key] = [own, *sorted(set(sets) - {own})]
    return offers


def _own(tour: Tour) -> Choice:
    return tuple(sorted(s.insee for s in tour.sessions))


def _fitting(
    days: PlanDays, candidates: Sequence[Commune], unit: Unit, day: date, size: int
) -> tuple[list[Commune], np.ndarray]:
    """The ``candidates`` ``unit`` may hold on ``day``, and which of them (``size`` 1), or which
    pairs (``size`` 2, upper triangle), fit its working day."""
    fits = [c for c in candidates if _may_hold(days.instance, days.travel, unit, c, day)]
    clock = _DayClock(days.instance, days.travel, unit, fits)
    return fits, clock.one_fits() if size == 1 else np.triu(clock.two_fit(), 1)


def _crew_all_day(instance: Instance, tour: Tour, crew: Sequence[Shift]) -> bool:
    """Whether the day's crew may work all day: a crew of one half-day would stop the routing's
    timing (which does not know it) from putting a new commune in the other half (Haute-Marne
    nord: a morning crew, three rounds of sets timed in the afternoon)."""
    return all(instance.person(s.staff_id).is_available(tour.date, tuple(HalfDay)) for s in crew)


def _candidates(days: PlanDays) -> list[Commune]:
    """The communes a day may be given: every priority-zone commune with a target, and the others
    worth at least as much a visit as the least worth the plan serves outside priority zones (a
    commune worth less could only take a session from one worth more)."""
    instance = days.instance
    with_target = [
        instance.commune(insee)
        for insee, per_week in sorted(days.targets.items())
        if per_week > 0 and instance.commune(insee).visits_per_week > 0
    ]
    served = [days.worth(c, -1) for c in with_target if not c.priority and days.counts[c.insee]]
    least = min(served, default=math.inf)
    return [c for c in with_target if c.priority or days.worth(c, -1 if days.counts[c.insee] else 0) >= least]


class _DayClock:
    """Whether a day of one session, or of two (either order), fits the unit's working hours around
    its lunch break, as `planner.tours.day_routing.route_day` counts time (steps of the time grid,
    each drive rounded up, lunch never inside a session and lengthening a drive it falls in): a
    quick first sieve, before the day's routing times the sets the model picks."""

    def __init__(self, instance: Instance, travel: TravelMatrix, unit: Unit, communes: Sequence[Commune]) -> None:
        step = instance.rules.time_step
        at = np.array([travel.index(c.site.point) for c in communes], dtype=int)
        depot = travel.index(unit.depot)

        def steps(minutes: np.ndarray) -> np.ndarray:
            return -(-np.ceil(minutes - 1e-9).astype(int) // step)

        self.out, self.back = steps(travel.minutes[depot, at]), steps(travel.minutes[at, depot])
        self.legs = steps(travel.minutes[np.ix_(at, at)])
        near = travel.minutes[np.ix_(at, at)]
        self.near = np.minimum(near, near.T) <= instance.rules.max_drive_between_sessions
        self.start, self.end = -(-unit.hours.start // step), unit.hours.end // step
        self.length = instance.rules.session_length(unit) // step
        self.lunch = None if unit.lunch is None else (unit.lunch.start // step, -(-unit.lunch.end // step))

    def _session(self, arrive: np.ndarray) -> np.ndarray:
        """When a session can start once the bus is there: after lunch if it would overlap it."""
        if self.lunch is None:
            return arrive
        begin, end = self.lunch
        return np.where((arrive < end) & (arrive + self.length > begin), np.maximum(arrive, end), arrive)

    def _arrive(self, leave: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """When a drive left at ``leave`` arrives: lunch taken on the way lengthens it."""
        if self.lunch is None:
            return leave + minutes
        begin, end = self.lunch
        return np.where((leave < end) & (leave + minutes > begin), leave + minutes + end - begin, leave + minutes)

    def one_fits(self) -> np.ndarray:
        done = self._session(self.start + self.out) + self.length
        return self._arrive(done, self.back) <= self.end

    def two_fit(self) -> np.ndarray:
        first = self._session(self.start + self.out)[:, None] + self.length
        second = self._session(self._arrive(first, self.legs)) + self.length
        ordered = self._arrive(second, self.back[None, :]) <= self.end
        return self.near & (ordered | ordered.T)


def _may_hold(instance: Instance, travel: TravelMatrix, unit: Unit, commune: Commune, day: date) -> bool:
    return (
        reachable(instance, travel, unit, commune)
        and unit.may_serve(commune.insee)
        and site_rule(instance, unit, commune, day) is None
    )


class _SetModel:
    """One set per offered day, the visit rules between days, and the three objectives, as a mixed
    integer program: a day's sets as 0/1 columns, each commune's visits served (capped at its target)
    as a continuous column."""

    def __init__(
        self,
        days: PlanDays,
        offers: Mapping[str, list[Choice]],
        struck: set[tuple[str, Choice]],
        opening: Opening | None = None,
    ) -> None:
        self.days, self.offers = days, offers
        instance = days.instance
        self.columns = [(key, i) for key, sets in offers.items() for i in range(len(sets))]
        self.index = {(key, offers[key][i]): j for j, (key, i) in enumerate(self.columns)}
        n = len(self.columns)
        dated: dict[str, list[tuple[date, int | None]]] = defaultdict(list)
        rows: list[tuple[dict[int, float], float, float]] = []  # (coefficients, low, high)
        self.upper = np.ones(n)
        j = 0
        for key, sets in offers.items():
            day = days.by_key[key].date
            rows.append(({j + i: 1.0 for i in range(len(sets))}, 1.0, 1.0))
            for i, communes in enumerate(sets):
                if (key, communes) in struck or (days.by_key[key].unit_id, communes) in struck:
                    self.upper[j + i] = 0.0
                for insee in communes:
                    dated[insee].append((day, j + i))
            j += len(sets)
        for key in days.bus_days():
            if key not in offers:
                for s in days.by_key[key].sessions:
                    dated[s.insee].append((days.by_key[key].date, None))
        weeks = instance.rules.weeks
        served_caps: list[float] = []
        priority: list[float] = []
        need: list[float] = []
        own_served: list[float] = []
        for insee in sorted(dated):
            commune = instance.commune(insee)
            visits = dated[insee]
            rows += self._visit_rules(commune, visits)
            cap = days.targets.get(insee, 0.0) * weeks
            if cap <= 0 or all(v is None for _, v in visits):
                continue
            column = n + len(served_caps)
            fixed = sum(1 for _, v in visits if v is None)
            rows.append(({column: 1.0, **_count((v for _, v in visits if v is not None), -1.0)}, -np.inf, float(fixed)))
            served_caps.append(cap)
            own = sum(1 for _, v in visits if v is not None and self.columns[v][1] == 0)  # the days' own sets
            own_served.append(min(cap, fixed + own))
            worth = commune.need / weeks
            need.append(worth)
            priority.append(worth if commune.priority else 0.0)
        self.n, self.served_caps = n, np.array(served_caps)
        self.own = np.concatenate([[float(i == 0) for _, i in self.columns], own_served])
        self.priority = np.concatenate([np.zeros(n), priority])
        self.need = np.concatenate([np.zeros(n), need])
        drive = [
            _drive(instance, days.travel, instance.unit(days.by_key[key].unit_id), offers[key][i])
            for key, i in self.columns
        ]
        self.drive = np.concatenate([np.array(drive, dtype=float), np.zeros(len(served_caps))])
        longest: dict[str, float] = defaultdict(float)
        for (key, _), minutes in zip(self.columns, drive):
            longest[key] = max(longest[key], minutes)
        self.most_driving = sum(longest.values())
        if opening is not None:  # the parked day opens when, and only when, one source closes
            opened = {self.index[opening.key, communes]: 1.0 for communes in offers[opening.key][1:]}
            closed = {self.index[key, ()]: -1.0 for key in opening.sources}
            rows.append(({**opened, **closed}, 0.0, 0.0))
        self.rows = rows

    def _visit_rules(self, commune: Commune, visits: list[tuple[date, int | None]]) -> list:
        """At most one visit within the minimal gap, and the frequency's cap per week or period (the
        plan's other days' visits, ``None``, taken off the limit)."""
        rules = self.days.instance.rules
        gap = max(1, rules.min_gap_days)
        per_week = commune.visits_per_week
        groups: list[tuple[int, list]] = []
        for start in sorted({d for d, _ in visits}):
            groups.append((1, [v for d, v in visits if 0 <= (d - start).days < gap]))
        weeks_of = [(rules.week_index(d), v) for d, v in visits]
        if per_week >= 1:
            for week in sorted({w for w, _ in weeks_of}):
                groups.append((math.ceil(per_week - 1e-9), [v for w, v in weeks_of if w == week]))
        else:
            period = max(1, round(1 / per_week))
            for first in sorted({w for w, _ in weeks_of}):
                groups.append((1, [v for w, v in weeks_of if 0 <= w - first < period]))
        rows = []
        for limit, members in groups:
            if len(members) > limit:
                fixed = sum(1 for v in members if v is None)
                rows.append((_count((v for v in members if v is not None), 1.0), -np.inf, float(limit - fixed)))
        return rows

    def holds(self, chosen: Mapping[str, Choice]) -> bool:
        """Whether one set per day, ``chosen``, keeps the visit rules between days (the rows on 0/1
        columns only: the served columns are free below them)."""
        on = {self.index[key, chosen[key]] for key in self.offers}
        for coefficients, low, high in self.rows:
            value = sum(c for column, c in coefficients.items() if column in on)
            if all(column < self.n for column in coefficients) and not low - 1e-9 <= value <= high + 1e-9:
                return False
        return True

    def solve(self) -> dict[str, Choice] | None:
        """Each day's set: the most priority-zone need, then, holding it, the most need and, at
        equal need, the least driving, then the most days kept as they were (the hold on need has a
        hair of slack, more than all the driving: regularity comes before driving); ``None`` when
        HiGHS finds none, or none serving more than the plan's own sets (the exchanges of sessions
        see to driving at equal need, `planner.crews.session_exchanges`)."""
        from scipy.sparse import csr_array

        data, indices, pointers = [], [], [0]
        for coefficients, _low, _high in self.rows:
            indices += list(coefficients)
            data += list(coefficients.values())
            pointers.append(len(indices))
        width = len(self.drive)
        program = _Program(
            csr_array((data, indices, pointers), shape=(len(self.rows), width)),
            np.array([low for _, low, _ in self.rows]),
            np.array([high for _, _, high in self.rows]),
            np.concatenate([self.upper, self.served_caps]),
            self.n,
        )
        found = self.own
        # need first, then driving: all the driving the days can do is worth less than a tie of need
        stages = [-self.need + TIE / (1 + self.most_driving) * self.drive]
        if self.priority.any():
            stages.insert(0, -self.priority)
        # then the most days kept as they were: regularity, the objective after need (docs/architecture.md,
        # « A crew's day moved »)
        stages.append(-np.concatenate([[float(i == 0) for _, i in self.columns], np.zeros(len(self.served_caps))]))
        for objective in stages:
            better = program.solve(objective, found)
            if better is None:
                return None
            found, program = better, program.holding(objective, float(objective @ better))
        if not _more(self.priority @ found, self.need @ found, self.priority @ self.own, self.need @ self.own):
            return None
        return {key: self.offers[key][i] for (key, i), on in zip(self.columns, found[: self.n] > 0.5) if on}


@dataclass(frozen=True)
class _Program:
    """Rows ``low <= matrix @ x <= high``, columns ``0 <= x <= upper``, the first ``integral`` 0/1."""

    matrix: Any  # a scipy sparse array
    low: np.ndarray
    high: np.ndarray
    upper: np.ndarray
    integral: int

    def holding(self, objective: np.ndarray, reached: float) -> _Program:
        """The program with ``objective`` held at no more than ``reached`` (a hair of slack)."""
        from scipy.sparse import csr_array, vstack

        row = csr_array(objective.reshape(1, -1))
        return _Program(
            vstack([self.matrix, row]).tocsr(),
            np.append(self.low, -np.inf),
            np.append(self.high, reached + 1e-7 * max(1.0, abs(reached))),
            self.upper,
            self.integral,
        )

    def solve(self, objective: np.ndarray, known: np.ndarray) -> np.ndarray | None:
        """The least ``objective`` HiGHS finds, over the columns that may pay only (`_paying`) when
        there are more than `RELAXATION_FIRST`, those of ``known`` (a solution that holds) kept;
        ``None`` when it finds none."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        keep = np.ones(len(self.upper), dtype=bool)
        if self.integral > RELAXATION_FIRST:
            keep[: self.integral] = self._paying(objective) | (known[: self.integral] > 0.5)
        columns = np.nonzero(keep)[0]
        found = milp(
            objective[columns],
            integrality=(columns < self.integral).astype(int),
            bounds=Bounds(np.zeros(len(columns)), self.upper[columns]),
            constraints=[LinearConstraint(self.matrix.tocsc()[:, columns], self.low, self.high)],
            options={"node_limit": NODE_LIMIT, "mip_rel_gap": 1e-9},
        )
        if found.x is None:
            return None
        x = np.zeros(len(self.upper))
        x[columns] = found.x
        return x

    def _paying(self, objective: np.ndarray) -> np.ndarray:
        """The 0/1 columns the linear relaxation uses or could use at no loss (a reduced cost below a tie): a
        heuristic cut, as in column generation, that makes HiGHS's priority stage on Meuse-390's
        week three times as fast, at the same optimum (docs/architecture.md, « Every day at once »)."""
        from scipy.optimize import linprog
        from scipy.sparse import vstack

        rows = self.matrix
        equal = self.low == self.high
        upper_rows, lower_rows = np.isfinite(self.high) & ~equal, np.isfinite(self.low) & ~equal
        relaxed = linprog(
            objective,
            A_ub=vstack([rows[upper_rows], -rows[lower_rows]]).tocsr(),
            b_ub=np.concatenate([self.high[upper_rows], -self.low[lower_rows]]),
            A_eq=rows[equal],
            b_eq=self.high[equal],
            bounds=[(0.0, float(high)) for high in self.upper],
            method="highs-ds",
        )
        if relaxed.status != 0 or relaxed.x is None:
            return np.ones(self.integral, dtype=bool)
        return (relaxed.x[: self.integral] > 1e-9) | (relaxed.lower.marginals[: self.integral] <= TIE)


def _count(columns, coefficient: float) -> dict[int, float]:
    counted: dict[int, float] = defaultdict(float)
    for column in columns:
        counted[column] += coefficient
    return dict(counted)


def _drive(instance: Instance, travel: TravelMatrix, unit: Unit, communes: Choice) -> int:
    """Minutes of the day's round from the depot through ``communes``, in its shorter order."""
    if not communes:
        return 0
    depot = travel.index(unit.depot)
    at = [travel.index(instance.commune(i).site.point) for i in communes]
    m = travel.minutes
    return round(
        min(
            m[depot, order[0]] + sum(m[a, b] for a, b in itertools.pairwise(order)) + m[order[-1], depot]
            for order in itertools.permutations(at)
        )
    )


def _timed_days(
    days: PlanDays, chosen: Mapping[str, Choice], opening: Opening | None
) -> tuple[dict[str, tuple[Tour, list[Shift]] | None], dict[str, tuple[str, Choice]]]:
    """The days whose set changed, timed with their crew (``None``: a source closed for
    ``opening``, whose day finds its crew among the people then free), and for each day whose set
    does not fit, what to strike: the set on that unit (timing) or on that day (its crew)."""
    instance = days.instance
    timed: dict[str, tuple[Tour, list[Shift]] | None] = {}
    failed: dict[str, tuple[str, Choice]] = {}
    closing = {key for key, communes in chosen.items() if not communes and days.by_key[key].sessions}
    for key, communes in chosen.items():
        current = days.by_key[key]
        if communes == _own(current):
            continue
        if key in closing:
            timed[key] = None
            continue
        unit = instance.unit(current.unit_id)
        usual = {s.insee: s.start for s in current.sessions if s.insee in communes}
        tour = days.timings.tour(unit, current.date, [instance.commune(i) for i in communes], usual)
        if tour is None:  # a day's timing depends on its unit and communes, never on its date
            failed[key] = (unit.id, communes)
            continue
        crew = days.crew_of[key]
        if opening is not None and key == opening.key:
            loads = CrewLoads(s for other, shifts in days.crew_of.items() if other not in closing for s in shifts)
            new_crew = free_crew(instance, loads, unit, tour)
            if new_crew is None:
                failed[key] = (key, communes)
                continue
            session = FreeSession(unit.id, current.date, tour, new_crew, ())
        elif crew_still_free(instance, crew, tour):
            session = FreeSession(unit.id, current.date, tour, (), ())
        else:
            failed[key] = (key, communes)
            continue
        timed[key] = (tour, filled_day_shifts(instance, unit, session, crew))
    return timed, failed
