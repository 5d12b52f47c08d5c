"""Tests of what keeps subscribed calendars right: the refresh interval, and a VTIMEZONE that covers
every date of a feed, so that four parsers (icalendar, recurring-ical-events, vobject, ics-py) agree
on local times on both sides of the March change to summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import ics
import pytest
import recurring_ical_events
import vobject

from planner.domain.french import PARIS
from planner.publish.feeds import REFRESH, publish_feeds
from tests.support.feeds import STAMP

#: The plan's two weeks straddle the change to summer time (Sunday 28 March 2027).
SPRING_START = date(2027, 3, 22)


@pytest.fixture
def spring(tmp_path, make_small_instance, sample_plan):
    instance = make_small_instance(start=SPRING_START, weeks=2)
    plan = sample_plan(instance)
    return publish_feeds(instance, plan, tmp_path, stamp=STAMP)


def _local_starts_icalendar(data: bytes) -> list[datetime]:
    return sorted(e.start.astimezone(UTC) for e in icalendar.Calendar.from_ical(data).events)


def test_feeds_say_how_often_to_refresh(spring):
    for path in spring.all_paths():
        if path.suffix != ".ics":
            continue
        text = path.read_bytes().decode("utf-8")
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in text, path
        assert "X-PUBLISHED-TTL:PT6H\r\n" in text, path
    assert REFRESH == timedelta(hours=6)


def test_every_feed_has_a_timezone_covering_both_changes_of_the_year(spring):
    """Even an empty feed holds the VTIMEZONE of its horizon, with the March and October changes."""
    for path in spring.all_paths():
        if path.suffix != ".ics":
            continue
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        (tz,) = cal.timezones
        assert tz.tz_name == "Europe/Paris"
        text = path.read_bytes().decode("utf-8")
        assert "DTSTART:20270328T" in text and "DTSTART:20271031T" in text, path.name
        assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT") if cal.events else True


def test_four_parsers_agree_on_local_times_across_the_march_change(spring):
    """Sessions after 28 March are at the same wall-clock time as before: 09:00 Paris is 08:00 UTC in
    winter and 07:00 UTC in summer, whichever library reads the feed."""
    path = spring.coordinator
    data = path.read_bytes()
    expected = _local_starts_icalendar(data)
    assert expected, "the coordinator feed holds every session"
    after = [t for t in expected if t.date() > date(2027, 3, 28)]
    before = [t for t in expected if t.date() < date(2027, 3, 28)]
    assert after and before
    # The same local times on each side of the change, so UTC hours differ by one.
    local_after = {t.astimezone(PARIS).time() for t in after}
    local_before = {t.astimezone(PARIS).time() for t in before}
    assert local_after & local_before
    assert all(t.astimezone(PARIS).utcoffset() == timedelta(hours=2) for t in after)

    expanded = recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(
        SPRING_START, SPRING_START + timedelta(weeks=3)
    )
    assert sorted(e["DTSTART"].dt.astimezone(UTC) for e in expanded) == expected

    text = data.decode("utf-8")
    vcal = vobject.readOne(text)
    by_vobject = sorted(e.dtstart.value.astimezone(UTC) for e in vcal.vevent_list)
    assert by_vobject == expected
    # vobject builds its own tzinfo from the VTIMEZONE: the wall-clock times must match too.
    assert sorted(e.dtstart.value.replace(tzinfo=None) for e in vcal.vevent_list) == sorted(
        t.astimezone(PARIS).replace(tzinfo=None) for t in expected
    )

    by_ics = sorted(e.begin.datetime.astimezone(UTC) for e in ics.Calendar(text).events)
    assert by_ics == expected
