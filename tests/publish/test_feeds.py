"""Tests of the iCalendar feeds: parse back with two parsers, summer time, no staff name in public
files, escaping of awkward names, the index page, identical files for a fixed stamp, drafts that leave
the ledger as it was."""

from __future__ import annotations

import re
from datetime import UTC, date

import icalendar
import pytest
import recurring_ical_events

from planner.publish.feed_names import commune_feed_name, event_uid
from planner.publish.feeds import publish_feeds
from planner.publish.store import PlanStore
from tests.support.feeds import (
    AWKWARD_COMMUNE,
    AWKWARD_SITE,
    STAMP,
    by_summary_time,
    raw_events,
    raw_time,
    replanned,
    unescape,
    with_awkward_names,
)


@pytest.fixture
def instance(small_instance):
    """small_instance with an awkward commune name, site name and staff names."""
    return with_awkward_names(small_instance)


def test_every_feed_parses_the_same_with_two_parsers(tmp_path, instance, sample_plan):
    """icalendar, recurring_ical_events and a hand-written reader see the same events in every feed."""
    plan = sample_plan(instance)
    index = publish_feeds(instance, plan, tmp_path, stamp=STAMP)
    # 4 commune feeds and their pages, 1 unit, 5 staff feeds and their pages, coordinator, index.
    assert len(index.all_paths()) == 4 * 2 + 1 + 5 * 2 + 1 + 1
    total = 0
    for path in index.all_paths():
        if path.suffix != ".ics":
            continue
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        ours = sorted((str(e["UID"]), e.start, e.end, str(e["SUMMARY"])) for e in cal.events)
        expanded = recurring_ical_events.of(cal).between(date(2026, 12, 1), date(2027, 3, 1))
        theirs = sorted((str(e["UID"]), e["DTSTART"].dt, e["DTEND"].dt, str(e["SUMMARY"])) for e in expanded)
        raw = sorted(
            (r["UID"][1], raw_time(r["DTSTART"]), raw_time(r["DTEND"]), unescape(r["SUMMARY"][1]))
            for r in raw_events(path)
        )
        assert ours == theirs == raw, path.name
        total += len(ours)
        if ours:
            assert cal.timezones and cal.timezones[0].tz_name == "Europe/Paris"
    # 8 sessions in 4 commune feeds, 1 unit feed and the coordinator feed; 8 shifts in staff feeds.
    assert total == 8 * 3 + 8


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
        unescape(re.sub(r"\r\n[ \t]", "", p.read_text(encoding="utf-8"))) for p in index.public_paths()
    )
    for name in names:
        assert name not in public_text
    assert all(p.parent.name == "public" for p in index.public_paths())
    assert all(p.parent.parent.name == "prive" for p in index.private_paths())
    coordinator = unescape(re.sub(r"\r\n[ \t]", "", index.coordinator.read_text(encoding="utf-8")))
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
