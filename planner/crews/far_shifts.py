"""Shifts that start far from home (« gardes loin de chez soi »), and why, as facts of the plan.

A shift is far when the place it starts from (a bus's depot, a fixed place) is more than
`FAR_SHIFT_KM` farther from the person's home than the nearest place of any unit they could serve
on site (`rota_travel.nearest_place_km`, whatever their preferences). The rota avoids them
(`rota_travel.soft_travel`); each one left is explained from the finished plan alone, in two halves
that a coordinator can check by hand:

- why the person is not at a place near home that day: no session there, none they offer, or its
  crew already made of others (named) — and whether the far unit is one they prefer;
- why nobody for whom the place is near took the shift instead: each such person already on duty
  that day, at their weekly or monthly maximum, or free (then the far shift was the rota's choice).

Everything here counts, it never solves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from planner.crews.posts import Post, posts_of
from planner.crews.rota_facts import iso_week, month_of
from planner.crews.rota_rules import ineligibility
from planner.crews.rota_travel import home_km, nearest_place_km, serves_on_site, unit_places
from planner.domain.french import date_fr, number_fr
from planner.domain.geo import haversine_km
from planner.domain.instance import Instance, Role, Staff, Unit, UnitKind
from planner.domain.plan import Shift, Tour

#: A shift is "far" when it starts more than this many km (straight line) farther from home than
#: the person's nearest place: about a quarter of an hour more on the road each way, beyond what
#: living between two depots costs anyway (KPI `far_shifts`, issue 23 « près de chez soi »).
FAR_SHIFT_KM = 15.0
#: Names listed in one reason at most (the others are counted).
SHOWN_NAMES = 3

# What a reason states, one kind per fact that `tests/crews/test_far_shifts.py` checks in the plan.
PREFERRED = "preferred"  # the far unit is one of the person's preferred units
NO_SESSION = "no_session"  # the near unit has no session (at its near places) that day
NOT_OFFERED = "not_offered"  # it has, but the person offers none of them (availability, leave)
CREW_FULL = "crew_full"  # it has, and their roles there are held by others (named)
OPEN_ROLE = "open_role"  # it has a role of theirs left open (a hand-edited plan)
NEARER_BUSY = "nearer_busy"  # someone for whom the far place is near is on duty elsewhere that day
NEARER_MAX_WEEK = "nearer_max_week"  # …has reached their weekly maximum
NEARER_MAX_MONTH = "nearer_max_month"  # …has reached their monthly maximum
NEARER_FREE = "nearer_free"  # …was free: the far shift was the rota's choice
NOBODY_NEARER = "nobody_nearer"  # nobody else with the role, offering that day, lives near it
#: What holds back someone for whom the far place is near, said of one person and of several.
_NEARER_PHRASE = {
    NEARER_BUSY: ("est déjà de garde ce jour-là", "sont déjà de garde ce jour-là"),
    NEARER_MAX_WEEK: ("est à son maximum hebdomadaire de gardes", "sont à leur maximum hebdomadaire de gardes"),
    NEARER_MAX_MONTH: ("est à son maximum mensuel de gardes", "sont à leur maximum mensuel de gardes"),
    NEARER_FREE: (
        "était libre : choix du planning (équité, préférences, continuité)",
        "étaient libres : choix du planning (équité, préférences, continuité)",
    ),
}


@dataclass(frozen=True)
class Reason:
    """One fact of the plan that explains a far shift: its kind, French text, the unit and the
    people it is about."""

    kind: str
    text: str
    unit_id: str = ""
    staff_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class FarShift:
    """An on-site shift starting ``km`` from home, when the person's nearest place is
    ``nearest_km`` away; ``reasons`` from `explain_far_shifts` (empty from `far_shifts`)."""

    shift: Shift
    km: float
    nearest_km: float
    reasons: tuple[Reason, ...] = ()

    @property
    def extra_km(self) -> float:
        return self.km - self.nearest_km

    @property
    def reason_text(self) -> str:
        return " ; ".join(r.text for r in self.reasons)


def post_of(shift: Shift, tour: Tour) -> Post:
    """The post ``shift`` fills on ``tour``: the tour, or its session of a fixed place."""
    return Post(tour, shift.session, (shift.start, shift.end))


def start_km(instance: Instance, person: Staff, shift: Shift, tour: Tour) -> float | None:
    """Straight-line km from the person's home to where ``shift`` starts (None: no home known)."""
    return home_km(instance, person, instance.unit(shift.unit_id), post_of(shift, tour))


