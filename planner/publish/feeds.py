"""iCalendar feeds of a plan: public ones per commune, private ones per unit, person and coordinator.

Residents subscribe to their commune's feed (when and where the unit stops — never who is on
board); volunteers subscribe to their own shifts; the coordinator gets everything. Feeds go to two
folders of the publication directory: ``public/`` (commune feeds and ``index.html``, safe to put on
a web site) and ``prive/`` (unit, staff and coordinator feeds, to hand out privately).

The events are those of `planner.publish.feed_events`, under the UIDs of `planner.publish.feed_names`
(a re-plan keeps the UID of every event that still exists, and the UID reveals nothing personal).
With a `planner.publish.store.PlanStore`, its event ledger (`planner.publish.event_ledger`) makes a
changed event's SEQUENCE go up by one and keeps a removed event in its feeds as ``STATUS:CANCELLED``,
so that subscribed calendar clients update or remove it.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import icalendar
from icalendar.enums import CLASS, STATUS, TRANSP

from planner.domain.french import PARIS, date_fr
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.event_ledger import LedgerEntry, PublishedEvent, merge_ledger
from planner.publish.feed_events import has_person, minutes_of, plan_events
from planner.publish.feed_names import (
    COORDINATOR_FILE,
    STAFF_FEED,
    SUBSCRIBE_PAGE,
    UNIT_FEED,
    PrivateFolder,
    commune_feed_name,
    commune_page_name,
    event_uid,
    private_base_url,
    public_url,
    readable_private_folder,
    subscribe_links,
    webcal_url,
)
from planner.publish.files import COORDINATOR_FEED, PRIVATE_DIR, PUBLIC_DIR, write_atomic

if TYPE_CHECKING:
    from planner.publish.store import PlanStore

PRODID = "-//Tournée//Planificateur de tournées//FR"

#: How often a subscribed calendar app should fetch a feed again: REFRESH-INTERVAL (RFC 7986) and its
#: older spelling X-PUBLISHED-TTL (Outlook, older Apple clients). Six hours: a change of plan reaches
#: phones the same day, without hammering a small web server.
REFRESH = timedelta(hours=6)


def sorted_events(published: list[PublishedEvent]) -> list[PublishedEvent]:
    """Events in the order of the feeds: by date, start time, then UID."""
    return sorted(published, key=lambda p: (p.spec.data["date"], p.spec.data["start"], p.spec.uid))


def _timezone_span(dates: list[date]) -> tuple[date, date]:
    """First and last date the VTIMEZONE of a feed must cover: whole calendar years around ``dates``
    (the events and the planning horizon), so that it holds both DST changes of every year an event
    falls in, whichever clients read it (vobject needs the rule in force at each event)."""
    return date(min(dates).year, 1, 1), date(max(dates).year + 1, 1, 1)


def _at(day: str, time: str) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, tzinfo=PARIS) + timedelta(minutes=minutes_of(time))


def _event(p: PublishedEvent, *, public: bool, stamp: datetime) -> icalendar.Event:
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

    def get(self, p: PublishedEvent, *, public: bool) -> icalendar.Event:
        key = (p.spec.uid, public)
        if key not in self._built:
            self._built[key] = _event(p, public=public, stamp=self.stamp)
        return self._built[key]


def _calendar(
    key: str,
    name: str,
    description: str,
    published: list[PublishedEvent],
    *,
    public: bool,
    events: _Events,
    horizon: tuple[date, date],
) -> bytes:
    cal = icalendar.Calendar.new(
        prodid=PRODID,
        uid=event_uid("feed", key),
        name=name,
        description=description,
        method="PUBLISH",
    )
    # RFC 7986 requires the VALUE=DURATION parameter, which icalendar's ``refresh_interval`` leaves out.
    cal.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    published = sorted_events(published)
    for p in published:
        cal.add_component(events.get(p, public=public))
    # Every feed, even an empty one, gets the VTIMEZONE of the whole horizon (events may come later).
    first, last = _timezone_span([*horizon, *(date.fromisoformat(p.spec.data["date"]) for p in published)])
    cal.subcomponents.insert(0, icalendar.Timezone.from_tzid(PARIS.key, first_date=first, last_date=last))
    return cal.to_ical()


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
    commune_pages: Mapping[str, Path] = field(default_factory=dict)  # INSEE -> subscription page
    staff_pages: Mapping[str, Path] = field(default_factory=dict)  # staff id -> private subscription page

    def public_paths(self) -> list[Path]:
        """Files meant to be published on a web site: commune feeds, their pages and the index page."""
        return [*self.communes.values(), *self.commune_pages.values(), self.index_html]

    def private_paths(self) -> list[Path]:
        return [*self.units.values(), *self.staff.values(), self.coordinator, *self.staff_pages.values()]

    def all_paths(self) -> list[Path]:
        return self.public_paths() + self.private_paths()


def _index_html(instance: Instance, entries: list[tuple[str, str, int]], base_url: str | None) -> str:
    title = html.escape(instance.title or instance.name)
    rows = []
    for name, file_name, count in entries:
        url = html.escape(public_url(file_name, base_url), quote=True)
        subscribe = webcal_url(public_url(file_name, base_url)) if base_url else None
        webcal = f' · <a href="{html.escape(subscribe, quote=True)}">s\'abonner</a>' if subscribe else ""
        page = html.escape(public_url(file_name.removesuffix(".ics") + ".html", base_url), quote=True)
        rows.append(
            f'<li><a href="{page}">{html.escape(name)}</a> — {count} passage(s) : '
            f'<a href="{url}">{html.escape(file_name)}</a>{webcal}</li>'
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


#: How many coming visits (or shifts) a subscription page lists.
NEXT_VISITS = 12

_PAGE_CSS = """
body { font-family: system-ui, Arial, Helvetica, sans-serif; max-width: 40rem; margin: 0 auto; padding: 1rem;
       color: #111; line-height: 1.4; }
h1 { color: #0b4f8a; font-size: 1.5rem; }
a.button { display: block; margin: .5rem 0; padding: .9rem 1rem; border-radius: .5rem; background: #0b4f8a;
           color: #fff; text-decoration: none; font-weight: bold; text-align: center; }
a.button.other { background: #e6eef6; color: #0b4f8a; }
li.cancelled { text-decoration: line-through; color: #777; }
.small { font-size: .85rem; color: #444; }
"""


def _visit_lines(published: list[PublishedEvent], today: date, *, public: bool) -> list[str]:
    """The next visits (or shifts) as list items, cancelled ones struck through, no crew."""
    coming = [p for p in published if date.fromisoformat(p.spec.data["date"]) >= today][:NEXT_VISITS]
    lines = []
    for p in coming:
        data = p.spec.data
        when = f"{date_fr(date.fromisoformat(data['date']))}, {data['start']} – {data['end']}"
        what = html.escape(data["location"] if public else f"{data['summary']} — {data['location']}")
        if p.cancelled:
            lines.append(f'<li class="cancelled">{html.escape(when)} : {what} (annulé)</li>')
        else:
            lines.append(f"<li>{html.escape(when)} : {what}</li>")
    return lines


def subscribe_page(
    title: str,
    intro: str,
    feed_url: str,
    links: Mapping[str, str] | None,
    visits: list[str],
    *,
    heading: str = "Prochains passages",
) -> str:
    """A small page (phones first) to subscribe to one feed in one tap, with the next visits.

    ``links`` are those of `planner.publish.feed_names.subscribe_links`; without them (the feed is not
    online) the page offers the file itself and says where to ask for the subscription address."""
    if links:
        webcal, google, outlook = (html.escape(links[k], quote=True) for k in ("webcal", "google", "outlook"))
        buttons = f"""<a class="button" href="{webcal}">S'abonner (téléphone, Apple, Thunderbird)</a>
<a class="button other" href="{google}">S'abonner avec Google Agenda</a>
<a class="button other" href="{outlook}">S'abonner avec Outlook</a>
<p class="small">Adresse du calendrier, pour les autres agendas : {html.escape(feed_url)}</p>"""
    else:
        download = html.escape(feed_url, quote=True)
        buttons = f"""<p><a class="button other" href="{download}">Télécharger le calendrier</a></p>
<p class="small">Un fichier importé ne se met pas à jour : demandez l'adresse d'abonnement à qui vous a
transmis cette page.</p>"""
    items = "\n".join(visits) or "<li>Rien de prévu pour l'instant.</li>"
    return f"""<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_PAGE_CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>{html.escape(intro)}</p>
{buttons}
<h2>{html.escape(heading)}</h2>
<ul>
{items}
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
    published, changed = merge_ledger(instance, events, ledger)

    by_feed: dict[str, list[PublishedEvent]] = defaultdict(list)
    for p in published:
        for feed in p.spec.feeds:
            by_feed[feed].append(p)
    built = _Events(stamp)
    horizon = (plan.start, plan.start + timedelta(weeks=plan.weeks))
    title = instance.title or instance.name
    public_dir, private_dir = out_dir / PUBLIC_DIR, out_dir / PRIVATE_DIR

    today = stamp.astimezone(PARIS).date()
    private_base = private_base_url(base_url)
    communes: dict[str, Path] = {}
    commune_pages: dict[str, Path] = {}
    staff_pages: dict[str, Path] = {}
    index_entries = []
    for feed in sorted(k for k in by_feed if k.startswith("commune:")):
        insee = feed.split(":", 1)[1]
        name = instance.commune(insee).name if instance.has_commune(insee) else insee
        items = by_feed[feed]
        path = public_dir / commune_feed_name(insee)
        cal = _calendar(
            feed,
            f"Unité mobile de santé à {name}",
            f"Passages à {name} ({title})",
            items,
            public=True,
            events=built,
            horizon=horizon,
        )
        communes[insee] = write_atomic(path, cal)
        index_entries.append((name, path.name, sum(not p.cancelled for p in items)))
        feed_url = public_url(path.name, base_url)
        page = subscribe_page(
            f"Unité mobile de santé à {name}",
            f"Jours, heures et lieux des passages à {name} ({title}). Abonnez-vous : les changements "
            "s'afficheront d'eux-mêmes dans votre agenda.",
            feed_url,
            subscribe_links(feed_url, f"Unité mobile de santé à {name}"),
            _visit_lines(sorted_events(items), today, public=True),
        )
        commune_pages[insee] = write_atomic(public_dir / commune_page_name(insee), page.encode("utf-8"))

    units: dict[str, Path] = {}
    unit_ids = [u.id for u in instance.units] + [k.split(":", 1)[1] for k in by_feed if k.startswith("unit:")]
    for unit_id in dict.fromkeys(unit_ids):
        name = instance.unit(unit_id).name if unit_id in {u.id for u in instance.units} else unit_id
        key = f"unit:{unit_id}"
        items = by_feed.get(key, [])
        cal = _calendar(
            key,
            f"{name} — tournées",
            f"Tournées de {name} ({title})",
            items,
            public=False,
            events=built,
            horizon=horizon,
        )
        units[unit_id] = write_atomic(private_dir / private_folder(key) / UNIT_FEED, cal)

    staff: dict[str, Path] = {}
    staff_ids = [s.id for s in instance.staff] + [k.split(":", 1)[1] for k in by_feed if k.startswith("staff:")]
    for staff_id in dict.fromkeys(staff_ids):
        name = instance.person(staff_id).name if has_person(instance, staff_id) else staff_id
        key = f"staff:{staff_id}"
        items = by_feed.get(key, [])
        cal = _calendar(
            key,
            f"Mon planning — {name}",
            f"Gardes de {name} ({title})",
            items,
            public=False,
            events=built,
            horizon=horizon,
        )
        folder = private_folder(key)
        staff[staff_id] = write_atomic(private_dir / folder / STAFF_FEED, cal)
        private_url = f"{private_base}/{folder}/{STAFF_FEED}" if private_base else STAFF_FEED
        page = subscribe_page(
            f"Mon planning — {name}",
            f"Vos gardes ({title}). Cette page et son calendrier sont personnels : ne les transmettez pas.",
            private_url,
            subscribe_links(private_url, f"Mon planning — {title}") if private_base else None,
            _visit_lines(sorted_events(items), today, public=False),
            heading="Prochaines gardes",
        )
        staff_pages[staff_id] = write_atomic(private_dir / folder / SUBSCRIBE_PAGE, page.encode("utf-8"))

    items = by_feed.get(COORDINATOR_FEED, [])
    cal = _calendar(
        COORDINATOR_FEED,
        f"{title} — coordination",
        f"Tous les passages et leurs équipes ({title})",
        items,
        public=False,
        events=built,
        horizon=horizon,
    )
    coordinator = write_atomic(private_dir / private_folder(COORDINATOR_FEED) / COORDINATOR_FILE, cal)
    index_html = write_atomic(public_dir / "index.html", _index_html(instance, index_entries, base_url).encode("utf-8"))
    private_index = write_atomic(private_dir / "index.html", _PRIVATE_INDEX.encode("utf-8"))

    if store is not None and record and changed:
        store.update_event_ledger(changed)
    return FeedIndex(
        out_dir,
        communes,
        units,
        staff,
        coordinator,
        index_html,
        private_index,
        tuple(changed),
        commune_pages,
        staff_pages,
    )
