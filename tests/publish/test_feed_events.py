"""Tests of the events of a plan's calendars (`planner.publish.feed_events`): what a commune's
event says, where and when."""

from __future__ import annotations

from datetime import datetime

import pytest

from planner.domain.french import PARIS
from planner.publish.feed_names import event_uid
from planner.publish.feeds import publish_feeds
from tests.support.feeds import STAMP, by_summary_time, with_awkward_names


@pytest.fixture
def instance(small_instance):
    """small_instance with an awkward commune name, site name and staff names."""
    return with_awkward_names(small_instance)


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
