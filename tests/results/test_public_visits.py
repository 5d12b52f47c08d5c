"""What residents are told: planned visits, and cancelled ones with their public reason, until their
date has passed (planner.results.public_visits)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from planner.domain.instance import UnitClosure
from planner.results.public_visits import (
    Visit,
    commune_visits,
    public_reason,
    skipped_visits,
)
from tests.support import builders, plan_builders
from tests.support.plan_builders import AFTERNOON, MORNING

EASTER_MONDAY = date(2027, 3, 29)


def easter_case():
    """Four weeks from 15 March 2027: the Monday tour of 29 March (Easter Monday) is not planned."""
    instance = builders.small_instance(start=date(2027, 3, 15), weeks=4)
    plan = plan_builders.sample_plan(instance)
    return instance, replace(plan, tours=tuple(t for t in plan.tours if t.date != EASTER_MONDAY))


def test_a_weekly_visit_on_a_holiday_is_shown_cancelled_with_the_holiday():
    """The communes of the Monday slot (weekly) each get a cancelled visit on Easter Monday, at their
    usual time, "jour férié (Lundi de Pâques)"; nothing else is invented."""
    instance, plan = easter_case()
    skipped = skipped_visits(instance, plan)
    assert [(v.date, v.insee, v.start) for v in skipped] == [
        (EASTER_MONDAY, "76001", MORNING[0]),
        (EASTER_MONDAY, "76002", AFTERNOON[0]),
    ]
    assert all(v.cancelled and v.reason == "jour férié (Lundi de Pâques)" for v in skipped)


def test_commune_visits_lists_planned_and_cancelled_from_today():
    """From today on: planned visits, the holiday, and a visit a re-plan cancelled (from the ledger),
    by date; a cancelled visit whose date has passed, or that is planned again, is not listed."""
    instance, plan = easter_case()
    gone = Visit(date(2027, 4, 8), "bus1", "76001", 9 * 60, 12 * 60, cancelled=True, reason="unité hors service")
    past = Visit(date(2027, 3, 16), "bus1", "76001", 9 * 60, 12 * 60, cancelled=True)
    replanned = Visit(date(2027, 4, 5), "bus1", "76001", MORNING[0], MORNING[1], cancelled=True)
    visits = commune_visits(instance, plan, "76001", today=date(2027, 3, 20), cancelled=[gone, past, replanned])
    assert [(v.date.isoformat(), v.cancelled, v.reason) for v in visits] == [
        ("2027-03-22", False, None),
        ("2027-03-29", True, "jour férié (Lundi de Pâques)"),
        ("2027-04-05", False, None),
        ("2027-04-08", True, "unité hors service"),
    ]


def test_public_reasons(make_small_instance):
    """Holiday, closure of the service, closed commune, unit out of service, or nothing to say."""
    instance = make_small_instance(start=date(2027, 3, 15), weeks=4)
    rules = replace(
        instance.rules,
        closures=frozenset({date(2027, 3, 16)}),
        unit_closures=(UnitClosure("bus1", frozenset({date(2027, 3, 17)})),),
    )
    instance = instance.replace(rules=rules)
    assert public_reason(instance, "bus1", "76001", EASTER_MONDAY) == "jour férié (Lundi de Pâques)"
    assert public_reason(instance, "bus1", "76001", date(2027, 3, 16)) == "fermeture du service"
    assert public_reason(instance, "bus1", "76001", date(2027, 3, 17)) == "unité hors service"
    assert public_reason(instance, "bus1", "76001", date(2027, 3, 18)) is None
