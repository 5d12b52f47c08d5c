"""The greedy start of the rota: a complete first rota, built date by date, hinted to CP-SAT.

Apart from `planner.crews.rota_search` because it is a search of its own, with its own idea of who
comes first (`Greedy.score`): a small rota only starts from it, a large one keeps most of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from planner.crews.posts import TourOrPost
from planner.crews.rota_cpsat import complete_hint
from planner.crews.rota_facts import CARE_ROLES, communes_of, iso_week, month_of
from planner.crews.rota_rules import RotaModel
from planner.crews.rota_travel import EXTRA_KM_COST, travel_km
from planner.domain.instance import Role, Staff
from planner.domain.plan import Shift

#: In the greedy start, this many km from home weigh as much as a whole fair share of shifts: a
#: large rota keeps most of its greedy start, and without it people went far while nearer ones
#: were free (Orne département: median 22.9 km from home, 15.5 with it, for the same total cost).
GREEDY_KM_PER_SHARE = 200.0


@dataclass
class Greedy:
    """The load of each person while the greedy rota is built (frozen shifts included).

    ``large``: the rota is large (over `planner.crews.rota_search.SMALL_MODEL` assignments), so it
    keeps most of this start, which then weighs travel (`far`).
    """

    rm: RotaModel
    kept: set[tuple[str, str, Role]]
    large: bool = False
    days: dict[str, set[date]] = field(default_factory=lambda: defaultdict(set))
    weeks: dict[tuple[str, tuple[int, int]], int] = field(default_factory=lambda: defaultdict(int))
    months: dict[tuple[str, tuple[int, int]], int] = field(default_factory=lambda: defaultdict(int))
    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    served: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, staff_id: str, tour_date: date, communes: frozenset[str] = frozenset()) -> None:
        self.days[staff_id].add(tour_date)
        self.weeks[(staff_id, iso_week(tour_date))] += 1
        self.months[(staff_id, month_of(tour_date))] += 1
        self.totals[staff_id] += 1
        for insee in communes:
            self.served[(staff_id, insee)] += 1

    def fits(self, person: Staff, tour: TourOrPost) -> bool:
        return (
            tour.date not in self.days[person.id]
            and self.weeks[(person.id, iso_week(tour.date))] < person.max_shifts_per_week
            and self.months[(person.id, month_of(tour.date))] < person.max_shifts_per_month
        )

    def far(self, person: Staff, tour: TourOrPost, role: Role) -> float:
        """What `planner.crews.rota_travel.soft_travel` charges for this shift, in shares: km from
        home, each km farther than the person's usual place (nearest or preferred) counting
        `EXTRA_KM_COST` / 2 km (`GREEDY_KM_PER_SHARE` km a share), so that the start sends nobody
        past a nearer unit whose session they could take. For a large rota: 0 for a small one
        (CP-SAT weighs it with the other rules), without a home, for a remote role, or when travel
        weighs nothing."""
        unit = self.rm.units[tour.key]
        if role in unit.remote_roles or not self.large:  # a small rota is solved whole
            return 0.0
        if self.rm.instance.rules.weights.travel == 0:
            return 0.0
        km, extra = travel_km(self.rm.instance, person, unit, tour, self.rm.usual_km(person))
        return (km + EXTRA_KM_COST * extra) / (2 * GREEDY_KM_PER_SHARE)

    def score(self, person: Staff, tour: TourOrPost, role: Role) -> tuple[bool, float, str]:
        """Kept first, then furthest below a fair share, knowing the commune, liking the place,
        living near it."""
        communes = communes_of(tour)
        share = (self.totals[person.id] + 1) / max(1, self.rm.offered(person))
        known = sum(self.served[(person.id, c)] for c in communes) if role in CARE_ROLES else 0
        disliked = (bool(person.preferred_communes) and not communes & person.preferred_communes) + (
            bool(person.preferred_units) and tour.unit_id not in person.preferred_units
        )
        return (
            (person.id, tour.key, role) not in self.kept,
            share - 0.05 * min(known, 3) + 0.1 * disliked + self.far(person, tour, role),
            person.id,
        )


def greedy_hint(rm: RotaModel, keep: Sequence[Shift], *, large: bool) -> None:
    """Hint a complete first rota, built greedily in date order, so CP-SAT starts from a full crew.

    Roles with the fewest candidates are filled first; see `Greedy.score` for who is picked (and
    ``large``, `Greedy`). Maxima and one-tour-a-day are respected, so the hint is feasible.
    """
    state = Greedy(rm, {(s.staff_id, s.post_key, s.role) for s in keep}, large)
    for s in rm.frozen_shifts:
        state.add(s.staff_id, s.date)
    people = {p.id: p for p in rm.instance.staff}
    chosen: set[tuple[str, str, Role]] = set()
    for tour in sorted(rm.tours, key=lambda t: (t.date, t.unit_id)):
        picks = _crew_of(state, people, tour)
        for staff_id, role in picks:
            chosen.add((staff_id, tour.key, role))
            state.add(staff_id, tour.date, communes_of(tour))
        rm.model.add_hint(rm.uncrewed[tour.key], not picks)
    for key, var in rm.x.items():
        rm.model.add_hint(var, key in chosen)
    complete_hint(rm.model)


def _crew_of(state: Greedy, people: Mapping[str, Staff], tour: TourOrPost) -> list[tuple[str, Role]]:
    """The best-scored crew that fits ``tour`` (person id, role), its roles with the fewest
    candidates picked first; none when a role cannot be filled."""
    rm = state.rm
    picks: list[tuple[str, Role]] = []
    crew = rm.units[tour.key].crew.items()
    for role, needed in sorted(crew, key=lambda kv: (len(rm.by_tour_role.get((tour.key, kv[0]), ())), kv[0].value)):
        taken = {staff_id for staff_id, _ in picks}
        free = [people[sid] for sid, _ in rm.by_tour_role.get((tour.key, role), ()) if sid not in taken]
        candidates = sorted((p for p in free if state.fits(p, tour)), key=lambda p: state.score(p, tour, role))
        if len(candidates) < needed:
            return []
        picks += [(p.id, role) for p in candidates[:needed]]
    return picks
