"""A proven bound of the rules: the most need any plan the validator accepts can serve.

The weekly pattern is a model of regular plans (one slot a commune, the same weekday every period,
each commune offered its nearest units); its own bounds hold only for such plans. This bound is
over every *dated* plan instead: a linear relaxation (GLOP) with one variable per (commune, unit,
date) a bus session could happen on and per (fixed place, date, session), under the rules that
limit what can be served, each written so that every valid plan meets it
(docs/architecture.md, "A bound of the rules"):

- a session only where the unit may go (its places, pins and banned weekdays, site days and
  hours, the commune's closures) and within reach of its depot in its working day;
- a unit works on its weekdays, not on holidays, closures or days out of service;
- at most ``sessions_per_day`` sessions a bus day (× rooms at a fixed place), one when the only
  crews the roster can form that day are half-day ones, and one when the commune can share its day
  with no other within ``max_drive_between_sessions``; a day of two sessions is one pair that may
  share it, or one session alone (each date's pairs, or on large models each unit's pairs counted
  over its days);
- frequency: at most ⌈target⌉ visits a week, one per ``period`` weeks below weekly; never two visits
  of a commune within ``min_gap_days`` (nor on one date);
- crews: what the roster can give per date, week, month and weekday set
  (`planner.crews.staffing.post_limits`, Hall's condition), a fixed place's rooms per session; and
  person by person (`add_people`): a tour held has its crew, role by role, from people free that
  date, one shift a date each within their weekly and monthly maxima, people free for half of the
  day only on tours of one session;
- need served as the KPI counts it (`planner.results.kpis`): a bus commune's visits capped at its
  target over the horizon, a place's sessions capped at its catchment's target.

Looser than the pattern's bounds (regularity and the timed day are not in it), but true of every
plan: the word "prouvée" in the summary is this bound's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np

from planner.domain.calendar import closed_dates
from planner.domain.instance import NOON, Commune, HalfDay, Instance, Staff, Unit, UnitKind
from planner.domain.travel_matrix import TravelMatrix
from planner.tours.catchment import Catchment
from planner.tours.pattern_problem import PostLimit, site_hours_fit
from planner.tours.pattern_relaxation import Rows, integer_bound, relaxation_optimum, solve_relaxation

#: Minutes the validator lets a leg's timetable fall short of the matrix (float noise,
#: `planner.check.context.LEG_TOLERANCE_MIN`); the bound allows it too, so that it never forbids what
#: the validator accepts.
LEG_SLACK = 1e-6
#: Visits are counted in quarters (a fortnightly commune over 5 weeks may be served 2.5 visits).
QUARTERS = 4
#: Up to this many variables, SCIP tightens the relaxation's bound on the integer model (where
#: fractions of visits loosen it: Dieppe, 97.4 % → the integer optimum), within `INTEGER_NODES`
#: nodes of its search (a deterministic budget; Dieppe's is proven at the root).
INTEGER_MODEL = 5_000
#: Above this many variables the relaxation is solved by HiGHS's interior point
#: (`pattern_relaxation.relaxation_optimum`): GLOP took 112 s on the Orne département's 49,246.
LARGE_MODEL = 20_000
INTEGER_NODES = 200
#: The priority floor of the need bound is lowered by this share of itself: the plan's own share,
#: unrounded, comes from sums in another order, and a floor a hair above what it serves would cut
#: it off. Float noise only: at 1e-4 of the share below (the KPI's rounding), the Orne
#: département's bound was 52.02 % instead of 51.84 % (docs/architecture.md, « The exact floor »).
FLOOR_MARGIN = 1e-9
#: Above this many (pair, date) variables in all, a bus day of two sessions is bounded by its count
#: of sessions (a commune no other may share a day with counting for both), and its pairs are
#: counted over all its unit's days (`_add_unit_pairs`: weaker, smaller).
MAX_DAY_PAIRS = 400_000
#: A large model is solved again at most this many times with the crews' rows its solution breaks
#: (then with all of them); a row is broken beyond this many places (HiGHS's tolerance).
CREW_ROUNDS = 3
CREW_SLACK = 1e-6
#: A crew limit below this share of what the unit days could take binds the relaxation anyway: it is
#: a row from the start, never set aside (Orne département: the roster's monthly limits, at 1 %, once
#: cost a first solve of 12.6 s without them before being added back).
SURELY_BINDS = 0.5
#: GLOP stops within a relative tolerance of the optimum; the bound is raised by this share so that
#: it stays above the true optimum of the relaxation.
SOLVER_MARGIN = 1e-6

#: ``day_crews(unit, day)``: the sessions a bus day can hold for want of crews (0: no crew can be
#: formed; 1: only half-day crews); ``place_crews(unit, day, session)``: the crews a fixed place can
#: have for one session (`planner.crews.staffing`).
DayCrews = Callable[[Unit, date], int]
PlaceCrews = Callable[[Unit, date, int], int]


@dataclass(frozen=True)
class RulesBound:
    """Upper bounds on the need served and on the priority zones' need served, as shares of their
    targets (the KPIs ``need_served_share`` and ``priority_need_served_share``)."""

    need_share: float
    priority_share: float | None
    #: Every bus day of two sessions or more was bounded by the pairs that may share it; ``False``
    #: when some were bounded by their count of sessions only (above `MAX_DAY_PAIRS`, or three
    #: sessions a day): a looser bound, which the plan's summary says.
    days_paired: bool = True


def rules_bound(
    instance: Instance,
    travel: TravelMatrix,
    visits: Mapping[str, float],
    places: Mapping[str, Catchment],
    *,
    day_crews: DayCrews,
    place_crews: PlaceCrews,
    post_limits: Sequence[PostLimit] = (),
    people: Sequence[Staff] = (),
    priority_floor: float = 0.0,
) -> RulesBound | None:
    """The bound of the rules for bus communes with targets ``visits`` (a week, by INSEE code) and
    fixed places with their catchments ``places``; ``None`` when GLOP finds no optimum.

    Priority zones come first: the need bound is over the plans that serve at least
    ``priority_floor`` (a share of the priority zones' need, that of the plan it is shown with,
    unrounded: `planner.results.kpis.need_shares`) there;
    the priority bound is over every plan. ``people``: the roster, counted person by person
    (`_DatedModel.add_people`); none when the plan has no crews.

    The two bounds are two models solved side by side (each adds its own crews' rows as it goes):
    their solvers release the GIL, and on 2 cores the Orne département's bound took 21.6 s instead
    of 27.8 s, the same figures."""

    def model() -> _DatedModel:
        built = _DatedModel(instance, travel, visits, places, day_crews, place_crews)
        built.add_post_limits(post_limits)
        built.add_people(people)
        return built

    need_model = model()
    need_total, priority_total = need_model.totals()
    if priority_total <= 0:
        need, priority = need_model.solve(priority=False), None
    else:
        floor = priority_floor * (1 - FLOOR_MARGIN) * priority_total
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="borne") as pool:
            need_bound = pool.submit(need_model.solve, priority=False, priority_floor=floor)
            priority = model().solve(priority=True)
            need = need_bound.result()
        if priority is None:
            return None
    if need is None:
        return None
    return RulesBound(
        min(1.0, need * (1 + SOLVER_MARGIN) / need_total) if need_total else 1.0,
        min(1.0, priority * (1 + SOLVER_MARGIN) / priority_total) if priority is not None else None,
        need_model.days_paired,
    )


def has_priority_targets(instance: Instance, visits: Mapping[str, float], places: Mapping[str, Catchment]) -> bool:
    """Whether any target has priority-zone need: without, the need bound has no priority floor."""
    communes = (instance.commune(i) for i, per_week in visits.items() if per_week > 0)
    return any(c.priority and c.need > 0 for c in communes) or any(c.priority_need > 0 for c in places.values())


class _DatedModel:
    """The relaxation's variables and rows (see the module docstring)."""

    def __init__(self, instance, travel, visits, places, day_crews: DayCrews, place_crews: PlaceCrews) -> None:
        self.instance, self.travel = instance, travel
        self.visits, self.places = visits, places
        rules = instance.rules
        closed = closed_dates(rules)
        self.dates = [d for d in rules.dates() if d not in closed]
        self.rows = Rows(0)
        self.value: dict[int, float] = {}  # capped-served variable -> need per unit of it
        self.priority: dict[int, float] = {}
        #: (unit id, date) -> the variables of its sessions (bus: a visit; place: a session's rooms)
        self.posts: dict[tuple[str, date], list[tuple[int, float]]] = {}
        self.tour: dict[tuple[str, date], int] = {}  # a bus day's "tour held" variable
        self.room: dict[tuple[str, date], int] = {}  # a bus day's most sessions
        #: (unit id, date) -> a bus day's ways to be held (a pair, or a session alone): `_add_day_pairs`
        self.configs: dict[tuple[str, date], list[int]] = {}
        self.alone: dict[tuple[str, date], list[int]] = {}  # of those, the ways with one session
        #: bus days of one session at most, on a model that pairs its days (counted person by person)
        self.one_session_days: set[tuple[str, date]] = set()
        #: unit id -> its bus days not paired date by date (above `MAX_DAY_PAIRS`), on a unit of two
        #: sessions a day (`_add_unit_pairs`)
        self.unpaired: dict[str, list[date]] = {}
        self.days_paired = True  # see `RulesBound.days_paired`
        self._add_bus_visits(day_crews)
        self._add_place_sessions(place_crews)
        #: solved by HiGHS, with the crews' rows set aside until a solution breaks them
        self.large = self.rows.size > LARGE_MODEL
        self.crews_aside: list[PostLimit] = []

    def totals(self) -> tuple[float, float]:
        """The targets' need and priority zones' need, as `planner.results.kpis` counts them."""
        need = priority = 0.0
        for insee, per_week in self.visits.items():
            c = self.instance.commune(insee)
            need += c.need * per_week
            priority += c.need * per_week if c.priority else 0.0
        for catchment in self.places.values():
            need += catchment.need
            priority += catchment.priority_need
        return need, priority

    def solve(self, *, priority: bool, priority_floor: float = 0.0) -> float | None:
        """A proven bound on need (or on the priority zones' need), in people, over the plans that
        serve at least ``priority_floor`` in priority zones: the relaxation's optimum (HiGHS above
        `LARGE_MODEL` variables, GLOP below), tightened by SCIP on the integer model when it is
        small enough (`INTEGER_MODEL`)."""
        if self.large:
            return self._large_optimum(priority, priority_floor)
        objective = self._vector(self.priority if priority else self.value)
        floor_coefs = self._vector(self.priority)
        scaled = [(floor_coefs * _SCALE, math.floor(priority_floor * _SCALE))] if priority_floor else []
        solved = solve_relaxation(self.rows, objective * _SCALE, scaled)
        if solved is None:
            return None
        bound = (solved.bound + 1) / _SCALE  # GLOP's optimum is floored
        if self.rows.size <= INTEGER_MODEL:
            # Coefficients rounded up (and the floor down): the integer model's bound stays above every plan.
            whole = [(np.ceil(c - 1e-9), f) for c, f in scaled]
            found = integer_bound(self.rows, np.ceil(objective * _SCALE - 1e-9), whole, nodes=INTEGER_NODES)
            if found is not None:
                bound = min(bound, found / _SCALE)
        return bound

    def _large_optimum(self, priority: bool, priority_floor: float) -> float | None:
        """The relaxation's optimum by HiGHS, the crews' rows set aside (`add_post_limits`) until its
        solution breaks one of them: then those are added and it is solved again (at most
        `CREW_ROUNDS` times, then with all of them). Every round's optimum is that of fewer rows, a
        bound of every plan; once no row set aside is broken, it is the whole relaxation's."""
        for round_ in range(CREW_ROUNDS + 1):
            objective = self._vector(self.priority if priority else self.value)
            floors = [(self._vector(self.priority), priority_floor)] if priority_floor else []
            found = relaxation_optimum(self.rows, objective, floors)
            if found is None:
                return None
            optimum, values = found
            broken = [limit for limit in self.crews_aside if self._crew_use(limit, values) > limit.limit + CREW_SLACK]
            if not broken:
                break
            if round_ == CREW_ROUNDS - 1:
                broken = self.crews_aside
            for limit in broken:
                self._add_crew_row(limit)
            self.crews_aside = [limit for limit in self.crews_aside if limit not in broken]
        return optimum * (1 + SOLVER_MARGIN) + 1 / _SCALE

    def _vector(self, coefs: Mapping[int, float]) -> np.ndarray:
        vector = np.zeros(self.rows.size)
        for var, coef in coefs.items():
            vector[var] = coef
        return vector

    # --- bus communes -------------------------------------------------------------------------------

    def _add_bus_visits(self, day_crews: DayCrews) -> None:
        instance, rules = self.instance, self.instance.rules
        buses = [u for u in instance.units if u.kind is not UnitKind.FIXED]
        day_room = {(u.id, d): day_crews(u, d) for u in buses for d in self.dates if self._works(u, d)}
        partners = {u.id: self._partners(u) for u in buses}
        pairs = sum(len(partners[u.id]) for u in buses for d in self.dates if day_room.get((u.id, d), 0) >= 2)
        flows = pairs <= MAX_DAY_PAIRS
        by_day: dict[tuple[str, date], list[tuple[int, str]]] = {}
        for insee in sorted(self.visits):
            commune = instance.commune(insee)
            dated: dict[date, list[int]] = {}
            for unit in buses:
                if not self._may_visit(unit, commune):
                    continue
                for d in self.dates:
                    if day_room.get((unit.id, d), 0) <= 0 or not self._open(unit, commune, d):
                        continue
                    var = self.rows.new_variable()
                    dated.setdefault(d, []).append(var)
                    by_day.setdefault((unit.id, d), []).append((var, insee))
            if dated:
                self._add_frequency(commune, dated)
                cap, per_visit = self.visits[insee] * rules.weeks, commune.need / rules.weeks
                visits = [v for vs in dated.values() for v in vs]
                self._add_served(visits, cap, per_visit, per_visit if commune.priority else 0.0)
        paired = {u.id: {i for pair in partners[u.id] for i in pair} for u in buses}  # not lonely
        for (unit_id, d), members in sorted(by_day.items()):
            unit = instance.unit(unit_id)
            room = min(unit.sessions_per_day, day_room[unit_id, d])
            if flows and room == 2:
                paired_ways, alone = self._add_day_pairs(members, partners[unit_id])
                self.configs[unit_id, d], self.alone[unit_id, d] = paired_ways + alone, alone
            else:
                self.days_paired = self.days_paired and (room < 2 or len(members) < 2)
                if flows and room == 1:
                    self.one_session_days.add((unit_id, d))
                if not flows and unit.sessions_per_day == 2:
                    self.unpaired.setdefault(unit_id, []).append(d)
                weights = [1 if i in paired[unit_id] else room for _, i in members]
                self.rows.add([v for v, _ in members], weights, -np.inf, room)
            self.posts[unit_id, d] = [(v, 0.0) for v, _ in members]
            self.room[unit_id, d] = room
        for unit_id, days in sorted(self.unpaired.items()):
            self._add_unit_pairs(unit_id, {d: by_day[unit_id, d] for d in days}, partners[unit_id])

    def _works(self, unit: Unit, d: date) -> bool:
        return d.weekday() in unit.days and not self.instance.rules.unit_closed(unit.id, d)

    def _may_visit(self, unit: Unit, commune: Commune) -> bool:
        """The unit may serve the commune and one session there fits its day (with the legs' slack)."""
        if not unit.may_serve(commune.insee) or commune.site.point not in self.travel:
            return False
        rules = self.instance.rules
        length = rules.session_length(unit)
        if not site_hours_fit(commune, unit, length):
            return False
        depot, site = self.travel.index(unit.depot), self.travel.index(commune.site.point)
        out = np.array([float(self.travel.minutes[depot, site])])
        back = np.array([float(self.travel.minutes[site, depot])])
        return bool(_one_session_fits(unit, length, rules.time_step, out, back)[0])

    def _open(self, unit: Unit, commune: Commune, d: date) -> bool:
        rules = self.instance.rules
        return (
            d.weekday() in commune.site.open_days
            and rules.day_allowed(commune.insee, d.weekday(), unit.id)
            and not rules.commune_closed(commune.insee, d)
        )

    def _add_day_pairs(
        self, members: list[tuple[int, str]], partners: list[tuple[str, str]]
    ) -> tuple[list[int], list[int]]:
        """A bus day of two sessions is one session alone or a pair that may share the day: each
        visit is covered by its "alone" or one of its pairs, and the day holds one of them. Returns
        those ways to hold the day, pairs and alones (their sum is the tour held: `_tour_held`)."""
        return self._add_ways({insee: [var] for var, insee in members}, partners, 1)

    def _add_unit_pairs(
        self, unit_id: str, days: Mapping[date, list[tuple[int, str]]], partners: list[tuple[str, str]]
    ) -> None:
        """A unit's bus days that are not paired date by date (``days``, the visits of each), their
        pairs counted over all of them: each visit is covered by a pair or a session alone, and the
        days hold one such way per tour held (`_tour_held`, which the crews limit). True of every
        plan; weaker than pairing each date (a pair's count is not tied to a date), but one variable
        per pair instead of one per pair and date. Gers-Armagnac's bound goes 70.94 → 66.22 % of
        need, as tight as pairing each date (387 s of HiGHS), in 11.6 s instead of 7.9; the Orne
        département's 61.54 → 58.25 %, in 10.9 s instead of 13.8 (docs/architecture.md, "Pairs over
        a unit's days")."""
        visits: dict[str, list[int]] = {}
        for members in days.values():
            for var, insee in members:
                visits.setdefault(insee, []).append(var)
        self._add_ways(visits, partners, len(days), [v for d in days for v in self._tour_held(unit_id, d)])

    def _add_ways(
        self, visits: Mapping[str, list[int]], partners: list[tuple[str, str]], days: int, held: Sequence[int] = ()
    ) -> tuple[list[int], list[int]]:
        """Over ``days`` bus days, the ways to hold one (a pair of partners, or a session alone): each
        visit of ``visits`` (variables by INSEE code) is covered by one of its ways, and the days
        hold at most one way each, or one per tour ``held`` (variables whose sum is the tours held).
        Returns the pairs' and the alones' variables."""
        cover: dict[str, list[int]] = {insee: [] for insee in visits}
        pairs: list[int] = []
        for a, b in partners:
            if a in visits and b in visits:
                pair = self.rows.new_variable(days)
                cover[a].append(pair)
                cover[b].append(pair)
                pairs.append(pair)
        alones: list[int] = []
        for insee, visited in visits.items():
            alone = self.rows.new_variable(days)
            alones.append(alone)
            coefs = [1] * len(visited) + [-1] * (1 + len(cover[insee]))
            self.rows.add([*visited, alone, *cover[insee]], coefs, -np.inf, 0)
        ways = pairs + alones
        if held:
            self.rows.add(ways + list(held), [1] * len(ways) + [-1] * len(held), -np.inf, 0)
        else:
            self.rows.add(ways, [1] * len(ways), -np.inf, days)
        return pairs, alones

    def _partners(self, unit: Unit) -> list[tuple[str, str]]:
        """The pairs of communes (a < b) that may share a day of ``unit``: one within
        ``max_drive_between_sessions`` of the other (either way), and the two sessions with the
        three drives within the working day (either order)."""
        codes = [i for i in sorted(self.visits) if self._may_visit(unit, self.instance.commune(i))]
        if len(codes) < 2 or unit.sessions_per_day < 2:
            return []
        idx = [self.travel.index(self.instance.commune(i).site.point) for i in codes]
        hop = self.travel.minutes[np.ix_(idx, idx)]
        depot = self.travel.index(unit.depot)
        out = self.travel.minutes[depot, idx]
        back = self.travel.minutes[idx, depot]
        length = self.instance.rules.session_length(unit)
        near = hop <= self.instance.rules.max_drive_between_sessions
        pair = near & _two_sessions_fit(unit, length, self.instance.rules.time_step, out, hop, back)
        pair = pair | pair.T
        return [(codes[i], codes[j]) for i, j in zip(*np.nonzero(np.triu(pair, k=1)), strict=True)]

    def _add_frequency(self, commune: Commune, dated: Mapping[date, list[int]]) -> None:
        """At most ⌈target⌉ visits a week (one per period below weekly), never two within
        ``min_gap_days`` nor on one date."""
        rules = self.instance.rules
        days = sorted(dated)
        gap = max(1, rules.min_gap_days)
        for i, d in enumerate(days):
            window = [v for e in days[i:] if (e - d).days < gap for v in dated[e]]
            if len(window) > 1:
                self.rows.add(window, [1] * len(window), -np.inf, 1)
        v = commune.visits_per_week
        weeks: dict[int, list[int]] = {}
        for d in days:
            weeks.setdefault(rules.week_index(d), []).extend(dated[d])
        if v >= 1:
            cap = math.ceil(v - 1e-9)
            for members in weeks.values():
                if len(members) > cap:
                    self.rows.add(members, [1] * len(members), -np.inf, cap)
            return
        period = max(1, round(1 / v))
        for first in range(rules.weeks):
            members = [x for w in range(first, first + period) for x in weeks.get(w, [])]
            if len(members) > 1:
                self.rows.add(members, [1] * len(members), -np.inf, 1)

    def _add_served(
        self, members: list[int], cap: float, per_unit: float, priority_per_unit: float = 0.0, coefs=None
    ) -> None:
        """A variable for what is served, in quarters of a visit (or session): at most ``cap`` visits
        (rounded up to a quarter) and at most the members' sum (× ``coefs``), each visit worth
        ``per_unit`` of need (``priority_per_unit`` in priority zones). With whole members and a
        fractional cap, also `_whole_visits_row`."""
        if cap <= 0 or not members:
            return
        quarters = math.ceil(QUARTERS * cap - 1e-9)
        served = self.rows.new_variable(upper=quarters)
        if coefs is None:
            self._whole_visits_row(served, members, quarters)
        coefs = coefs or [1] * len(members)
        self.rows.add([served, *members], [1] + [-QUARTERS * c for c in coefs], -np.inf, 0)
        self.value[served] = per_unit / QUARTERS
        if priority_per_unit:
            self.priority[served] = priority_per_unit / QUARTERS

    def _whole_visits_row(self, served: int, members: list[int], quarters: int) -> None:
        """Visits are whole: with a cap of ``quarters`` = 4(k + f) (0 < f < 1), n visits serve at most
        min(4n, ``quarters``), which no plan exceeds and whose upper hull is 4k + 4f(n - k). Without
        this row the relaxation served a monthly commune's 1.5 visits over 6 weeks with 1.5 sessions,
        and a week's monthly commune with a quarter of one (docs/architecture.md)."""
        whole, part = divmod(quarters, QUARTERS)
        if part:
            self.rows.add([served, *members], [1] + [-part] * len(members), -np.inf, whole * (QUARTERS - part))

    # --- fixed places -------------------------------------------------------------------------------

    def _add_place_sessions(self, place_crews: PlaceCrews) -> None:
        """Each fixed place's sessions: a variable per (unit, date, session) scaled to its rooms."""
        instance, rules = self.instance, self.instance.rules
        for place, catchment in sorted(self.places.items()):
            commune = instance.commune(place)
            members: list[int] = []
            for unit in instance.units:
                if unit.kind is not UnitKind.FIXED or place not in unit.places:
                    continue
                if not site_hours_fit(commune, unit, rules.session_length(unit)):
                    continue
                for d in self.dates:
                    if not self._works(unit, d) or not self._open(unit, commune, d):
                        continue
                    for session in range(unit.sessions_per_day):
                        rooms = min(unit.rooms, place_crews(unit, d, session))
                        if rooms <= 0:
                            continue
                        var = self.rows.new_variable(upper=rooms)  # the session's rooms used
                        members.append(var)
                        self.posts.setdefault((unit.id, d), []).append((var, 1.0))
            cap = catchment.sessions_per_week * rules.weeks
            if members and cap > 0:
                self._add_served(members, cap, catchment.need / cap, catchment.priority_need / cap)

    # --- crews --------------------------------------------------------------------------------------

    def add_post_limits(self, limits: Sequence[PostLimit]) -> None:
        """Tours (a bus day) and sessions' rooms (a fixed place) within what the roster can give: a
        row per limit that the unit days could exceed, set aside on large models (`_large_optimum`:
        the "tour held" rows, one per visit, were half the rows and two thirds of HiGHS's time on the
        Orne département) unless it is far below what the days could take (`SURELY_BINDS`)."""
        for limit in limits:
            most = self._crew_use(limit, None)
            if most > limit.limit:
                if self.large and limit.limit > SURELY_BINDS * most:
                    self.crews_aside.append(limit)
                else:
                    self._add_crew_row(limit)

    def add_people(self, staff: Sequence[Staff]) -> None:
        """Each person's shifts as variables, so that the crews are counted as the rota must find
        them (docs/architecture.md, "Crews person by person"): a tour held (a fixed place's room of
        a session) has its unit's crew, role by role, from people free that date; someone free for
        one half of it only crews a tour of one session (`_one_session_tours`); everyone takes one
        shift a date, and at most their weekly (ISO week) and monthly maxima. All true of every plan
        the validator accepts (CREW, AVAILABILITY, ONE_TOUR_PER_PERSON_PER_DAY, MAX_WEEK,
        MAX_MONTH). The roster's totals (`add_post_limits`) alone let half-day volunteers crew whole
        days: Nièvre's bound 67.6 → 66.5 % of need.

        The people free for a unit are those free all day, or in a half-day its hours hold a session
        in (`crewable_halves`). Fixed places, bus days whose sessions are paired (under `MAX_DAY_PAIRS`)
        and, on such a model, bus days of one session only: on the others the roster's totals stay
        alone (Orne département, no day paired: person by person moved nothing and cost 16 s of
        HiGHS)."""
        if not staff:
            return  # no roster counted: tours only
        people = [p for p in staff if p.takes_shifts]
        shifts: dict[tuple[str, tuple], tuple[int, list[int]]] = {}  # (person, period) -> (most, shifts)
        for (unit_id, d), posts in sorted(self.posts.items()):
            unit = self.instance.unit(unit_id)
            counted = (unit_id, d) in self.configs or (unit_id, d) in self.one_session_days
            if unit.kind is not UnitKind.FIXED and not counted:
                continue
            crewable = crewable_halves(self.instance, unit)
            whole_day = {p.id for p in people if p.is_available(d, tuple(HalfDay))}
            free = [p for p in people if p.id in whole_day or any(p.is_available(d, (h,)) for h in crewable)]
            if unit.kind is UnitKind.FIXED:
                held = [([v], per_room) for v, per_room in posts]
            else:
                held = [(self._tour_held(unit_id, d), 1.0)]
            one_session = self._one_session_tours(unit, d)
            for terms, per_room in held:
                for role, n in sorted(unit.crew.items(), key=lambda item: item[0].value):
                    if n <= 0:
                        continue
                    able = [p for p in free if role in p.roles]
                    ys = [self.rows.new_variable() for _ in able]
                    for p, y in zip(able, ys, strict=True):
                        for period, most in _shift_periods(p, d):
                            shifts.setdefault((p.id, period), (most, []))[1].append(y)
                    self.rows.add([*ys, *terms], [1] * len(ys) + [-n * per_room] * len(terms), 0, np.inf)
                    halves = [y for p, y in zip(able, ys, strict=True) if p.id not in whole_day]
                    if one_session is not None and halves:
                        self.rows.add([*halves, *one_session], [1] * len(halves) + [-n] * len(one_session), -np.inf, 0)
        for _, (most, ys) in sorted(shifts.items()):
            if len(ys) > most:
                self.rows.add(ys, [1] * len(ys), -np.inf, most)

    def _one_session_tours(self, unit: Unit, d: date) -> list[int] | None:
        """The ways a paired bus day is held with one session (its "alone" ways), or ``None`` where a
        half-day crew may hold more (two sessions fit in a half-day) or the day is not paired."""
        if unit.kind is UnitKind.FIXED or half_day_sessions(self.instance, unit) >= 2:
            return None
        return self.alone.get((unit.id, d))

    def _crew_terms(self, limit: PostLimit) -> list[tuple[str, date, float]]:
        """The unit days a limit counts, with the places a tour (or a fixed place's room) takes."""
        return [
            (unit_id, d, float(per_tour))
            for d in sorted(limit.dates)
            for unit_id, per_tour in sorted(limit.per_tour.items())
            if per_tour > 0 and (unit_id, d) in self.posts
        ]

    def _crew_use(self, limit: PostLimit, values: np.ndarray | None) -> float:
        """The places ``limit`` counts in a solution ``values`` (a bus day's tour held: `_tour_held`,
        at least its most-held session and its sessions over its room), or at most
        (``None``: every session held, as many times as it has rooms at a fixed place)."""
        use = 0.0
        for unit_id, d, per_tour in self._crew_terms(limit):
            posts = self.posts[unit_id, d]
            held = [1.0 if values is None else float(values[v]) for v, _ in posts]
            if self.instance.unit(unit_id).kind is UnitKind.FIXED:
                use += per_tour * sum(h * per_room for h, (_, per_room) in zip(held, posts, strict=True))
            elif values is not None and (unit_id, d) in self.configs:
                use += per_tour * float(sum(values[v] for v in self.configs[unit_id, d]))
            elif values is not None and (unit_id, d) in self.tour:  # its ways may count on it
                use += per_tour * float(values[self.tour[unit_id, d]])
            else:
                use += per_tour * max(max(held, default=0.0), sum(held) / self.room[unit_id, d])
        return use

    def _add_crew_row(self, limit: PostLimit) -> None:
        terms: list[tuple[int, float]] = []
        for unit_id, d, per_tour in self._crew_terms(limit):
            if self.instance.unit(unit_id).kind is UnitKind.FIXED:
                terms += [(v, per_tour * per_room) for v, per_room in self.posts[unit_id, d]]
            else:
                terms += [(v, per_tour) for v in self._tour_held(unit_id, d)]
        self.rows.add([v for v, _ in terms], [c for _, c in terms], -np.inf, limit.limit)

    def _tour_held(self, unit_id: str, d: date) -> list[int]:
        """The variables whose sum is the bus day's tour held. A day of pairs: its ways to be held
        (`_add_day_pairs`), of which a plan's day takes exactly one; with "at least each session"
        alone, a pair held a third of the time and a session held two thirds filled a day for two
        thirds of a crew (Aubrac: 80.9 → 71.0 % of need; its plan serves 70.0 %). Otherwise a
        variable at least every session of the day, and at least their number over the day's room.
        Both are true of every plan (a day with a session holds its tour, which has at most
        ``room`` sessions); the second keeps the relaxation from holding a fraction of a tour for
        each of many fractional sessions (Gers-Astarac: 4.8 tours held for 24 visits, where the
        roster crews 8 tours of 2 sessions). Days paired over their unit's days (`_add_unit_pairs`)
        have the second row only (the first for a lone visit): a row per visit tripled the Orne
        département's rows, 29.8 s of HiGHS instead of 10.9 for the same bound."""
        if (unit_id, d) in self.configs:
            return self.configs[unit_id, d]
        if self.room[unit_id, d] == 1:  # at most one session: their sum is the tour held
            return [v for v, _ in self.posts[unit_id, d]]
        if (unit_id, d) not in self.tour:
            held = self.rows.new_variable()
            visits = [v for v, _ in self.posts[unit_id, d]]
            if len(visits) == 1 or d not in self.unpaired.get(unit_id, ()):
                for v in visits:
                    self.rows.add([v, held], [1, -1], -np.inf, 0)
            if len(visits) > 1:
                self.rows.add([*visits, held], [1] * len(visits) + [-self.room[unit_id, d]], -np.inf, 0)
            self.tour[unit_id, d] = held
        return [self.tour[unit_id, d]]


def _shift_periods(person: Staff, d: date) -> tuple[tuple[tuple, int], ...]:
    """The periods a shift on ``d`` counts in, with the most shifts the person takes in each: one a
    date, their maxima a week (ISO, as the validator counts) and a month."""
    return (
        (("date", d), 1),
        (("week", d.isocalendar()[:2]), person.max_shifts_per_week),
        (("month", (d.year, d.month)), person.max_shifts_per_month),
    )


def _drive(minutes: np.ndarray) -> np.ndarray:
    """A leg as the validator may time it: its minutes less the slack it allows."""
    return np.maximum(0.0, np.asarray(minutes, dtype=float) - LEG_SLACK)


def _on_grid(minute: np.ndarray, step: int) -> np.ndarray:
    """The first start on the time grid at or after ``minute`` (sessions start on it)."""
    return np.ceil(minute / step - 1e-9) * step


def _one_session_fits(unit: Unit, length: int, step: int, out: np.ndarray, back: np.ndarray) -> np.ndarray:
    """Whether depot → a session → depot fits the working day: the session starts on the grid after
    the drive out, never overlaps lunch, and the drive back ends by the end of the day (a tour that
    comes back during lunch is not concerned by the lunch rule, so the drive back is not delayed)."""
    start, end = unit.hours.start, unit.hours.end
    first = _on_grid(start + _drive(out), step)
    if unit.lunch is None:
        return first + length + _drive(back) <= end
    morning = first + length <= unit.lunch.start
    after = _on_grid(np.maximum(unit.lunch.end, start + _drive(out)), step)
    return (morning & (first + length + _drive(back) <= end)) | (after + length + _drive(back) <= end)


def _two_sessions_fit(
    unit: Unit, length: int, step: int, out: np.ndarray, hop: np.ndarray, back: np.ndarray
) -> np.ndarray:
    """Whether depot → a → b → depot with two sessions fits the working day, for every (a, b).

    Sessions start on the grid, each as early as the drives allow (less the validator's slack);
    none overlaps lunch, and the hop of a gap that holds the whole lunch break is driven outside it
    (the validator's lunch rule): both sessions in the morning, both in the afternoon, or one each
    side. Earliest starts make every test necessary, so the bound keeps every valid day."""
    start, end = unit.hours.start, unit.hours.end
    o, h, b = _drive(out)[:, None], _drive(hop), _drive(back)[None, :]
    s1 = _on_grid(start + o, step)
    s2 = _on_grid(s1 + length + h, step)
    if unit.lunch is None:
        return s2 + length + b <= end
    lunch_start, lunch_end = unit.lunch.start, unit.lunch.end
    both_morning = (s2 + length <= lunch_start) & (s2 + length + b <= end)
    a1 = _on_grid(np.maximum(lunch_end, start + o), step)
    a2 = _on_grid(a1 + length + h, step)
    both_afternoon = a2 + length + b <= end
    split2 = _on_grid(np.maximum(lunch_end, s1 + length + unit.lunch.minutes + h), step)
    split2 = np.where(s1 + length + h <= lunch_start, np.maximum(_on_grid(s1 + length + h, step), lunch_end), split2)
    split = (s1 + length <= lunch_start) & (split2 + length + b <= end)
    return both_morning | both_afternoon | split


#: Need is in people (fractions): objectives are scaled to integers at this precision.
_SCALE = 1e3


def crewable_halves(instance: Instance, unit: Unit) -> tuple[HalfDay, ...]:
    """The half-days within which the unit's hours hold one session: someone free only in another
    half-day (or in one half-day, where none holds a session) crews none of its tours (a shift
    runs around its sessions, within the person's half-days: AVAILABILITY, SHIFT_TIMES). A morning
    bus (Cantal nord's, 08:00-12:45) is crewed by no one free only in the afternoon; counting
    them, the bound held a tour no crew could."""
    length = instance.rules.session_length(unit)
    return tuple(half for half in HalfDay if _half_span(unit, half) >= length)


def half_sessions(instance: Instance, unit: Unit, half: HalfDay) -> int:
    """The most sessions of ``unit`` a crew free in ``half`` only can hold: none where that half
    holds no session (`crewable_halves`), else what fits there with the crew's set-up before and
    after, at least one."""
    if half not in crewable_halves(instance, unit):
        return 0
    rules = instance.rules
    fits = (_half_span(unit, half) - 2 * rules.setup_minutes) // rules.session_length(unit)
    return min(unit.sessions_per_day, max(1, fits))


def half_day_sessions(instance: Instance, unit: Unit) -> int:
    """The most sessions of ``unit`` that fit in one half-day (morning or afternoon) with the crew's
    set-up before and after: what a bus day crewed by half-day people can hold at most."""
    return max(half_sessions(instance, unit, half) for half in HalfDay)


def _half_span(unit: Unit, half: HalfDay) -> int:
    """Minutes of the unit's hours within ``half`` (before or after `NOON`)."""
    hours = unit.hours
    if half is HalfDay.MORNING:
        return min(NOON, hours.end) - hours.start
    return hours.end - max(NOON, hours.start)
