"""iCalendar feeds of a plan: public ones per commune, private ones per unit, person and coordinator.

Residents subscribe to their commune's feed (when and where the unit stops — never who is on
board); volunteers subscribe to their own shifts; the coordinator gets everything. Feeds go to two
folders of the publication directory: ``public/`` (commune feeds and ``index.html``, safe to put on
a web site) and ``prive/`` (unit, staff and coordinator feeds, to hand out privately).

Event UIDs are ``uuid5`` of a stable key (``session:{unit}:{date}:{insee}``,
``shift:{unit}:{date}:{role}:{staff}``), so a re-plan keeps the UID of every event that still exists
and the UID reveals nothing personal. With a `planner.publish.store.PlanStore`, its event ledger makes a
changed event's SEQUENCE go up by one and keeps a removed event in its feeds as ``STATUS:CANCELLED``,
so that subscribed calendar clients update or remove it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import icalendar
from icalendar.enums import CLASS, STATUS, TRANSP

from planner.domain.french import PARIS, hhmm, setup_fr
from planner.domain.instance import Commune, Instance, Role, Site, UnitKind
from planner.domain.plan import Plan, Session, Shift, Tour
from planner.publish.files import COORDINATOR_FEED, PRIVATE_DIR, PUBLIC_DIR, write_atomic
from planner.results.public_visits import Visit, public_reason

if TYPE_CHECKING:
    from planner.publish.store import LedgerEntry, PlanStore

#: Namespace of every UID Tournée writes; never change it, or every subscriber sees new events.
UID_NAMESPACE = uuid.UUID("37ce3656-6d67-4124-b5c5-6a451fcb26ac")
PRODID = "-//Tournée//Planificateur de tournées//FR"

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


# --- Names of things ----------------------------------------------------------------------------


def slug(text: str) -> str:
    """A file-name-safe form of an id (``"Bus n°1"`` → ``"bus-n1-…"``); distinct ids stay distinct."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9_]+", "-", ascii_text.lower()).strip("-") or "x"
    if out != text:
        out += "-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    return out


def commune_feed_name(insee: str) -> str:
    """File name of a commune's public feed inside ``public/``."""
    return f"commune-{slug(insee)}.ics"


def public_url(name: str, base_url: str | None) -> str:
    """Where a file of ``public/`` is found: ``base_url/name``, or the bare name without a base URL."""
    return f"{base_url.rstrip('/')}/{name}" if base_url else name


def webcal_url(url: str) -> str | None:
    """The ``webcal://`` form of a web address (calendar apps subscribe to it), None for another kind."""
    return re.sub(r"^https?://", "webcal://", url) if re.match(r"https?://", url) else None


def event_uid(kind: str, *parts: str) -> str:
    """The stable UID of an event: ``uuid5`` of ``kind:part:part…`` in Tournée's namespace."""
    return str(uuid.uuid5(UID_NAMESPACE, ":".join((kind, *parts))))


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


# --- Events as data -----------------------------------------------------------------------------


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
        name = instance.person(s.staff_id).name if _has_person(instance, s.staff_id) else s.staff_id
        lines.append(f"- {s.role.label_fr} : {name}" + (" (à distance)" if s.remote else ""))
    return lines


def _has_person(instance: Instance, staff_id: str) -> bool:
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


# --- Ledger: SEQUENCE and cancellations ---------------------------------------------------------


@dataclass(frozen=True)
class _Published:
    spec: EventSpec
    sequence: int
    cancelled: bool


def _with_reason(instance: Instance, feeds: tuple[str, ...], event: Mapping[str, Any]) -> dict[str, Any]:
    """A cancelled session's data with its public reason (`cancel_reason`), when one can be said."""
    keys = dict(f.split(":", 1) for f in feeds if ":" in f)
    reason = None
    if "commune" in keys and "unit" in keys:
        reason = public_reason(instance, keys["unit"], keys["commune"], date.fromisoformat(event["date"]))
    return {**event, "cancel_reason": reason} if reason else dict(event)


