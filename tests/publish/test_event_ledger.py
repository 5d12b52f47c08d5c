"""Tests of the calendar event ledger (`planner.publish.event_ledger`): stored and updated by UID;
across a re-plan, stable UIDs, SEQUENCE bumped on change, removed events cancelled with their public
reason; no ledger, no SEQUENCE."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import icalendar
import pytest

from planner.domain.french import PARIS
from planner.domain.instance import UnitClosure
from planner.publish.event_ledger import LedgerEntry
from planner.publish.feed_names import event_uid
from planner.publish.feeds import publish_feeds
from planner.publish.store import PlanStore
from tests.support.feeds import STAMP, replanned, with_awkward_names


@pytest.fixture
def instance(small_instance):
    """small_instance with an awkward commune name, site name and staff names."""
    return with_awkward_names(small_instance)


def test_event_ledger_round_trip(tmp_path):
    """Ledger entries are stored and updated by UID."""
    store = PlanStore(tmp_path / "ws")
    entry = LedgerEntry("u1", 0, "h", ("commune:76001",), {"summary": "Médicobus, « test »"})
    store.update_event_ledger([entry])
    store.update_event_ledger([replace(entry, sequence=1, cancelled=True)])
    assert store.event_ledger() == {"u1": replace(entry, sequence=1, cancelled=True)}


def test_replan_keeps_uids_bumps_sequence_and_cancels(tmp_path, instance, sample_plan):
    """Across a re-plan with a store: unchanged events keep UID and SEQUENCE 0; the moved session
    keeps its UID with SEQUENCE 1; the removed sessions and shifts stay in their feeds, CANCELLED."""
    store = PlanStore(tmp_path / "ws")
    plan = sample_plan(instance)
    first = publish_feeds(instance, plan, tmp_path / "pub", store=store, stamp=STAMP)
    before = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(first.coordinator.read_bytes()).events}
    second = publish_feeds(instance, replanned(plan), tmp_path / "pub", store=store, stamp=STAMP)
    after = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(second.coordinator.read_bytes()).events}

    assert set(after) == set(before)  # nothing disappears from the coordinator feed
    moved = event_uid("session", "bus1", "2027-01-04", "76002")
    assert after[moved]["SEQUENCE"] == 1 and after[moved].start == datetime(2027, 1, 4, 15, 0, tzinfo=PARIS)
    removed = {event_uid("session", "bus1", "2027-01-14", insee) for insee in ("76003", "76004")}
    for uid in removed:
        assert str(after[uid]["STATUS"]) == "CANCELLED" and after[uid]["SEQUENCE"] == 1
        assert str(after[uid]["SUMMARY"]).startswith("Annulé : ")
    unchanged = set(before) - removed - {moved, event_uid("session", "bus1", "2027-01-04", "76001")}
    assert all(after[u]["SEQUENCE"] == 0 and str(after[u]["STATUS"]) == "CONFIRMED" for u in unchanged)

    # The commune feed of 76004 still carries the cancelled visit; the doctor's feed its cancelled shift.
    commune = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(second.communes["76004"].read_bytes()).events}
    assert str(commune[event_uid("session", "bus1", "2027-01-14", "76004")]["STATUS"]) == "CANCELLED"
    d2 = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(second.staff["d2"].read_bytes()).events}
    assert str(d2[event_uid("shift", "bus1", "2027-01-14", "doctor", "d2")]["STATUS"]) == "CANCELLED"

    # Publishing the same plan again changes nothing; bringing the tour back re-opens it, SEQUENCE 2.
    third = publish_feeds(instance, replanned(plan), tmp_path / "pub", store=store, stamp=STAMP)
    assert third.coordinator.read_bytes() == second.coordinator.read_bytes()
    fourth = publish_feeds(instance, plan, tmp_path / "pub", store=store, stamp=STAMP)
    back = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(fourth.coordinator.read_bytes()).events}
    for uid in removed:
        assert str(back[uid]["STATUS"]) == "CONFIRMED" and back[uid]["SEQUENCE"] == 2


def test_cancelled_visit_says_why_when_the_reason_is_public(tmp_path, instance, sample_plan):
    """A visit removed because its unit is now out of service is cancelled "(unité hors service)" in
    the commune feed, and the ledger keeps the reason for the residents' page."""
    store = PlanStore(tmp_path / "ws")
    plan = sample_plan(instance)
    publish_feeds(instance, plan, tmp_path / "pub", store=store, stamp=STAMP)
    broken = date(2027, 1, 14)
    current = instance.replace(rules=replace(instance.rules, unit_closures=(UnitClosure("bus1", frozenset({broken})),)))
    second = publish_feeds(current, replanned(plan), tmp_path / "pub", store=store, stamp=STAMP)
    uid = event_uid("session", "bus1", broken.isoformat(), "76004")
    event = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(second.communes["76004"].read_bytes()).events}[uid]
    assert str(event["DESCRIPTION"]).startswith("Ce rendez-vous est annulé (unité hors service).")
    assert store.event_ledger()[uid].event["cancel_reason"] == "unité hors service"


def test_without_store_every_sequence_is_zero(tmp_path, instance, sample_plan):
    """No ledger: SEQUENCE 0 everywhere and nothing cancelled."""
    index = publish_feeds(instance, replanned(sample_plan(instance)), tmp_path, stamp=STAMP)
    events = icalendar.Calendar.from_ical(index.coordinator.read_bytes()).events
    assert events and all(e["SEQUENCE"] == 0 and str(e["STATUS"]) == "CONFIRMED" for e in events)
