"""Shifts far from home and their reasons (planner.crews.far_shifts): which shifts are far, and for
each reason given, the fact it states holds in the plan (checked here from the plan's tours and
shifts, not from the module's own bookkeeping)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from planner.check.validate import validate
from planner.crews import far_shifts as F
from planner.crews.posts import posts_of
from planner.crews.rota_facts import iso_week, month_of
from planner.crews.rota_rules import ineligibility
from planner.crews.rota_search import assign_crews
from planner.crews.rota_travel import home_km, nearest_place_km
from planner.domain.instance import Instance, Point, Role
from planner.domain.plan import Plan
from tests.support.builders import bus, person
from tests.support.far_case import HOME_A, HOME_B, far_instance, far_plan
from tests.support.rota import day, instance_of, tour

STAFF_RULES = {"CREW", "ROLE", "REMOTE", "AVAILABILITY", "SHIFT_TIMES", "ONE_PLACE", "MAX_WEEK", "MAX_MONTH"}


def _near(instance: Instance, person_id: str, unit_id: str, post) -> bool:
    """Starting at ``post`` is not far for the person (the KPI's definition, recomputed)."""
    p = instance.person(person_id)
    km = home_km(instance, p, instance.unit(unit_id), post)
    return km is not None and km - nearest_place_km(instance, p) <= F.FAR_SHIFT_KM


def assert_fact(instance: Instance, plan: Plan, far: F.FarShift, reason: F.Reason) -> None:
    """The fact ``reason`` states about ``far`` holds in ``plan``."""
    s = far.shift
    posts = posts_of(instance, plan.tours)
    on_day = [p for p in posts if p.unit_id == reason.unit_id and p.date == s.date]
    near_posts = [p for p in on_day if _near(instance, s.staff_id, reason.unit_id, p)]
    me, unit = instance.person(s.staff_id), instance.unit(reason.unit_id or s.unit_id)
    held = Counter((x.post_key, x.role) for x in plan.shifts)
    week = Counter((x.staff_id, iso_week(x.date)) for x in plan.shifts)
    month = Counter((x.staff_id, month_of(x.date)) for x in plan.shifts)
    on_duty = {(x.staff_id, x.date) for x in plan.shifts}
    if reason.kind == F.PREFERRED:
        assert reason.unit_id == s.unit_id and s.unit_id in me.preferred_units
    elif reason.kind == F.NO_SESSION:
        assert near_posts == []
    elif reason.kind == F.NOT_OFFERED:
        assert near_posts and all(ineligibility(me, p, r, unit) for p in near_posts for r in me.roles & set(unit.crew))
    elif reason.kind == F.CREW_FULL:
        takeable = [(p, r) for p in near_posts for r in me.roles if ineligibility(me, p, r, unit) is None]
        assert takeable and all(held[(p.key, r)] >= unit.crew[r] for p, r in takeable)
        holders = {x.staff_id for x in plan.shifts for p, r in takeable if x.post_key == p.key and x.role is r}
        assert set(reason.staff_ids) == holders and s.staff_id not in holders
    elif reason.kind == F.OPEN_ROLE:
        assert any(held[(p.key, r)] < unit.crew[r] for p in near_posts for r in me.roles & set(unit.crew))
    elif reason.kind == F.NOBODY_NEARER:
        post = next(p for p in posts if p.key == s.post_key)
        others = [
            q
            for q in instance.staff
            if q.id != s.staff_id and s.role in q.roles and ineligibility(q, post, s.role, unit) is None
        ]
        assert not any(_near(instance, q.id, s.unit_id, post) for q in others if q.home is not None)
    else:
        post = next(p for p in posts if p.key == s.post_key)
        assert reason.staff_ids and reason.unit_id == s.unit_id
        for q in map(instance.person, reason.staff_ids):
            assert q.id != s.staff_id and ineligibility(q, post, s.role, unit) is None
            assert _near(instance, q.id, s.unit_id, post)
            busy = (q.id, s.date) in on_duty
            full_week = week[(q.id, iso_week(s.date))] >= q.max_shifts_per_week
            full_month = month[(q.id, month_of(s.date))] >= q.max_shifts_per_month
            assert {
                F.NEARER_BUSY: busy,
                F.NEARER_MAX_WEEK: not busy and full_week,
                F.NEARER_MAX_MONTH: not busy and not full_week and full_month,
                F.NEARER_FREE: not (busy or full_week or full_month),
            }[reason.kind]


def test_far_shifts_are_those_more_than_15_km_past_the_nearest_place():
    """dn, living by busa, is far on busb, busc and busd; dg at busa and df at busb are at home."""
    instance = far_instance()
    plan = far_plan(instance)
    far = F.far_shifts(instance, plan.tours, plan.shifts)
    assert {f.shift.staff_id for f in far} == {"dn"} and len(far) == 6
    assert all(f.nearest_km < 0.1 and 49 < f.extra_km < 65 for f in far)
    # a home 22 km from busa and 28 km from busb and busc: 6 km more there is not far
    between = replace(instance.person("dn"), home=Point("entre", HOME_A.lat + 0.20, HOME_A.lon))
    moved = instance.replace(staff=(between, *instance.staff[1:]))
    assert {f.shift.unit_id for f in F.far_shifts(moved, plan.tours, plan.shifts)} == {"busd"}


def test_each_reason_is_a_fact_of_the_plan():
    """Every kind of reason is given where the table of tests/support/far_case.py says, and each
    reason's fact holds in the plan."""
    instance = far_instance()
    plan = far_plan(instance)
    assert [v for v in validate(instance, plan) if v.rule in STAFF_RULES] == []
    explained = F.explain_far_shifts(instance, plan.tours, plan.shifts)
    kinds = {f.shift.date: [r.kind for r in f.reasons] for f in explained}
    assert kinds == {
        day(0, 1): [F.NO_SESSION, F.NEARER_MAX_WEEK],
        day(0, 2): [F.CREW_FULL, F.NEARER_MAX_WEEK],
        day(0, 3): [F.NOT_OFFERED, F.NEARER_MAX_WEEK],
        day(0, 4): [F.NO_SESSION, F.NOBODY_NEARER],
        day(1, 0): [F.CREW_FULL, F.NEARER_MAX_WEEK, F.NEARER_FREE],
        day(1, 1): [F.NO_SESSION, F.NEARER_BUSY],
    }
    for far in explained:
        for reason in far.reasons:
            assert_fact(instance, plan, far, reason)
    by_day = {f.shift.date: f for f in explained}
    assert "aucune séance de Bus busa ce jour-là" in by_day[day(0, 1)].reason_text
    assert "Bus busa a déjà son équipe ce jour-là (Dr DG Exemple (exemple))" in by_day[day(0, 2)].reason_text
    assert "ne propose pas le jeudi après-midi" in by_day[day(0, 3)].reason_text
    assert "Dr DF Exemple (exemple), qui habite près de Bus busb, est à son maximum hebdomadaire" in (
        by_day[day(0, 3)].reason_text
    )
    assert "n'habite près de Bus busd" in by_day[day(0, 4)].reason_text
    assert "Dr DH Exemple (exemple), qui habite près de Bus busb, était libre" in by_day[day(1, 0)].reason_text
    line = F.describe(instance, by_day[day(1, 1)])
    assert line.startswith("Dr DN Exemple (exemple), mardi 12 janv. 2027, Bus busb : 50 km de chez soi")
    assert "est déjà de garde ce jour-là" in line


def test_an_open_role_near_home_is_said():
    """A hand-edited plan whose busa tour lacks its doctor: the reason says the place was open."""
    instance = far_instance()
    plan = far_plan(instance)
    wednesday = f"busa/{day(0, 2).isoformat()}"
    edited = replace(plan, shifts=tuple(s for s in plan.shifts if s.tour_key != wednesday))
    [far] = [f for f in F.explain_far_shifts(instance, edited.tours, edited.shifts) if f.shift.date == day(0, 2)]
    assert far.reasons[0].kind == F.OPEN_ROLE and "place de médecin libre" in far.reasons[0].text
    assert_fact(instance, edited, far, far.reasons[0])


def test_reasons_of_a_solved_rota_are_facts_of_its_plan():
    """The rota's own far shifts (a week of two buses 50 km apart, doctors living by busa, the one
    by busb offering one shift a week): each reason holds in the plan the validator accepts."""
    units = [bus("busa", depot=HOME_A, crew={Role.DOCTOR: 1}), bus("busb", depot=HOME_B, crew={Role.DOCTOR: 1})]
    staff = [
        person("d1", {Role.DOCTOR}, home=HOME_A),
        person("d2", {Role.DOCTOR}, home=HOME_A),
        person("d3", {Role.DOCTOR}, home=HOME_B, max_week=1),
    ]
    instance = instance_of(staff, units=units, weeks=1)
    tours = [tour(u.id, day(0, d)) for u in units for d in range(5)]
    result = assign_crews(instance, tours, time_limit=2)
    assert result.uncrewed == ()
    plan = Plan(instance.name, instance.rules.start, 1, tuple(tours), result.shifts)
    assert [v for v in validate(instance, plan) if v.rule in STAFF_RULES] == []
    explained = F.explain_far_shifts(instance, plan.tours, plan.shifts)
    assert len(explained) == 4  # d3 takes one of busb's five days: d1 or d2 goes on the four others
    for far in explained:
        assert far.reasons
        for reason in far.reasons:
            assert_fact(instance, plan, far, reason)


def test_a_far_shift_on_a_preferred_unit_says_so():
    """dn prefers busb: its far shifts there say so first (the KPI still counts them: 50 km from a
    nearer place), those on busd do not."""
    instance = far_instance()
    plan = far_plan(instance)
    fond = replace(instance.person("dn"), preferred_units=frozenset({"busb"}))
    instance = instance.replace(staff=(fond, *instance.staff[1:]))
    explained = F.explain_far_shifts(instance, plan.tours, plan.shifts)
    assert len(explained) == 6
    for far in explained:
        assert (far.reasons[0].kind == F.PREFERRED) is (far.shift.unit_id == "busb")
        for reason in far.reasons:
            assert_fact(instance, plan, far, reason)
    assert "Bus busb fait partie de ses unités préférées" in explained[0].reason_text