def _merge_ledger(
    instance: Instance, events: list[EventSpec], ledger: Mapping[str, LedgerEntry]
) -> tuple[list[_Published], list[LedgerEntry]]:
    """Events to write (current ones and cancelled ones) and the ledger entries that changed."""
    from planner.publish.store import LedgerEntry

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
        out.append(_Published(spec, sequence, False))
        entry = LedgerEntry(spec.uid, sequence, digest, spec.feeds, dict(spec.data), False)
        if entry != old:
            changed.append(entry)
    for uid, old in ledger.items():
        if uid in current:
            continue
        if old.cancelled:
            out.append(_Published(EventSpec(uid, old.feeds, old.event), old.sequence, True))
            continue
        event = _with_reason(instance, old.feeds, old.event)
        out.append(_Published(EventSpec(uid, old.feeds, event), old.sequence + 1, True))
        changed.append(LedgerEntry(uid, old.sequence + 1, old.content_hash, old.feeds, event, True))
    return out, changed


def cancelled_sessions(ledger: Mapping[str, LedgerEntry]) -> list[Visit]:
    """The published visits a later publication cancelled, with their public reason when there is one
    (what the residents' page lists as "annulé" until the day has passed)."""
    visits = []
    for entry in ledger.values():
        keys = dict(f.split(":", 1) for f in entry.feeds if ":" in f)
        if entry.cancelled and "commune" in keys and "unit" in keys:
            data = entry.event
            start, end = (_minutes(data[k]) for k in ("start", "end"))
            day = date.fromisoformat(data["date"])
            visits.append(Visit(day, keys["unit"], keys["commune"], start, end, True, data.get("cancel_reason")))
    return sorted(visits, key=lambda v: (v.date, v.start, v.insee))


def _minutes(text: str) -> int:
    h, m = (int(x) for x in text.split(":"))
    return 60 * h + m


# --- Writing feeds ------------------------------------------------------------------------------


def _at(day: str, time: str) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, tzinfo=PARIS) + timedelta(minutes=_minutes(time))


def _event(p: _Published, *, public: bool, stamp: datetime) -> icalendar.Event:
    data = p.spec.data
    summary = ("Annulé : " if p.cancelled else "") + data["summary"]
    description = data["public_description"] if public else data["private_description"]
    if p.cancelled:
        reason = f" ({data['cancel_reason']})" if data.get("cancel_reason") else ""
        description = f"Ce rendez-vous est annulé{reason}.\n" + description
    event = icalendar.Event.new(
        uid=p.spec.uid,
        start=_at(data["date"], data["start"]),
        end=_at(data["date"], data["end"]),
        stamp=stamp,
        sequence=p.sequence,
        summary=summary,
        location=data["location"],
        description=description.strip(),
        status=STATUS.CANCELLED if p.cancelled else STATUS.CONFIRMED,
        classification=CLASS.PUBLIC if public else CLASS.PRIVATE,
        transparency=TRANSP.TRANSPARENT if public else TRANSP.OPAQUE,
    )
    if data.get("geo"):
        event.add("geo", tuple(data["geo"]))
    return event


class _Events:
    """Builds each event once per audience: a session appears in up to three feeds."""

    def __init__(self, stamp: datetime) -> None:
        self.stamp = stamp
        self._built: dict[tuple[str, bool], icalendar.Event] = {}

    def get(self, p: _Published, *, public: bool) -> icalendar.Event:
        key = (p.spec.uid, public)
        if key not in self._built:
            self._built[key] = _event(p, public=public, stamp=self.stamp)
        return self._built[key]


