"""Tests of the iCalendar feeds: parse back with two parsers, stable UIDs, SEQUENCE and cancellations
across a re-plan, no staff name in public files, escaping of awkward names."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from planner.domain.instance import Role, UnitClosure
from planner.publish.feeds import PARIS, commune_feed_name, event_uid, publish_feeds
from planner.publish.store import PlanStore
from tests.support import plan_builders

STAMP = datetime(2026, 12, 20, 8, 0, tzinfo=UTC)
AWKWARD_COMMUNE = 'Saint-Jean, le Haut; "test" \\ Ève'
AWKWARD_SITE = "Salle des fêtes; cour\narrière, côté église"


# --- An independent, minimal RFC 5545 reader (no icalendar inside) ------------------------------


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def raw_events(path: Path) -> list[dict[str, tuple[str, str]]]:
    """VEVENTs as {NAME: (params, raw value)} read straight from the bytes: unfold, split, no library."""
    text = path.read_bytes().decode("utf-8")
    assert "\n" not in text.replace("\r\n", ""), "lines must end with CRLF"
    lines = re.sub(r"\r\n[ \t]", "", text).split("\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "folded at 75 octets"
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            head, value = line.split(":", 1)
            name, _, params = head.partition(";")
            current[name] = (params, value)
    return events


def raw_time(prop: tuple[str, str]) -> datetime:
    params, value = prop
    tzid = dict(p.split("=", 1) for p in params.split(";") if p)["TZID"]
    return datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=ZoneInfo(tzid))


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def instance(small_instance):
    """small_instance with an awkward commune name, site name and staff names."""
    base = small_instance
    c = base.communes[0]
    awkward = replace(c, name=AWKWARD_COMMUNE, site=replace(c.site, name=AWKWARD_SITE))
    staff = (
        replace(base.staff[0], name="Dr Zoé O'Brien-Lefèvre; « exemple », \\ test"),
        *base.staff[1:],
    )
    return base.replace(communes=(awkward, *base.communes[1:]), staff=staff, title="Médicobus — test")


def replanned(plan):
    """One session moved (Monday week 1 afternoon to 15:00), one tour removed (Thursday week 2)."""
    first = plan.tours[0]
    moved = plan_builders.make_tour(
        first.unit_id, first.date, [("76001", 9 * 60, 12 * 60), ("76002", 15 * 60, 18 * 60)]
    )
    tours = (moved, *[t for t in plan.tours[1:] if t.key != "bus1/2027-01-14"])
    shifts = [s for s in plan.shifts if s.tour_key not in (first.key, "bus1/2027-01-14")]
    shifts += plan_builders.crew_shifts(moved, {Role.DOCTOR: ["d1"], Role.DRIVER: ["c1"]})
    return replace(plan, tours=tours, shifts=tuple(shifts))


def by_summary_time(path: Path) -> dict[tuple[str, datetime], icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {(str(e["SUMMARY"]), e.start): e for e in cal.events}


# --- Tests --------------------------------------------------------------------------------------


def test_every_feed_parses_the_same_with_two_parsers(tmp_path, instance, sample_plan):
    """icalendar, recurring_ical_events and a hand-written reader see the same events in every feed."""
    plan = sample_plan(instance)
    index = publish_feeds(instance, plan, tmp_path, stamp=STAMP)
    assert len(index.all_paths()) == 4 + 1 + 5 + 1 + 1
    total = 0
    for path in index.all_paths():
        if path.suffix != ".ics":
            continue
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        ours = sorted((str(e["UID"]), e.start, e.end, str(e["SUMMARY"])) for e in cal.events)
        expanded = recurring_ical_events.of(cal).between(date(2026, 12, 1), date(2027, 3, 1))
        theirs = sorted((str(e["UID"]), e["DTSTART"].dt, e["DTEND"].dt, str(e["SUMMARY"])) for e in expanded)
        raw = sorted(
            (r["UID"][1], raw_time(r["DTSTART"]), raw_time(r["DTEND"]), _unescape(r["SUMMARY"][1]))
            for r in raw_events(path)
        )
        assert ours == theirs == raw, path.name
        total += len(ours)
        if ours:
            assert cal.timezones and cal.timezones[0].tz_name == "Europe/Paris"
    # 8 sessions in 4 commune feeds, 1 unit feed and the coordinator feed; 8 shifts in staff feeds.
    assert total == 8 * 3 + 8


def test_session_event_content(tmp_path, instance, sample_plan):
    """A commune event: French title, site + commune location, GEO, Paris times, DTSTAMP, CONFIRMED."""
    index = publish_feeds(instance, sample_plan(instance), tmp_path, stamp=STAMP)
    events = by_summary_time(index.communes["76002"])
    event = events[("Bus bus1 — consultations à Commune 76002", datetime(2027, 1, 4, 14, 0, tzinfo=PARIS))]
    assert event.end == datetime(2027, 1, 4, 17, 0, tzinfo=PARIS)
    assert str(event["LOCATION"]) == "Mairie de Commune 76002"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (49.85, 1.20)
    assert event["DTSTAMP"].dt == STAMP
    assert str(event["STATUS"]) == "CONFIRMED" and event["SEQUENCE"] == 0
    assert "carte Vitale" in str(event["DESCRIPTION"]) and "Horaires : 14:00 – 17:00" in str(event["DESCRIPTION"])
    assert event["UID"] == event_uid("session", "bus1", "2027-01-04", "76002")


def test_summer_time_is_right(tmp_path, instance, make_small_instance, sample_plan):
    """A July session at 09:00 Paris is 07:00 UTC (the VTIMEZONE covers summer time)."""
    july = make_small_instance(start=date(2027, 7, 5), weeks=1)
    plan = sample_plan(july)
    index = publish_feeds(july, plan, tmp_path, stamp=STAMP)
    cal = icalendar.Calendar.from_ical(index.communes["76001"].read_bytes())
    (event,) = cal.events
    assert event.start.astimezone(UTC).hour == 7
    assert b"TZOFFSETTO:+0200" in index.communes["76001"].read_bytes()


def test_awkward_names_are_escaped_and_read_back(tmp_path, instance, sample_plan):
    """Commas, semicolons, quotes, backslashes, accents and newlines survive, escaped in the file."""
    index = publish_feeds(instance, sample_plan(instance), tmp_path, stamp=STAMP)
    path = index.communes["76001"]
    (raw, *_) = raw_events(path)
    assert raw["SUMMARY"][1] == 'Bus bus1 — consultations à Saint-Jean\\, le Haut\\; "test" \\\\ Ève'
    assert (
        raw["LOCATION"][1]
        == "Salle des fêtes\\; cour\\narrière\\, côté église\\, " + 'Saint-Jean\\, le Haut\\; "test" \\\\ Ève'
    )
    event = next(iter(by_summary_time(path).values()))
    assert str(event["SUMMARY"]) == f"Bus bus1 — consultations à {AWKWARD_COMMUNE}"
    assert str(event["LOCATION"]) == f"{AWKWARD_SITE}, {AWKWARD_COMMUNE}"
    # The awkward staff name reads back whole in the driver's private feed.
    c1 = icalendar.Calendar.from_ical(index.staff["c1"].read_bytes())
    assert any(instance.person("d1").name in str(e["DESCRIPTION"]) for e in c1.events)


def test_no_staff_name_in_public_files(tmp_path, instance, sample_plan):
    """Public feeds and the index name no one; private feeds do name the crew."""
    index = publish_feeds(instance, sample_plan(instance), tmp_path, stamp=STAMP, base_url="https://example.org/bus")
    names = [p.name for p in instance.staff]
    public_text = "\n".join(
        _unescape(re.sub(r"\r\n[ \t]", "", p.read_text(encoding="utf-8"))) for p in index.public_paths()
    )
    for name in names:
        assert name not in public_text
    assert all(p.parent.name == "public" for p in index.public_paths())
    assert all(p.parent.parent.name == "prive" for p in index.private_paths())
    coordinator = _unescape(re.sub(r"\r\n[ \t]", "", index.coordinator.read_text(encoding="utf-8")))
    assert instance.person("d2").name in coordinator and instance.person("c1").name in coordinator


def test_index_lists_public_feeds_only(tmp_path, instance, sample_plan):
    """index.html links every commune feed (with base_url) and no private feed."""
    index = publish_feeds(instance, sample_plan(instance), tmp_path, stamp=STAMP, base_url="https://example.org/bus/")
    page = index.index_html.read_text(encoding="utf-8")
    for insee in ("76001", "76002", "76003", "76004"):
        assert f'href="https://example.org/bus/{commune_feed_name(insee)}"' in page
        assert f'href="webcal://example.org/bus/{commune_feed_name(insee)}"' in page
    assert "personnel-" not in page and "coordination" not in page and "unite-" not in page
    assert "Saint-Jean, le Haut; &quot;test&quot;" in page


def test_fixed_stamp_gives_identical_files(tmp_path, instance, sample_plan):
    """Same plan, same stamp: byte-identical feeds (the calendar UID is stable too)."""
    plan = sample_plan(instance)
    a = publish_feeds(instance, plan, tmp_path / "a", stamp=STAMP)
    b = publish_feeds(instance, plan, tmp_path / "b", stamp=STAMP)
    for pa, pb in zip(a.all_paths(), b.all_paths(), strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.name


def test_uids_reveal_nothing():
    """UIDs are name-based UUIDs: no id, INSEE code or date in clear."""
    uid = event_uid("shift", "bus1", "2027-01-04", "doctor", "d1")
    assert uuid.UUID(uid).version == 5
    assert not any(part in uid for part in ("bus1", "2027", "doctor", "d1"))


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


def test_preview_reads_the_ledger_without_writing_it(tmp_path, instance, sample_plan):
    """record=False: the draft's feeds get the next SEQUENCE numbers, but the ledger is unchanged, so
    a draft that is never published leaves no cancelled event behind."""
    store = PlanStore(tmp_path / "ws")
    plan = sample_plan(instance)
    publish_feeds(instance, plan, tmp_path / "pub", store=store, stamp=STAMP)
    ledger = store.event_ledger()
    preview = publish_feeds(instance, replanned(plan), tmp_path / "draft", store=store, stamp=STAMP, record=False)
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(preview.coordinator.read_bytes()).events}
    assert events[event_uid("session", "bus1", "2027-01-04", "76002")]["SEQUENCE"] == 1
    assert store.event_ledger() == ledger
