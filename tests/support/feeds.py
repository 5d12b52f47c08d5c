"""What the tests of the calendar feeds share: a plan's feeds read back by hand (an independent,
minimal RFC 5545 reader, no icalendar inside) or with icalendar, a fixed DTSTAMP, an instance with
awkward names and a re-plan of the sample plan."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from planner.domain.instance import Instance, Role
from planner.domain.plan import Plan
from tests.support import plan_builders

STAMP = datetime(2026, 12, 20, 8, 0, tzinfo=UTC)
AWKWARD_COMMUNE = 'Saint-Jean, le Haut; "test" \\ Ève'
AWKWARD_SITE = "Salle des fêtes; cour\narrière, côté église"


# --- An independent, minimal RFC 5545 reader (no icalendar inside) ------------------------------


def unescape(value: str) -> str:
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


def with_awkward_names(base: Instance) -> Instance:
    """``base`` with an awkward commune name, site name and staff names."""
    c = base.communes[0]
    awkward = replace(c, name=AWKWARD_COMMUNE, site=replace(c.site, name=AWKWARD_SITE))
    staff = (
        replace(base.staff[0], name="Dr Zoé O'Brien-Lefèvre; « exemple », \\ test"),
        *base.staff[1:],
    )
    return base.replace(communes=(awkward, *base.communes[1:]), staff=staff, title="Médicobus — test")


def replanned(plan: Plan) -> Plan:
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