def far_shifts(instance: Instance, tours: Sequence[Tour], shifts: Iterable[Shift]) -> list[FarShift]:
    """The on-site shifts starting more than `FAR_SHIFT_KM` farther from home than the person's
    nearest place, in date order; people without a home (or who left the roster) are not counted."""
    by_key = {t.key: t for t in tours}
    people = {p.id: p for p in instance.staff}
    units = {u.id for u in instance.units}
    nearest: dict[str, float | None] = {}
    found = []
    for s in sorted(shifts, key=lambda s: (s.date, s.unit_id, s.session or 0, s.role.value, s.staff_id)):
        person, tour = people.get(s.staff_id), by_key.get(s.tour_key)
        if s.remote or person is None or tour is None or s.unit_id not in units:
            continue
        if person.id not in nearest:
            nearest[person.id] = nearest_place_km(instance, person)
        km, near = start_km(instance, person, s, tour), nearest[person.id]
        if km is not None and near is not None and km - near > FAR_SHIFT_KM:
            found.append(FarShift(s, km, near))
    return found


def explain_far_shifts(instance: Instance, tours: Sequence[Tour], shifts: Sequence[Shift]) -> list[FarShift]:
    """`far_shifts` with their reasons (`Reason`), each a fact of the plan."""
    facts = _Facts.of(instance, tours, shifts)
    return [
        FarShift(f.shift, f.km, f.nearest_km, (*facts.preferred(f), *facts.near_home(f), *facts.nearer_people(f)))
        for f in far_shifts(instance, tours, shifts)
    ]


def describe(instance: Instance, far: FarShift) -> str:
    """One far shift and its reasons, in French: ``Dr X, lundi 4 janv. 2027, Bus d'Argentan : 86 km
    de chez soi (le lieu le plus proche à 3 km) — …``."""
    s = far.shift
    person = next((p.name for p in instance.staff if p.id == s.staff_id), s.staff_id)
    head = (
        f"{person}, {date_fr(s.date)}, {instance.unit(s.unit_id).name} : {number_fr(far.km, 0)} km de chez soi "
        f"(lieu le plus proche à {number_fr(far.nearest_km, 0)} km)"
    )
    return f"{head} — {far.reason_text}" if far.reasons else head


def _names(instance: Instance, staff_ids: Sequence[str]) -> str:
    names = [next((p.name for p in instance.staff if p.id == i), i) for i in staff_ids[:SHOWN_NAMES]]
    more = len(staff_ids) - SHOWN_NAMES
    return ", ".join(names) + (f" et {more} autre(s)" if more > 0 else "")


def _place_name(instance: Instance, unit: Unit, post: Post) -> str:
    """A unit's name, with its commune for a fixed place's session (a fixed place may have several)."""
    insee = post.sessions[0].insee if post.sessions else ""
    if unit.kind is UnitKind.FIXED and instance.has_commune(insee):
        return f"{unit.name} ({instance.commune(insee).name})"
    return unit.name