def _calendar(
    key: str, name: str, description: str, published: list[_Published], *, public: bool, events: _Events
) -> bytes:
    cal = icalendar.Calendar.new(
        prodid=PRODID,
        uid=event_uid("feed", key),
        name=name,
        description=description,
        method="PUBLISH",
        refresh_interval=timedelta(hours=6),
    )
    published = sorted(published, key=lambda p: (p.spec.data["date"], p.spec.data["start"], p.spec.uid))
    for p in published:
        cal.add_component(events.get(p, public=public))
    if published:
        first = date.fromisoformat(published[0].spec.data["date"]) - timedelta(days=1)
        last = date.fromisoformat(published[-1].spec.data["date"]) + timedelta(days=1)
        cal.add_missing_timezones(first, last)
    return cal.to_ical()


#: Where a private subject's files go inside ``prive/``: a folder name per subject (``staff:ID``,
#: ``unit:ID``, ``coordination``). A publication gives each subject its secret token; previews and
#: downloads use `readable_private_folder`.
PrivateFolder = Callable[[str], str]


def readable_private_folder(subject: str) -> str:
    """``staff:d1`` → ``personnel-d1``, ``unit:bus`` → ``unite-bus``: folders of files never put online."""
    kind, _, ident = subject.partition(":")
    return {"staff": "personnel-", "unit": "unite-"}.get(kind, "") + slug(ident) if ident else slug(kind)


STAFF_FEED = "planning.ics"
UNIT_FEED = "tournees.ics"
COORDINATOR_FILE = f"{COORDINATOR_FEED}.ics"


@dataclass(frozen=True)
class FeedIndex:
    """Paths of every feed written by `publish_feeds`, and the ledger entries the feeds changed."""

    out_dir: Path
    communes: Mapping[str, Path]  # INSEE -> public feed
    units: Mapping[str, Path]
    staff: Mapping[str, Path]
    coordinator: Path
    index_html: Path
    private_index: Path
    ledger_changes: tuple[LedgerEntry, ...] = ()

    def public_paths(self) -> list[Path]:
        """Files meant to be published on a web site: commune feeds and the index page."""
        return [*self.communes.values(), self.index_html]

    def private_paths(self) -> list[Path]:
        return [*self.units.values(), *self.staff.values(), self.coordinator]

    def all_paths(self) -> list[Path]:
        return self.public_paths() + self.private_paths()


def _index_html(instance: Instance, entries: list[tuple[str, str, int]], base_url: str | None) -> str:
    title = html.escape(instance.title or instance.name)
    rows = []
    for name, file_name, count in entries:
        url = html.escape(public_url(file_name, base_url), quote=True)
        subscribe = webcal_url(public_url(file_name, base_url)) if base_url else None
        webcal = f' · <a href="{html.escape(subscribe, quote=True)}">s\'abonner</a>' if subscribe else ""
        rows.append(
            f'<li>{html.escape(name)} — {count} passage(s) : <a href="{url}">{html.escape(file_name)}</a>{webcal}</li>'
        )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>{title} — calendriers des passages</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<h1>{title} — calendriers des passages</h1>
<p>Abonnez-vous au calendrier de votre commune pour connaître les jours, heures et lieux des passages
de l'unité mobile de santé. Les changements s'y reportent automatiquement.</p>
<ul>
{chr(10).join(rows)}
</ul>
</body>
</html>
"""


_PRIVATE_INDEX = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Accès privé</title></head>
<body><p>Chaque calendrier privé a sa propre adresse secrète, transmise à la personne concernée.</p></body>
</html>
"""


