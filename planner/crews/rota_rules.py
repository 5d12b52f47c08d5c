"""The rules of the rota (CP-SAT), one function per rule, listed in one place.

Hard rules come in two kinds:

- *eligibility* rules judge one assignment (person, tour, role) on its own and return the French
  reason it is forbidden, or ``None``; the model only creates variables for assignments that pass
  them all, and `planner.crews.uncrewed` reuses them to explain a tour nobody can crew;
- *constraint* rules link assignments (crew composition, one tour a day, maxima per week/month).

Soft rules return `Cost` terms; after solving, each becomes a readable `Penalty` (rule name, amount,
explanation). Every cost is in tenths of a "shift-equivalent" times the weight of its objective
(`Rules.weights`), so weights compare. A tour that cannot be crewed is not an error: its `uncrewed`
boolean is set at a very high cost, so the model is always feasible.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from planner.crews.posts import TourOrPost
from planner.domain.french import WEEKDAYS_FR
from planner.domain.geo import haversine_km
from planner.domain.instance import Instance, Role, Staff, Unit, UnitKind
from planner.domain.plan import Shift

#: Costs are in tenths of a shift so that integer weights stay meaningful.
SCALE = 10
#: Cost of one tour left without a full crew: above any sum of soft costs a tour can save; the
#: tour's value (`tour_value`) is added, so that when crews are short the least valuable tour is left.
UNCREWED_COST = 100_000
#: In a tour's value, a session in a priority zone outweighs any commune's need (people).
PRIORITY_SESSION_VALUE = 10_000
#: Weight of changing one published shift when re-planning (× SCALE): above every staff objective.
STABILITY_WEIGHT = 100
#: Roles for which continuity of care matters (the same person for the same commune).
CARE_ROLES = frozenset({Role.DOCTOR, Role.NURSE, Role.PSYCHOLOGIST, Role.SOCIAL_WORKER})
#: Cost (× the travel weight) of each km a shift starts farther from home than the person's usual
#: place (`usual_place_km`: their nearest, or their preferred unit's); a km from home costs 2 (there
#: and back). 15 km farther cost 600: three times a whole shift away from a person's fair share
#: (fairness 20 × SCALE), so that a person is sent past a nearer unit only when none of its sessions
#: is theirs to take, not for fairness or continuity (Orne département: a doctor living by the bus
#: they prefer was sent 86 km away 8 times). Any margin below 15 km did worse there: with the first
#: 5 km free, 75 shifts far from home instead of 65, and fewer preferences met.
EXTRA_KM_COST = 40

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

RULE_UNCREWED = "tournée sans équipe"
RULE_MIN_MONTHLY = "minimum mensuel"
RULE_PREFERRED_COMMUNES = "communes préférées"
RULE_PREFERRED_UNITS = "unités préférées"
RULE_FAIRNESS = "équité"
RULE_CONTINUITY = "continuité des soins"
RULE_TRAVEL = "trajet domicile"
RULE_STABILITY = "stabilité du planning publié"


@dataclass(frozen=True)
class Penalty:
    """One soft cost paid by the rota, with the sentence that justifies it."""

    name: str
    amount: int
    explanation: str


@dataclass(frozen=True)
class Cost:
    """A term of the objective: ``coefficient × expr``; ``explanation`` may use ``{value}``."""

    name: str
    coefficient: int
    expr: cp_model.LinearExprT
    explanation: str

    def penalty(self, solver: cp_model.CpSolver) -> Penalty | None:
        """The penalty paid in the solver's solution, or ``None`` when it is zero."""
        value = int(solver.Value(self.expr))
        amount = self.coefficient * value
        if amount <= 0:
            return None
        return Penalty(self.name, amount, self.explanation.format(value=value))


# --- Facts shared by the rules --------------------------------------------------------------------


def iso_week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return (year, week)