@dataclass
class _Facts:
    """What the plan says that the reasons need: posts by unit and date, shifts by post and person,
    each person's load by day, ISO week and month, and nearest place."""

    instance: Instance
    posts: Mapping[tuple[str, date], list[Post]]
    by_post: Mapping[str, list[Shift]]
    days: Mapping[str, dict[date, list[Shift]]]
    weeks: Mapping[tuple[str, tuple[int, int]], int]
    months: Mapping[tuple[str, tuple[int, int]], int]
    nearest: Mapping[str, float | None]

    @classmethod
    def of(cls, instance: Instance, tours: Sequence[Tour], shifts: Sequence[Shift]) -> _Facts:
        posts: dict[tuple[str, date], list[Post]] = defaultdict(list)
        for post in posts_of(instance, sorted(tours, key=lambda t: (t.date, t.unit_id))):
            posts[(post.unit_id, post.date)].append(post)
        by_post: dict[str, list[Shift]] = defaultdict(list)
        days: dict[str, dict[date, list[Shift]]] = defaultdict(lambda: defaultdict(list))
        weeks: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
        months: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
        for s in shifts:
            by_post[s.post_key].append(s)
            days[s.staff_id][s.date].append(s)
            weeks[(s.staff_id, iso_week(s.date))] += 1
            months[(s.staff_id, month_of(s.date))] += 1
        nearest = {p.id: nearest_place_km(instance, p) for p in instance.staff}
        return cls(instance, posts, by_post, days, weeks, months, nearest)

    def is_near(self, person: Staff, unit: Unit, post: Post) -> bool:
        """Whether starting at ``post`` would not be far for the person."""
        km, near = home_km(self.instance, person, unit, post), self.nearest[person.id]
        return km is not None and near is not None and km - near <= FAR_SHIFT_KM

    def preferred(self, far: FarShift) -> list[Reason]:
        """The far unit is one the person asked for (the rota then counts no extra km)."""
        s = far.shift
        if s.unit_id not in self.instance.person(s.staff_id).preferred_units:
            return []
        return [
            Reason(PREFERRED, f"{self.instance.unit(s.unit_id).name} fait partie de ses unités préférées", s.unit_id)
        ]

    def near_home(self, far: FarShift) -> list[Reason]:
        """Why the person is not at a place near home that day, one reason per unit with such a place."""
        inst, s = self.instance, far.shift
        person = inst.person(s.staff_id)
        reasons = []
        for unit in sorted(inst.units, key=lambda u: u.id):
            if not serves_on_site(person, unit) or not self._has_near_place(person, unit):
                continue
            roles = sorted(
                (r for r, n in unit.crew.items() if n > 0 and r in person.roles and r not in unit.remote_roles),
                key=lambda r: r.value,
            )
            posts = [p for p in self.posts.get((unit.id, s.date), ()) if self.is_near(person, unit, p)]
            if not posts:
                reasons.append(Reason(NO_SESSION, f"aucune séance de {unit.name} ce jour-là", unit.id))
                continue
            takeable = [(p, r) for p in posts for r in roles if ineligibility(person, p, r, unit) is None]
            if not takeable:
                why = ineligibility(person, posts[0], roles[0], unit) or ""
                reasons.append(Reason(NOT_OFFERED, f"{_place_name(inst, unit, posts[0])} : {why}", unit.id))
                continue
            open_ = [(p, r) for p, r in takeable if self._held(p, r) < unit.crew[r]]
            if open_:
                post, role = open_[0]
                text = f"{_place_name(inst, unit, post)} avait une place de {role.label_fr} libre ce jour-là"
                reasons.append(Reason(OPEN_ROLE, text, unit.id))
                continue
            holders = sorted({x.staff_id for p, r in takeable for x in self.by_post.get(p.key, ()) if x.role is r})
            text = f"{_place_name(inst, unit, takeable[0][0])} a déjà son équipe ce jour-là ({_names(inst, holders)})"
            reasons.append(Reason(CREW_FULL, text, unit.id, tuple(holders)))
        return reasons

    def nearer_people(self, far: FarShift) -> list[Reason]:
        """Why nobody for whom the far place is near took the shift: grouped by what holds each back."""
        inst, s = self.instance, far.shift
        unit = inst.unit(s.unit_id)
        post = next((p for p in self.posts.get((s.unit_id, s.date), ()) if p.key == s.post_key), None)
        if post is None:
            return []
        by_kind: dict[str, list[str]] = defaultdict(list)
        for q in sorted(inst.staff, key=lambda p: p.id):
            if q.id == s.staff_id or s.role not in q.roles or ineligibility(q, post, s.role, unit) is not None:
                continue
            if not self.is_near(q, unit, post):
                continue
            by_kind[self._status(q, s.date)].append(q.id)
        role = s.role.label_fr
        if not by_kind:
            text = f"aucun·e autre {role} proposant ce jour-là n'habite près de {unit.name}"
            return [Reason(NOBODY_NEARER, text, unit.id)]
        reasons = []
        for kind in (NEARER_BUSY, NEARER_MAX_WEEK, NEARER_MAX_MONTH, NEARER_FREE):
            ids = by_kind.get(kind)
            if ids:
                one, many = _NEARER_PHRASE[kind]
                lives, what = ("habite", one) if len(ids) == 1 else ("habitent", many)
                text = f"{_names(inst, ids)}, qui {lives} près de {unit.name}, {what}"
                reasons.append(Reason(kind, text, unit.id, tuple(ids)))
        return reasons

    def _has_near_place(self, person: Staff, unit: Unit) -> bool:
        """Whether one of the unit's places would not be far for the person."""
        near, home = self.nearest[person.id], person.home
        if home is None or near is None:
            return False
        return any(
            haversine_km(home.lat, home.lon, lat, lon) - near <= FAR_SHIFT_KM
            for lat, lon in unit_places(self.instance, unit)
        )

    def _held(self, post: Post, role: Role) -> int:
        return sum(1 for x in self.by_post.get(post.key, ()) if x.role is role)

    def _status(self, person: Staff, day: date) -> str:
        if self.days[person.id].get(day):
            return NEARER_BUSY
        if self.weeks[(person.id, iso_week(day))] >= person.max_shifts_per_week:
            return NEARER_MAX_WEEK
        if self.months[(person.id, month_of(day))] >= person.max_shifts_per_month:
            return NEARER_MAX_MONTH
        return NEARER_FREE
