"""Tests of what a publication calls things (`planner.publish.feed_names`): event UIDs."""

from __future__ import annotations

import uuid

from planner.publish.feed_names import event_uid


def test_uids_reveal_nothing():
    """UIDs are name-based UUIDs: no id, INSEE code or date in clear."""
    uid = event_uid("shift", "bus1", "2027-01-04", "doctor", "d1")
    assert uuid.UUID(uid).version == 5
    assert not any(part in uid for part in ("bus1", "2027", "doctor", "d1"))