def month_of(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def communes_of(tour: TourOrPost) -> frozenset[str]:
    return frozenset(s.insee for s in tour.sessions)


def unit_place(instance: Instance, unit: Unit, tour: TourOrPost) -> tuple[float, float]:
    """Where the crew of ``tour`` reports: a bus's depot; a fixed place's site (its first session's)."""
    if unit.kind is UnitKind.FIXED and tour.sessions and instance.has_commune(tour.sessions[0].insee):
        site = instance.commune(tour.sessions[0].insee).site
        return (site.lat, site.lon)
    return (unit.depot.lat, unit.depot.lon)


def home_km(instance: Instance, person: Staff, unit: Unit, tour: TourOrPost) -> float | None:
    """Straight-line km from the person's home to where the tour's crew reports (None: no home known)."""
    if person.home is None:
        return None
    lat, lon = unit_place(instance, unit, tour)
    return haversine_km(person.home.lat, person.home.lon, lat, lon)


def unit_places(instance: Instance, unit: Unit) -> tuple[tuple[float, float], ...]:
    """Every place the crew of ``unit`` may report to: a bus's depot; each site of a fixed place."""
    if unit.kind is UnitKind.FIXED:
        sites = tuple(
            (c.site.lat, c.site.lon) for c in (instance.commune(i) for i in unit.places if instance.has_commune(i))
        )
        if sites:
            return sites
    return ((unit.depot.lat, unit.depot.lon),)


def serves_on_site(person: Staff, unit: Unit) -> bool:
    """Whether the person has a role the unit's crew needs on site (not a remote one)."""
    return any(n > 0 and role in person.roles and role not in unit.remote_roles for role, n in unit.crew.items())


def nearest_place_km(instance: Instance, person: Staff, units: Iterable[Unit] | None = None) -> float | None:
    """Straight-line km from the person's home to the nearest place of a unit (of ``units``, else
    any) they could serve on site (`serves_on_site`, whatever their preferences); None without a
    home or such a unit."""
    if person.home is None:
        return None
    km = [
        haversine_km(person.home.lat, person.home.lon, lat, lon)
        for unit in (instance.units if units is None else units)
        if serves_on_site(person, unit)
        for lat, lon in unit_places(instance, unit)
    ]
    return min(km, default=None)


def usual_place_km(instance: Instance, person: Staff) -> float | None:
    """How far from home a shift may start without being "farther" for the person: their nearest
    place (`nearest_place_km`) or, when they prefer units they could serve, the nearest place of
    those, so that a shift at a unit one asked for never counts as farther. None without a home."""
    nearest = nearest_place_km(instance, person)
    preferred = [u for u in instance.units if u.id in person.preferred_units]
    chosen = nearest_place_km(instance, person, preferred) if preferred else None
    return max(nearest, chosen) if nearest is not None and chosen is not None else nearest


def travel_km(instance: Instance, person: Staff, unit: Unit, tour: TourOrPost, usual: float | None) -> tuple[int, int]:
    """What a shift on ``tour`` costs the person in travel, in whole km: there and back from home,
    and how much farther than their usual place (``usual``, `usual_place_km`) it starts. (0, 0)
    without a home; the soft rule `soft_travel` and the rota's greedy start both weigh these."""
    km = home_km(instance, person, unit, tour)
    if km is None:
        return (0, 0)
    return (round(2 * km), round(max(0.0, km - usual)) if usual is not None else 0)


def tour_value(instance: Instance, tour: TourOrPost) -> int:
    """What a tour serves: the need of its communes, a priority-zone session above any need."""
    value = 0
    for s in tour.sessions:
        if instance.has_commune(s.insee):
            c = instance.commune(s.insee)
            value += round(c.need) + (PRIORITY_SESSION_VALUE if c.priority else 0)
    return value


@dataclass
class RotaModel:
    """The CP-SAT model of one rota, with readable indexes over its variables.

    ``tours`` are the tours to crew; ``frozen_shifts`` are fixed shifts (dates before
    ``frozen_before``) that count towards maxima, fairness and continuity but never change.
    """

    instance: Instance
    tours: tuple[TourOrPost, ...]
    frozen_tours: tuple[TourOrPost, ...] = ()
    frozen_shifts: tuple[Shift, ...] = ()
    keep: tuple[Shift, ...] = ()
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[str, str, Role], cp_model.IntVar] = field(default_factory=dict)
    uncrewed: dict[str, cp_model.IntVar] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.units = {t.key: self.instance.unit(t.unit_id) for t in (*self.tours, *self.frozen_tours)}
        self.tour_by_key = {t.key: t for t in (*self.tours, *self.frozen_tours)}
        self.by_person: dict[str, list[tuple[TourOrPost, Role, cp_model.IntVar]]] = defaultdict(list)
        self.by_tour_role: dict[tuple[str, Role], list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
        self.frozen_by_person: dict[str, list[Shift]] = defaultdict(list)
        self._offers: dict[str, int] = {}
        self._usual: dict[str, float | None] = {}
        self._totals: dict[str, cp_model.IntVar] = {}
        for s in self.frozen_shifts:
            self.frozen_by_person[s.staff_id].append(s)
        for tour in self.tours:
            unit = self.units[tour.key]
            self.uncrewed[tour.key] = self.model.new_bool_var(f"uncrewed(tour={tour.key})")
            for role in sorted(unit.crew, key=lambda r: r.value):
                if unit.crew[role] <= 0:
                    continue
                for person in self.instance.staff:
                    if ineligibility(person, tour, role, unit) is not None:
                        continue
                    var = self.model.new_bool_var(f"x(staff={person.id}, tour={tour.key}, role={role.value})")
                    self.x[(person.id, tour.key, role)] = var
                    self.by_person[person.id].append((tour, role, var))
                    self.by_tour_role[(tour.key, role)].append((person.id, var))

    def shifts_expr(self, staff_id: str, keep: Callable[[TourOrPost], bool] = lambda t: True) -> cp_model.LinearExprT:
        """Number of (new) shifts of a person on the tours ``keep`` selects."""
        return sum(var for tour, _, var in self.by_person.get(staff_id, ()) if keep(tour))

    def frozen_count(self, staff_id: str, keep: Callable[[date], bool] = lambda d: True) -> int:
        return sum(1 for s in self.frozen_by_person.get(staff_id, ()) if keep(s.date))

    def offered(self, person: Staff) -> int:
        """What the person offered over these tours (cached), see `offered_tours`."""
        if person.id not in self._offers:
            self._offers[person.id] = offered_tours(person, (*self.tours, *self.frozen_tours), self.units)
        return self._offers[person.id]

    def usual_km(self, person: Staff) -> float | None:
        """The person's `usual_place_km` (cached)."""
        if person.id not in self._usual:
            self._usual[person.id] = usual_place_km(self.instance, person)
        return self._usual[person.id]

    def total_shifts(self, staff_id: str) -> cp_model.IntVar:
        """One variable per person for all their shifts (frozen included), shared by the rules."""
        if staff_id not in self._totals:
            fixed = self.frozen_count(staff_id)
            items = self.by_person.get(staff_id, ())
            var = self.model.new_int_var(fixed, fixed + len(items), f"shifts(staff={staff_id})")
            self.model.add(var == sum(v for _, _, v in items) + fixed)
            self._totals[staff_id] = var
        return self._totals[staff_id]


def offered_tours(person: Staff, tours: Iterable[TourOrPost], units: Mapping[str, Unit]) -> int:
    """How many of ``tours`` a person could take, capped by their weekly and monthly maxima.

    This is what fairness compares shifts against: a volunteer who offers twice as much should get
    about twice as many shifts. ``units`` maps tour keys to units.
    """
    days: set[date] = set()
    for tour in tours:
        unit = units[tour.key]
        if any(ineligibility(person, tour, r, unit) is None for r, n in unit.crew.items() if n > 0):
            days.add(tour.date)
    per_week: dict[tuple[int, int], int] = defaultdict(int)
    per_month: dict[tuple[int, int], int] = defaultdict(int)
    for day in days:
        per_week[iso_week(day)] += 1
        per_month[month_of(day)] += 1
    by_week = sum(min(n, person.max_shifts_per_week) for n in per_week.values())
    by_month = sum(min(n, person.max_shifts_per_month) for n in per_month.values())
    return min(by_week, by_month)


# --- Hard rules: eligibility (one assignment) -----------------------------------------------------


def rule_has_role(person: Staff, tour: TourOrPost, role: Role, unit: Unit) -> str | None:
    """A person only fills a role they have."""
    if role in person.roles:
        return None
    return f"{person.name} n'est pas {role.label_fr}"


def rule_available(person: Staff, tour: TourOrPost, role: Role, unit: Unit) -> str | None:
    """A person is available (weekly pattern) on every half-day the tour touches."""
    weekday = tour.date.weekday()
    missing = [h for h in tour.half_days if (weekday, h) not in person.availability]
    if not missing:
        return None
    halves = " et ".join(h.label_fr for h in sorted(missing))
    return f"{person.name} ne propose pas le {WEEKDAYS_FR[weekday]} {halves}"


def rule_not_off(person: Staff, tour: TourOrPost, role: Role, unit: Unit) -> str | None:
    """A person is not on leave (dates off) on the tour's date."""
    if not person.is_off(tour.date):
        return None
    return f"{person.name} est en congé le {tour.date.isoformat()}"


# --- Hard rules: constraints (several assignments) ------------------------------------------------


def add_crew_composition(rm: RotaModel) -> list[Cost]:
    """Each tour gets exactly its unit's crew (role counts), or is marked uncrewed: very costly, and
    the more so the more the tour serves (`tour_value`)."""
    costs = []
    for tour in rm.tours:
        unit = rm.units[tour.key]
        uncrewed = rm.uncrewed[tour.key]
        for role, needed in unit.crew.items():
            if needed <= 0:
                continue
            chosen = [var for _, var in rm.by_tour_role.get((tour.key, role), ())]
            rm.model.add(sum(chosen) == needed * (1 - uncrewed))
        costs.append(
            Cost(
                RULE_UNCREWED,
                UNCREWED_COST + tour_value(rm.instance, tour),
                uncrewed,
                f"tournée {tour.key} sans équipe complète",
            )
        )
    return costs


def add_one_tour_per_day(rm: RotaModel) -> list[Cost]:
    """A person is in one place at a time: at most one tour (one role) per date."""
    _add_max_per_period(rm, lambda d: d, lambda p: 1)
    return []


def _add_max_per_period(rm: RotaModel, period: Callable[[date], Hashable], limit: Callable[[Staff], int]) -> None:
    """At most ``limit(person)`` shifts per period, counting the frozen shifts of that period."""
    for staff_id, items in rm.by_person.items():
        person = rm.instance.person(staff_id)
        groups: dict[Hashable, list[cp_model.IntVar]] = defaultdict(list)
        for tour, _, var in items:
            groups[period(tour.date)].append(var)
        for key, group in groups.items():
            room = max(
                0,
                limit(person) - rm.frozen_count(staff_id, _period_is(period, key)),
            )
            if len(group) > room:
                rm.model.add(sum(group) <= room)


def _period_is(period: Callable[[date], Hashable], key: Hashable) -> Callable[[date], bool]:
    """Whether a date falls in the period ``key`` of ``period``."""
    return lambda day: period(day) == key


def _tour_month_is(month: tuple[int, int]) -> Callable[[TourOrPost], bool]:
    """Whether a tour falls in ``month`` (year, month)."""
    return lambda tour: month_of(tour.date) == month


def add_max_per_week(rm: RotaModel) -> list[Cost]:
    """At most ``max_shifts_per_week`` shifts per ISO week (frozen shifts count)."""
    _add_max_per_period(rm, iso_week, lambda p: p.max_shifts_per_week)
    return []


def add_max_per_month(rm: RotaModel) -> list[Cost]:
    """At most ``max_shifts_per_month`` shifts per calendar month (frozen shifts count)."""
    _add_max_per_period(rm, month_of, lambda p: p.max_shifts_per_month)
    return []


# --- Soft rules -----------------------------------------------------------------------------------


def soft_min_per_month(rm: RotaModel) -> list[Cost]:
    """Give each person the minimum shifts per month they asked for (prorated to the horizon)."""
    weight = rm.instance.rules.weights.preferences * SCALE
    horizon_days: dict[tuple[int, int], int] = defaultdict(int)
    for day in rm.instance.rules.dates():
        horizon_days[month_of(day)] += 1
    costs = []
    for person in rm.instance.staff:
        if person.min_shifts_per_month <= 0 or weight == 0:
            continue
        for (year, month), days in sorted(horizon_days.items()):
            fraction = days / calendar.monthrange(year, month)[1]
            target = math.floor(person.min_shifts_per_month * fraction + 1e-9)
            if target <= 0:
                continue
            given = rm.shifts_expr(person.id, _tour_month_is((year, month)))
            given += rm.frozen_count(person.id, _period_is(month_of, (year, month)))
            short = rm.model.new_int_var(0, target, f"short(staff={person.id}, month={year}-{month:02d})")
            rm.model.add(short >= target - given)
            text = (
                f"{person.name} : {{value}} garde(s) de moins que les {target} demandées "
                f"en {MONTHS_FR[month - 1]} {year}"
            )
            costs.append(Cost(RULE_MIN_MONTHLY, weight, short, text))
    return costs


def _soft_preferred(
    rm: RotaModel,
    name: str,
    wanted: Callable[[Staff], frozenset[str]],
    matches: Callable[[TourOrPost, frozenset[str]], bool],
    where: str,
) -> list[Cost]:
    weight = rm.instance.rules.weights.preferences * SCALE
    costs = []
    for person in rm.instance.staff:
        preferred = wanted(person)
        if not preferred or weight == 0:
            continue
        outside = [var for tour, _, var in rm.by_person.get(person.id, ()) if not matches(tour, preferred)]
        if outside:
            costs.append(
                Cost(
                    name,
                    weight,
                    sum(outside),
                    f"{person.name} : {{value}} garde(s) hors de {where}",
                )
            )
    return costs


def soft_preferred_communes(rm: RotaModel) -> list[Cost]:
    """Prefer shifts on tours that visit at least one of the person's preferred communes."""
    return _soft_preferred(
        rm,
        RULE_PREFERRED_COMMUNES,
        lambda p: p.preferred_communes,
        lambda t, pref: bool(communes_of(t) & pref),
        "ses communes préférées",
    )


def soft_preferred_units(rm: RotaModel) -> list[Cost]:
    """Prefer shifts on the person's preferred units."""
    return _soft_preferred(
        rm,
        RULE_PREFERRED_UNITS,
        lambda p: p.preferred_units,
        lambda t, pref: t.unit_id in pref,
        "ses unités préférées",
    )


def soft_fairness(rm: RotaModel) -> list[Cost]:
    """Share shifts in proportion to what each person offered.

    Per role, the demand (slots of that role, frozen ones included) is shared out in proportion to
    the offers (`offered_tours`): each person's target. Two costs, in tenths of a shift: each
    person's distance to their target (a multi-role person's target is the mean over their roles),
    and the spread ``hi − lo`` of shifts per role, each scaled to an average volunteer's offer.
    """
    weight = rm.instance.rules.weights.fairness
    if weight == 0:
        return []
    demand: dict[Role, int] = defaultdict(int)
    for tour in (*rm.tours, *rm.frozen_tours):
        for role, needed in rm.units[tour.key].crew.items():
            demand[role] += max(0, needed)
    offers = {p.id: rm.offered(p) for p in rm.instance.staff}
    supply = {r: sum(offers[p.id] for p in rm.instance.staff if r in p.roles) for r in demand}
    costs = []
    for person in rm.instance.staff:
        roles = [r for r in person.roles if supply.get(r)]
        if not offers[person.id] or not roles:
            continue
        target = round(SCALE * sum(demand[r] * offers[person.id] / supply[r] for r in roles) / len(roles))
        total = SCALE * rm.total_shifts(person.id)
        bound = SCALE * (len(rm.by_person.get(person.id, ())) + rm.frozen_count(person.id)) + target
        gap = rm.model.new_int_var(0, bound, f"fair_gap(staff={person.id})")
        rm.model.add(gap >= total - target)
        rm.model.add(gap >= target - total)
        text = (
            f"{person.name} : {{value}} dixième(s) de garde d'écart à sa part "
            f"({target / SCALE:.1f} gardes pour ce qu'il·elle propose)"
        )
        costs.append(Cost(RULE_FAIRNESS, weight, gap, text))
    for role in sorted(demand, key=lambda r: r.value):
        people = [p for p in rm.instance.staff if role in p.roles and offers[p.id] > 0]
        if len(people) < 2:
            continue
        scale = max(1, round(sum(offers[p.id] for p in people) / len(people) * SCALE))
        top = max(scale * (len(rm.by_person.get(p.id, ())) + rm.frozen_count(p.id)) // offers[p.id] + 1 for p in people)
        hi = rm.model.new_int_var(0, top, f"fair_hi(role={role.value})")
        lo = rm.model.new_int_var(0, top, f"fair_lo(role={role.value})")
        for p in people:
            total = rm.total_shifts(p.id)
            rm.model.add(offers[p.id] * hi >= scale * total)
            rm.model.add(offers[p.id] * lo <= scale * total)
        text = f"écart entre {role.label_fr}s : {{value}} dixième(s) de garde, rapporté à la disponibilité offerte"
        costs.append(Cost(RULE_FAIRNESS, weight, hi - lo, text))
    return costs


def soft_continuity(rm: RotaModel) -> list[Cost]:
    """Keep the same person for the same commune (care roles): count extra distinct people."""
    weight = rm.instance.rules.weights.continuity * SCALE
    if weight == 0:
        return []
    chosen: dict[tuple[str, Role], dict[str, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
    for (staff_id, key, role), var in rm.x.items():
        if role in CARE_ROLES:
            for insee in communes_of(rm.tour_by_key[key]):
                chosen[(insee, role)][staff_id].append(var)
    fixed: dict[tuple[str, Role], set[str]] = defaultdict(set)
    for s in rm.frozen_shifts:
        if s.role in CARE_ROLES and s.post_key in rm.tour_by_key:
            for insee in communes_of(rm.tour_by_key[s.post_key]):
                fixed[(insee, s.role)].add(s.staff_id)
    costs = []
    for insee, role in sorted(set(chosen) | set(fixed), key=lambda k: (k[0], k[1].value)):
        people = chosen.get((insee, role), {})
        if len(set(people) | fixed[(insee, role)]) < 2:
            continue
        used = []
        for staff_id, vars_ in sorted(people.items()):
            if staff_id in fixed[(insee, role)]:
                continue
            y = rm.model.new_bool_var(f"serves(staff={staff_id}, commune={insee}, role={role.value})")
            for var in vars_:
                rm.model.add_implication(var, y)
            used.append(y)
        extra = sum(used) + len(fixed[(insee, role)]) - 1
        name = rm.instance.commune(insee).name if rm.instance.has_commune(insee) else insee
        text = f"{name} ({insee}) : {{value}} {role.label_fr}(s) différent(s) de plus qu'un seul"
        costs.append(Cost(RULE_CONTINUITY, weight, extra, text))
    return costs


def soft_travel(rm: RotaModel) -> list[Cost]:
    """Little travel from home to where the crew reports, a bus's depot or a fixed place (great-circle
    km, there and back), and above all no start farther than the person's usual place, the nearest
    or their preferred unit's (`usual_place_km`): each km farther costs `EXTRA_KM_COST`, so a person
    goes past a nearer unit only when none of its sessions is theirs to take (the reasons of those
    that do: `planner.crews.far_shifts`)."""
    weight = rm.instance.rules.weights.travel
    if weight == 0:
        return []
    costs = []
    for person in rm.instance.staff:
        if person.home is None:
            continue
        there_and_back, farther = [], []
        for tour, role, var in rm.by_person.get(person.id, ()):
            unit = rm.units[tour.key]
            if role in unit.remote_roles:
                continue
            km, extra = travel_km(rm.instance, person, unit, tour, rm.usual_km(person))
            if km > 0:
                there_and_back.append(km * var)
            if extra > 0:
                farther.append(extra * var)
        if there_and_back:
            text = f"{person.name} : {{value}} km aller-retour depuis son domicile"
            costs.append(Cost(RULE_TRAVEL, weight, sum(there_and_back), text))
        if farther:
            text = f"{person.name} : {{value}} km de plus que son lieu de service le plus proche ou préféré"
            costs.append(Cost(RULE_TRAVEL, weight * EXTRA_KM_COST, sum(farther), text))
    return costs


def soft_stability(rm: RotaModel) -> list[Cost]:
    """When re-planning, every published shift (not frozen) that changes costs a lot."""
    costs = []
    planned = {t.key for t in rm.tours}
    for s in rm.keep:
        if s.post_key not in planned:
            continue
        var = rm.x.get((s.staff_id, s.post_key, s.role))
        changed = 1 if var is None else 1 - var
        text = f"garde de {staff_name(rm.instance, s.staff_id)} ({s.role.label_fr}) sur {s.tour_key} modifiée"
        costs.append(Cost(RULE_STABILITY, STABILITY_WEIGHT * SCALE, changed, text))
    return costs


def staff_name(instance: Instance, staff_id: str) -> str:
    """The person's display name, or their id when they left the roster."""
    return next((p.name for p in instance.staff if p.id == staff_id), staff_id)


# --- The rules, in one place ----------------------------------------------------------------------

Eligibility = Callable[[Staff, TourOrPost, Role, Unit], "str | None"]
ConstraintRule = Callable[[RotaModel], list[Cost]]

HARD_ELIGIBILITY: tuple[Eligibility, ...] = (
    rule_has_role,
    rule_available,
    rule_not_off,
)
HARD_CONSTRAINTS: tuple[ConstraintRule, ...] = (
    add_crew_composition,
    add_one_tour_per_day,
    add_max_per_week,
    add_max_per_month,
)
SOFT_RULES: tuple[ConstraintRule, ...] = (
    soft_min_per_month,
    soft_preferred_communes,
    soft_preferred_units,
    soft_fairness,
    soft_continuity,
    soft_travel,
    soft_stability,
)


def ineligibility(person: Staff, tour: TourOrPost, role: Role, unit: Unit) -> str | None:
    """The first hard eligibility rule that forbids this assignment, as a French reason, or None."""
    for rule in HARD_ELIGIBILITY:
        reason = rule(person, tour, role, unit)
        if reason is not None:
            return reason
    return None


def build(
    instance: Instance,
    tours: Sequence[TourOrPost],
    *,
    frozen_tours: Sequence[TourOrPost] = (),
    frozen_shifts: Sequence[Shift] = (),
    keep: Iterable[Shift] = (),
    rules: Sequence[ConstraintRule] = (*HARD_CONSTRAINTS, *SOFT_RULES),
    offers: Mapping[str, int] | None = None,
) -> tuple[RotaModel, list[Cost]]:
    """The model with the given rules applied and its objective set; returns its cost terms.

    ``offers`` (staff id → `offered_tours` over all the tours) saves recomputing them when many
    models are built over parts of the same tours.
    """
    rm = RotaModel(instance, tuple(tours), tuple(frozen_tours), tuple(frozen_shifts), tuple(keep))
    rm._offers.update(offers or {})
    costs: list[Cost] = []
    for rule in rules:
        costs.extend(rule(rm))
    rm.model.minimize(sum(c.coefficient * c.expr for c in costs))
    return rm, costs
