"""The rules of the rota (CP-SAT): the model, its hard rules, and every rule listed in one place.

Hard rules come in two kinds:

- *eligibility* rules judge one assignment (person, tour, role) on its own and return the French
  reason it is forbidden, or ``None``; the model only creates variables for assignments that pass
  them all, and `planner.crews.uncrewed` reuses them to explain a tour nobody can crew;
- *constraint* rules link assignments (crew composition, one tour a day, maxima per week/month).

Soft rules return `Cost` terms (`planner.crews.rota_costs`); after solving, each becomes a readable
`Penalty` (rule name, amount, explanation). Every cost is in tenths of a "shift-equivalent" times
the weight of its objective (`Rules.weights`), so weights compare. A tour that cannot be crewed is
not an error: its `uncrewed` boolean is set at a very high cost, so the model is always feasible.
The soft rules live in `planner.crews.rota_soft_rules` and `planner.crews.rota_travel`, but the
stability of a published rota, here; `HARD_CONSTRAINTS` and `SOFT_RULES` list them all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from planner.crews.posts import TourOrPost
from planner.crews.rota_costs import RULE_STABILITY, RULE_UNCREWED, SCALE, Cost
from planner.crews.rota_facts import iso_week, month_of, period_is, tour_value
from planner.crews.rota_soft_rules import (
    soft_continuity,
    soft_fairness,
    soft_min_per_month,
    soft_preferred_communes,
    soft_preferred_units,
)
from planner.crews.rota_travel import soft_travel, usual_place_km
from planner.domain.french import WEEKDAYS_FR
from planner.domain.instance import Instance, Role, Staff, Unit
from planner.domain.plan import Shift

#: Cost of one tour left without a full crew: above any sum of soft costs a tour can save; the
#: tour's value (`tour_value`) is added, so that when crews are short the least valuable tour is left.
UNCREWED_COST = 100_000
#: Weight of changing one published shift when re-planning (× SCALE): above every staff objective.
STABILITY_WEIGHT = 100


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
                limit(person) - rm.frozen_count(staff_id, period_is(period, key)),
            )
            if len(group) > room:
                rm.model.add(sum(group) <= room)


def add_max_per_week(rm: RotaModel) -> list[Cost]:
    """At most ``max_shifts_per_week`` shifts per ISO week (frozen shifts count)."""
    _add_max_per_period(rm, iso_week, lambda p: p.max_shifts_per_week)
    return []


def add_max_per_month(rm: RotaModel) -> list[Cost]:
    """At most ``max_shifts_per_month`` shifts per calendar month (frozen shifts count)."""
    _add_max_per_period(rm, month_of, lambda p: p.max_shifts_per_month)
    return []


# --- Soft rule of re-planning ---------------------------------------------------------------------


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
