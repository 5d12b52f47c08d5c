"""Explanations agree with the numbers: each left-out commune's reason is checked against the plan
and the instance it was made for."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.domain.calendar import public_holidays
from planner.domain.instance import CommuneClosure, Instance, Role, Rules
from planner.domain.plan import Session, Tour
from planner.inputs import load_territory
from planner.planning import pipeline
from planner.planning.left_out import _missed_dates
from planner.planning.options import PlanOptions
from planner.results.inversions import outranks
from planner.tours.pattern_problem import Pattern, Slot, Visit, units_for
from planner.travel import travel_for


def _plan_with_reasons(instance: Instance, monkeypatch):
    """Plan ``instance`` and capture the structured reasons the pipeline turned into sentences."""
    captured = {}
    real = pipeline.left_out_reasons

    def spy(*args):
        captured.update(real(*args))
        return captured

    monkeypatch.setattr(pipeline, "left_out_reasons", spy)
    return pipeline.plan(instance, PlanOptions(time_limit=2)), captured


def _visits(plan) -> dict[str, list[date]]:
    found: dict[str, list[date]] = {}
    for t in plan.tours:
        for s in t.sessions:
            found.setdefault(s.insee, []).append(t.date)
    return found


def _check(instance: Instance, plan, reasons) -> set[str]:
    """Every reason is true of the plan; returns the kinds seen."""
    travel = travel_for(instance)
    visits = _visits(plan)
    holidays = public_holidays(instance.rules)
    unserved = {u.insee: u for u in plan.unserved}
    assert set(reasons) == set(unserved)
    for insee, reason in reasons.items():
        c = instance.commune(insee)
        assert unserved[insee].reason == reason.text
        if reason.kind == "no_slot":
            assert units_for(instance, travel, c) == [] or not any(
                set(u.days) & c.site.open_days for u in units_for(instance, travel, c)
            )
        elif reason.kind == "outranked":
            units = {u.id for u in units_for(instance, travel, c)}
            for t in plan.tours:
                if t.unit_id in units and t.date not in visits.get(insee, []):
                    assert all(outranks(instance.commune(s.insee), c) or s.insee == insee for s in t.sessions)
        elif reason.kind == "possible":
            key, holder = reason.facts
            tour = next(t for t in plan.tours if t.key == key)
            assert holder in {s.insee for s in tour.sessions} and outranks(c, instance.commune(holder))
        elif reason.kind == "rules":
            held = {t.key: t for t in plan.tours}
            assert reason.facts
            for key in reason.facts:
                assert any(outranks(c, instance.commune(s.insee)) for s in held[key].sessions)
        elif reason.kind == "missed":
            for fact in reason.facts:
                day, why = date.fromisoformat(fact[:10]), fact[11:]
                assert day not in visits.get(insee, [])
                if "férié" in why:
                    assert day in holidays
                elif "commune fermée" in why:
                    assert instance.rules.commune_closed(insee, day)
                elif "tenue ce jour-là par" in why:
                    names = why.split(" par ", 1)[1].split(", ")
                    holders = {instance.commune(s.insee).name for t in plan.tours if t.date == day for s in t.sessions}
                    assert set(names) <= holders and c.name not in names
        elif reason.kind == "place":
            held = sum(1 for t in plan.tours for s in t.sessions if s.insee == insee)
            assert reason.facts[0] == str(held)
    return {r.kind for r in reasons.values()}


def test_reasons_of_a_short_territory_are_true(monkeypatch, bus, commune, person):
    """One bus, three weekly slots, seven communes: a holiday, a commune closure, one out of reach,
    and capacity: every reason holds against the plan."""
    start = date(2027, 5, 3)  # Monday; Thursday 13 May 2027 is Ascension Day
    communes = [commune(f"7600{i}", 49.9 + i / 80, 1.1 + i / 90, need=100 * (7 - i), priority=i == 5) for i in range(6)]
    communes.append(commune("76009", 48.9, 3.2, need=900))  # far beyond any day's reach
    unit = bus(days=frozenset({0, 3}), sessions_per_day=1)
    closure = CommuneClosure("76001", frozenset({start + timedelta(days=7)}))
    rules = Rules(start=start, weeks=2, commune_closures=(closure,))
    staff = (person("d1", {Role.DOCTOR}), person("c1", {Role.DRIVER}))
    instance = Instance("reasons", tuple(communes), (unit,), staff, rules)
    plan, reasons = _plan_with_reasons(instance, monkeypatch)
    kinds = _check(instance, plan, reasons)
    assert {"no_slot", "missed", "outranked"} <= kinds


@pytest.mark.parametrize("name", ["medicobus-dieppe", "orne-solidarite"])
def test_reasons_of_built_in_territories_are_true(name, monkeypatch):
    instance = load_territory(name)
    plan, reasons = _plan_with_reasons(instance, monkeypatch)
    assert reasons
    _check(instance, plan, reasons)


def test_a_pattern_visit_whose_session_another_commune_holds_names_it(bus, commune):
    """A day the pattern gave one commune and the plan another (a swap for a commune worth more, a
    dated visit, a fill): the missed date names the commune that holds the session. On the Orne
    département Alençon's three monthly visits went to priority-zone communes, and the reason read
    « ne tient pas dans la journée (horaires ou trajets) »."""
    start = date(2027, 1, 4)  # a Monday
    planned = commune("76001", 49.90, 1.10, need=100)
    holder = commune("76002", 49.91, 1.11, need=50, priority=True)
    unit = bus(days=frozenset({0}), sessions_per_day=1)
    instance = Instance("séance donnée", (planned, holder), (unit,), (), Rules(start=start, weeks=1))
    pattern = Pattern(1, (Visit(planned.insee, Slot(unit.id, 0, 0), 1, 0),))
    tour = Tour(unit.id, start, 510, 750, (Session(holder.insee, holder.site.id, 540, 540, 720, 720),))
    missed = _missed_dates(instance, pattern, [tour], set(), lambda unit, day, session: 1)
    assert missed[planned.insee].facts == (f"2027-01-04 séance tenue ce jour-là par {holder.name}",)
    assert _missed_dates(instance, pattern, [], set(), lambda unit, day, session: 1)[planned.insee].facts == (
        "2027-01-04 ne tient pas dans la journée (horaires ou trajets)",
    )