def publish_feeds(
    instance: Instance,
    plan: Plan,
    out_dir: str | Path,
    *,
    store: PlanStore | None = None,
    stamp: datetime | None = None,
    base_url: str | None = None,
    record: bool = True,
    private_folder: PrivateFolder = readable_private_folder,
) -> FeedIndex:
    """Write every feed of ``plan`` into ``out_dir`` (``public/`` and ``prive/``); return their paths.

    Parameters
    ----------
    store
        When given, its event ledger sets SEQUENCE and adds the cancelled events. Without it, every
        event has SEQUENCE 0 and none is cancelled.
    record
        Whether to update the store's ledger after writing. Pass ``False`` for a preview of a plan
        that is not being published (drafts leave no trace), or when the caller records
        ``FeedIndex.ledger_changes`` itself (`planner.publish.publication`, with the publication).
    stamp
        DTSTAMP of every event (default: now, UTC); pass a fixed one for identical output.
    base_url
        Public address of the ``public/`` folder, used for links in ``index.html``.
    private_folder
        The folder of ``prive/`` each person's, unit's and the coordinator's feed goes to (their
        secret token in a publication, so that ``prive/`` may be put online: a folder name cannot be
        guessed, and ``prive/index.html`` keeps a web server from listing them).
    """
    out_dir = Path(out_dir)
    stamp = stamp or datetime.now(UTC).replace(microsecond=0)
    events = plan_events(instance, plan)
    ledger = store.event_ledger() if store is not None else {}
    published, changed = _merge_ledger(instance, events, ledger)

    by_feed: dict[str, list[_Published]] = defaultdict(list)
    for p in published:
        for feed in p.spec.feeds:
            by_feed[feed].append(p)
    built = _Events(stamp)
    title = instance.title or instance.name
    public_dir, private_dir = out_dir / PUBLIC_DIR, out_dir / PRIVATE_DIR

    communes: dict[str, Path] = {}
    index_entries = []
    for feed in sorted(k for k in by_feed if k.startswith("commune:")):
        insee = feed.split(":", 1)[1]
        name = instance.commune(insee).name if instance.has_commune(insee) else insee
        items = by_feed[feed]
        path = public_dir / commune_feed_name(insee)
        cal = _calendar(
            feed, f"Unité mobile de santé à {name}", f"Passages à {name} ({title})", items, public=True, events=built
        )
        communes[insee] = write_atomic(path, cal)
        index_entries.append((name, path.name, sum(not p.cancelled for p in items)))

    units: dict[str, Path] = {}
    unit_ids = [u.id for u in instance.units] + [k.split(":", 1)[1] for k in by_feed if k.startswith("unit:")]
    for unit_id in dict.fromkeys(unit_ids):
        name = instance.unit(unit_id).name if unit_id in {u.id for u in instance.units} else unit_id
        key = f"unit:{unit_id}"
        items = by_feed.get(key, [])
        cal = _calendar(key, f"{name} — tournées", f"Tournées de {name} ({title})", items, public=False, events=built)
        units[unit_id] = write_atomic(private_dir / private_folder(key) / UNIT_FEED, cal)

    staff: dict[str, Path] = {}
    staff_ids = [s.id for s in instance.staff] + [k.split(":", 1)[1] for k in by_feed if k.startswith("staff:")]
    for staff_id in dict.fromkeys(staff_ids):
        name = instance.person(staff_id).name if _has_person(instance, staff_id) else staff_id
        key = f"staff:{staff_id}"
        items = by_feed.get(key, [])
        cal = _calendar(key, f"Mon planning — {name}", f"Gardes de {name} ({title})", items, public=False, events=built)
        staff[staff_id] = write_atomic(private_dir / private_folder(key) / STAFF_FEED, cal)

    items = by_feed.get(COORDINATOR_FEED, [])
    cal = _calendar(
        COORDINATOR_FEED,
        f"{title} — coordination",
        f"Tous les passages et leurs équipes ({title})",
        items,
        public=False,
        events=built,
    )
    coordinator = write_atomic(private_dir / private_folder(COORDINATOR_FEED) / COORDINATOR_FILE, cal)
    index_html = write_atomic(public_dir / "index.html", _index_html(instance, index_entries, base_url).encode("utf-8"))
    private_index = write_atomic(private_dir / "index.html", _PRIVATE_INDEX.encode("utf-8"))

    if store is not None and record and changed:
        store.update_event_ledger(changed)
    return FeedIndex(out_dir, communes, units, staff, coordinator, index_html, private_index, tuple(changed))
