"""The calendar event ledger: what the workspace store remembers of every event ever published (its
UID, SEQUENCE, a hash of its content and the data to write it again), and how a new publication
updates it.

Calendar clients update a subscribed event only when its SEQUENCE goes up, and remove it only when it
comes back cancelled; icalendar tracks neither. This is the one memory that runs from publication to
publication, so it lives apart from the feeds' writing (`planner.publish.feeds`) and from the plan
versions (`planner.publish.store`): both use it. The store reads and writes it without the holiday
tables that a cancelled visit's public reason needs (`planner.results.public_visits`, imported on use),
so that `planner history` stays quick.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from planner.domain.instance import Instance
from planner.publish.feed_events import EventSpec, minutes_of

if TYPE_CHECKING:
    from planner.results.public_visits import Visit


@dataclass(frozen=True)
class LedgerEntry:
    """What the store remembers of one published calendar event.

    ``event`` is the JSON-ready data `planner.publish.feeds` needs to write the event again (so that a
    removed event can still be published as cancelled); ``feeds`` are the feeds it appeared in.
    """

    uid: str
    sequence: int
    content_hash: str
    feeds: tuple[str, ...]
    event: Mapping[str, Any]
    cancelled: bool = False


def read_ledger(conn: sqlite3.Connection) -> dict[str, LedgerEntry]:
    """Every entry of the store's ledger, by UID."""
    rows = conn.execute("SELECT uid, sequence, hash, feeds, event_json, cancelled FROM ical_events").fetchall()
    return {
        uid: LedgerEntry(uid, seq, h, tuple(json.loads(feeds)), json.loads(event), bool(cancelled))
        for uid, seq, h, feeds, event, cancelled in rows
    }


def write_ledger(conn: sqlite3.Connection, entries: Iterable[LedgerEntry], when: str) -> None:
    """Insert or replace ``entries`` in the store's ledger, updated at ``when``."""
    rows = [
        (e.uid, e.sequence, e.content_hash, json.dumps(list(e.feeds)), json.dumps(e.event, ensure_ascii=False),
         int(e.cancelled), when)
        for e in entries
    ]  # fmt: skip
    conn.executemany(
        "INSERT INTO ical_events (uid, sequence, hash, feeds, event_json, cancelled, updated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET sequence=excluded.sequence,"
        " hash=excluded.hash, feeds=excluded.feeds, event_json=excluded.event_json,"
        " cancelled=excluded.cancelled, updated=excluded.updated",
        rows,
    )


@dataclass(frozen=True)
class PublishedEvent:
    """An event as a publication writes it: current or cancelled, with its SEQUENCE."""

    spec: EventSpec
    sequence: int
    cancelled: bool


def _with_reason(instance: Instance, feeds: tuple[str, ...], event: Mapping[str, Any]) -> dict[str, Any]:
    """A cancelled session's data with its public reason (`cancel_reason`), when one can be said."""
    from planner.results.public_visits import public_reason

    keys = dict(f.split(":", 1) for f in feeds if ":" in f)
    reason = None
    if "commune" in keys and "unit" in keys:
        reason = public_reason(instance, keys["unit"], keys["commune"], date.fromisoformat(event["date"]))
    return {**event, "cancel_reason": reason} if reason else dict(event)


def merge_ledger(
    instance: Instance, events: list[EventSpec], ledger: Mapping[str, LedgerEntry]
) -> tuple[list[PublishedEvent], list[LedgerEntry]]:
    """Events to write (current ones and cancelled ones) and the ledger entries that changed."""
    out, changed = [], []
    current = set()
    for spec in events:
        current.add(spec.uid)
        old = ledger.get(spec.uid)
        digest = spec.content_hash
        if old is None:
            sequence = 0
        elif old.cancelled or old.content_hash != digest:
            sequence = old.sequence + 1
        else:
            sequence = old.sequence
        out.append(PublishedEvent(spec, sequence, False))
        entry = LedgerEntry(spec.uid, sequence, digest, spec.feeds, dict(spec.data), False)
        if entry != old:
            changed.append(entry)
    for uid, old in ledger.items():
        if uid in current:
            continue
        if old.cancelled:
            out.append(PublishedEvent(EventSpec(uid, old.feeds, old.event), old.sequence, True))
            continue
        event = _with_reason(instance, old.feeds, old.event)
        out.append(PublishedEvent(EventSpec(uid, old.feeds, event), old.sequence + 1, True))
        changed.append(LedgerEntry(uid, old.sequence + 1, old.content_hash, old.feeds, event, True))
    return out, changed


def cancelled_sessions(ledger: Mapping[str, LedgerEntry]) -> list[Visit]:
    """The published visits a later publication cancelled, with their public reason when there is one
    (what the residents' page lists as "annulé" until the day has passed)."""
    from planner.results.public_visits import Visit

    visits = []
    for entry in ledger.values():
        keys = dict(f.split(":", 1) for f in entry.feeds if ":" in f)
        if entry.cancelled and "commune" in keys and "unit" in keys:
            data = entry.event
            start, end = (minutes_of(data[k]) for k in ("start", "end"))
            day = date.fromisoformat(data["date"])
            visits.append(Visit(day, keys["unit"], keys["commune"], start, end, True, data.get("cancel_reason")))
    return sorted(visits, key=lambda v: (v.date, v.start, v.insee))
