"""The events of a plan's calendars, as plain data: one per session (for the commune's, the unit's
and the coordinator's feeds) and one per shift (for the person's feed), each with what the public and
the crews are told.

Plain data, not iCalendar objects, because the event ledger (`planner.publish.event_ledger`) stores
each event to write it again once cancelled, and compares its content to know when SEQUENCE goes up;
posters say the same things to residents (`WHAT_TO_BRING`, `services_fr`).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from planner.domain.french import hhmm, setup_fr
from planner.domain.instance import Commune, Instance, Role, Site, UnitKind
from planner.domain.plan import Plan, Session, Shift, Tour
from planner.publish.feed_names import event_uid
from planner.publish.files import COORDINATOR_FEED

#: What residents are asked to bring to a consultation (posters and public feeds).
WHAT_TO_BRING = (
    "carte Vitale",
    "attestation de complémentaire santé (mutuelle)",
    "ordonnances en cours",
    "carnet de santé (enfants)",
    "résultats d'examens récents",
)

_SERVICE_LABELS = {
    Role.DOCTOR: "médecine générale",
    Role.NURSE: "soins infirmiers",
    Role.SOCIAL_WORKER: "accompagnement social",
    Role.PSYCHOLOGIST: "soutien psychologique",
}


def site_of(commune: Commune, site_id: str) -> Site:
    """The site a session uses (the commune's own site; its id when it matches)."""
    return commune.site


def services_fr(roles: Iterable[Role], remote: Iterable[Role] = ()) -> str:
    """What the unit offers residents, from its crew roles (no names): ``"médecine générale (…)"``."""
    remote = set(remote)
    parts = []
    for role in sorted(set(roles), key=lambda r: list(Role).index(r)):
        if role in _SERVICE_LABELS:
            parts.append(_SERVICE_LABELS[role] + (" en téléconsultation" if role in remote else ""))
    return ", ".join(parts) or "consultations"


@dataclass(frozen=True)
class EventSpec:
    """Everything one calendar event shows, as plain data (stored in the ledger to re-publish it)."""

    uid: str
    feeds: tuple[str, ...]
    data: Mapping[str, Any]  # date, start, end, summary, location, geo, public/private descriptions

    @property
    def content_hash(self) -> str:
        text = json.dumps(self.data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _crew_lines(instance: Instance, shifts: Iterable[Shift], *, without: str | None = None) -> list[str]:
    lines = []
    for s in sorted(shifts, key=lambda s: (list(Role).index(s.role), s.staff_id)):
        if s.staff_id == without:
            continue
        name = instance.person(s.staff_id).name if has_person(instance, s.staff_id) else s.staff_id
        lines.append(f"- {s.role.label_fr} : {name}" + (" (à distance)" if s.remote else ""))
    return lines


def has_person(instance: Instance, staff_id: str) -> bool:
    try:
        instance.person(staff_id)
    except KeyError:
        return False
    return True


def _place(site: Site, commune: Commune) -> str:
    return site.name if commune.name in site.name else f"{site.name}, {commune.name}"


def _session_events(instance: Instance, plan: Plan, crews: Mapping[str, list[Shift]]) -> list[EventSpec]:
    events = []
    for tour in plan.tours:
        unit = instance.unit(tour.unit_id)
        seen: dict[str, int] = defaultdict(int)
        crew = _crew_lines(instance, crews.get(tour.key, []))
        for session in tour.public_sessions:
            commune = instance.commune(session.insee)
            site = site_of(commune, session.site_id)
            key: tuple[str, ...] = ("session", unit.id, tour.date.isoformat(), commune.insee)
            seen[commune.insee] += 1
            if seen[commune.insee] > 1:  # a second stop in the same commune the same day
                key += (str(seen[commune.insee]),)
            where = _place(site, commune)
            public = [
                f"{unit.name} : {services_fr(unit.crew, unit.remote_roles)}.",
                f"Lieu : {where} (code INSEE {commune.insee}).",
                f"Horaires : {hhmm(session.start)} – {hhmm(session.end)}.",
                "À apporter : " + ", ".join(WHAT_TO_BRING) + ".",
            ]
            private = public[:3] + [
                f"Arrivée sur place : {hhmm(session.arrival)}, départ : {hhmm(session.departure)}.",
                f"Tournée : départ du dépôt {hhmm(tour.leave_depot)}, retour {hhmm(tour.back_at_depot)}.",
                "Équipe :",
                *(crew or ["- (aucune équipe affectée)"]),
            ]
            data = {
                "date": tour.date.isoformat(),
                "start": hhmm(session.start),
                "end": hhmm(session.end),
                "summary": f"{unit.name} — consultations à {commune.name}",
                "location": where,
                "geo": [site.lat, site.lon],
                "public_description": "\n".join(public),
                "private_description": "\n".join(private),
            }
            feeds = (f"commune:{commune.insee}", f"unit:{unit.id}", COORDINATOR_FEED)
            events.append(EventSpec(event_uid(*key), feeds, data))
    return events


def _shift_event(instance: Instance, shift: Shift, tour: Tour | None, crew: list[Shift]) -> EventSpec:
    unit = instance.unit(shift.unit_id)
    sessions: tuple[Session, ...] = shift.sessions_of(tour)
    communes = [instance.commune(s.insee) for s in sessions]
    names = ", ".join(dict.fromkeys(c.name for c in communes)) or "sans passage"
    lines = [
        f"Rôle : {shift.role.label_fr}" + (" (à distance, téléconsultation)" if shift.remote else "") + ".",
        f"Service : {hhmm(shift.start)} – {hhmm(shift.end)}, {setup_fr(instance.rules.setup_minutes)}.",
    ]
    if tour and unit.kind is UnitKind.BUS:
        lines.append(
            f"Départ du dépôt ({unit.depot.name}) : {hhmm(tour.leave_depot)}, retour : {hhmm(tour.back_at_depot)}."
        )
    lines.append("Passages :")
    for s, c in zip(sessions, communes, strict=True):
        lines.append(f"- {hhmm(s.start)} – {hhmm(s.end)} : {_place(site_of(c, s.site_id), c)} (INSEE {c.insee})")
    others = _crew_lines(instance, crew, without=shift.staff_id)
    if others:
        lines += ["Avec :", *others]
    if shift.remote:
        location, geo = "Téléconsultation (à distance)", None
    elif unit.kind is UnitKind.BUS:
        location, geo = f"{unit.depot.name} (dépôt de {unit.name})", [unit.depot.lat, unit.depot.lon]
    elif communes:
        site = site_of(communes[0], sessions[0].site_id)
        location, geo = _place(site, communes[0]), [site.lat, site.lon]
    else:
        location, geo = unit.name, None
    data = {
        "date": shift.date.isoformat(),
        "start": hhmm(shift.start),
        "end": hhmm(shift.end),
        "summary": f"{unit.name} — {shift.role.label_fr} : {names}",
        "location": location,
        "geo": geo,
        "public_description": "",
        "private_description": "\n".join(lines),
    }
    key = ("shift", unit.id, shift.date.isoformat(), shift.role.value, shift.staff_id)
    return EventSpec(event_uid(*key), (f"staff:{shift.staff_id}",), data)


def plan_events(instance: Instance, plan: Plan) -> list[EventSpec]:
    """Every event of every feed of ``plan``: one per session, one per shift."""
    crews: dict[str, list[Shift]] = defaultdict(list)
    for s in plan.shifts:
        crews[s.tour_key].append(s)
    tours = {t.key: t for t in plan.tours}
    events = _session_events(instance, plan, crews)
    events += [_shift_event(instance, s, tours.get(s.tour_key), crews[s.tour_key]) for s in plan.shifts]
    return events


def minutes_of(text: str) -> int:
    """Minutes after midnight of an event's ``start`` or ``end`` (``"14:30"`` → 870)."""
    h, m = (int(x) for x in text.split(":"))
    return 60 * h + m
