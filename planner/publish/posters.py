"""Printable pages of a plan: an A4 poster per commune, a weekly table per unit, a shift list per person.

Posters go to the town halls: they say when and where the unit stops and what to bring, with a QR
code and the address of the commune's calendar feed when it is online, and never name the staff.
Unit tables and personal lists name the crews and go to ``prive/``. Every page is self-contained
HTML with ``@page { size: A4 }`` CSS: printing it from a browser (or "save as PDF") gives the paper
version, with no system package.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

import segno

from planner.domain.french import WEEKDAYS_FR, date_fr, hhmm, setup_fr
from planner.domain.instance import Instance
from planner.domain.plan import Plan, Session
from planner.publish.feed_events import WHAT_TO_BRING, services_fr, site_of
from planner.publish.feed_names import PrivateFolder, commune_page_name, public_url, readable_private_folder, slug
from planner.publish.files import COORDINATOR_FEED, PRIVATE_DIR, PUBLIC_DIR, write_atomic
from planner.publish.safe_csv import write_csv
from planner.results.week_views import WeekGrid, rota_grid, unit_week

_CSS = """
@page { size: A4; margin: 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; margin: 0 auto; max-width: 182mm;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 26pt; margin: 0 0 4mm; color: #0b4f8a; }
h2 { font-size: 15pt; margin: 6mm 0 2mm; border-bottom: 2px solid #0b4f8a; }
p.lead { font-size: 14pt; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; }
th, td { border: 1px solid #999; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
th { background: #e6eef6; }
tr { break-inside: avoid; }
ul.bring { font-size: 13pt; columns: 2; margin: 0; }
.qr { display: flex; gap: 6mm; align-items: center; margin-top: 6mm; }
.qr svg { width: 34mm; height: 34mm; flex: none; }
.small { font-size: 9pt; color: #444; }
td.cell div { margin-bottom: 1.5mm; }
section.week { break-after: page; }
section.week:last-child { break-after: auto; }
"""


_LANDSCAPE_CSS = "@page { size: A4 landscape; } body { max-width: 269mm; }"


def _page(title: str, body: str, *, landscape: bool = False) -> str:
    css = _CSS + (_LANDSCAPE_CSS if landscape else "")
    return f"""<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{css}</style></head>
<body>
{body}
</body>
</html>
"""


def _qr_svg(target: str) -> str:
    """An inline SVG QR code of ``target`` (the commune's subscription page)."""
    return segno.make(target, error="m", micro=False).svg_inline(scale=4, border=2, title=target)


def _subscription_block(insee: str, name: str, base_url: str | None) -> str:
    """How residents get the calendar: a QR code and the address to type when the feed is online,
    else where to ask (a QR code of a bare file name would lead nowhere). Both open the commune's
    subscription page (`planner.publish.feeds.subscribe_page`), not the raw ``.ics``: a phone opening
    the feed itself imports a one-off copy that changes never reach; the page's buttons subscribe."""
    if not base_url:
        return f"""<div class="qr"><div><strong>Calendrier toujours à jour</strong><br>
Le calendrier des passages à {name}, à ajouter à votre agenda (téléphone, ordinateur), est disponible
auprès de votre mairie ou de l'association qui organise les passages.</div></div>"""
    page = public_url(commune_page_name(insee), base_url)
    return f"""<div class="qr">
{_qr_svg(page)}
<div><strong>Calendrier toujours à jour</strong><br>
Scannez ce code, ou tapez l'adresse ci-dessous, pour ajouter les passages à {name} à votre agenda
(téléphone, ordinateur) ; les changements s'y reportent d'eux-mêmes.<br><strong>{html.escape(page)}</strong></div>
</div>"""


def commune_poster(instance: Instance, plan: Plan, insee: str, *, base_url: str | None = None) -> str:
    """The public A4 poster of one commune, as HTML: visits, hours, place, what to bring, QR code."""
    commune = instance.commune(insee)
    visits = sorted(
        ((t, s) for t, s in plan.public_sessions() if s.insee == insee), key=lambda ts: (ts[0].date, ts[1].start)
    )
    unit_ids = list(dict.fromkeys(t.unit_id for t, _ in visits))
    units = [instance.unit(u) for u in unit_ids]
    roles = {r for u in units for r in u.crew}
    remote = {r for u in units for r in u.remote_roles}
    name = html.escape(commune.name)
    unit_names = html.escape(" / ".join(u.name for u in units) or "L'unité mobile de santé")
    rows = (
        "\n".join(
            f"<tr><td>{html.escape(date_fr(t.date))}</td><td>{hhmm(s.start)} – {hhmm(s.end)}</td>"
            f"<td>{html.escape(site_of(commune, s.site_id).name)}</td></tr>"
            for t, s in visits
        )
        or '<tr><td colspan="3">Aucun passage prévu sur la période.</td></tr>'
    )
    bring = "\n".join(f"<li>{html.escape(item)}</li>" for item in WHAT_TO_BRING)
    body = f"""
<h1>{unit_names} à {name}</h1>
<p class="lead">Consultations sur place : {html.escape(services_fr(roles, remote))}.</p>
<h2>Prochains passages</h2>
<table>
<thead><tr><th>Date</th><th>Horaires</th><th>Lieu</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<h2>Pensez à apporter</h2>
<ul class="bring">
{bring}
</ul>
{_subscription_block(insee, name, base_url)}
<p class="small">{html.escape(instance.title or instance.name)} — horaires susceptibles de changer ;
en cas d'urgence, appelez le 15.</p>
"""
    return _page(f"{commune.name} — passages de l'unité mobile de santé", body)


def grid_table_html(grid: WeekGrid) -> str:
    """One week grid as an HTML table, each line of a cell on its own line (printable pages and the app)."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in (grid.corner, *grid.columns))
    rows = []
    for label, cells in grid.rows:
        tds = "".join("<td class='cell'>" + "<br>".join(html.escape(line) for line in cell) + "</td>" for cell in cells)
        rows.append(f"<tr><th>{html.escape(label)}</th>{tds}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _grid_html(grid: WeekGrid) -> str:
    return f"<section class='week'><h2>{html.escape(grid.title)}</h2>{grid_table_html(grid)}</section>"


def _weeks_page(title: str, intro: str, grids: Iterable[WeekGrid]) -> str:
    body = f"<h1>{html.escape(title)}</h1>\n<p class='small'>{html.escape(intro)}</p>\n"
    body += "\n".join(_grid_html(g) for g in grids)
    return _page(title, body, landscape=True)


def unit_table(instance: Instance, plan: Plan, unit_id: str) -> str:
    """The private week-by-week page of one unit (HTML, A4 landscape, a page per week): days × sessions."""
    unit = instance.unit(unit_id)
    grids = [unit_week(instance, plan, unit_id, w) for w in range(plan.weeks)]
    intro = f"Document interne : il nomme les équipes. {instance.title or instance.name}."
    return _weeks_page(f"{unit.name} — planning par semaine", intro, grids)


def rota_table(instance: Instance, plan: Plan) -> str:
    """The private rota, week by week (HTML, A4 landscape, a page per week): people × days."""
    grids = [rota_grid(instance, plan, w) for w in range(plan.weeks)]
    intro = f"Document interne pour le point d'équipe : il nomme les équipes. {instance.title or instance.name}."
    return _weeks_page("Équipes — planning par semaine", intro, grids)


def week_page(instance: Instance, plan: Plan, week: int) -> str:
    """The private page of one week for the crews' briefing (HTML, A4 landscape): the rota (people ×
    days), then each unit's week (days × sessions), a page each."""
    grids = [rota_grid(instance, plan, week)] + [unit_week(instance, plan, u.id, week) for u in instance.units]
    first = grids[0].first_day
    intro = f"Document interne : il nomme les équipes. {instance.title or instance.name}, semaine du {date_fr(first)}."
    return _weeks_page(f"Semaine {week + 1} — équipes et unités", intro, grids)


def person_list(instance: Instance, plan: Plan, staff_id: str) -> str:
    """The private list of one person's shifts (HTML)."""
    person = instance.person(staff_id)
    tours = {t.key: t for t in plan.tours}
    rows = []
    for s in sorted((s for s in plan.shifts if s.staff_id == staff_id), key=lambda s: (s.date, s.start)):
        tour = tours.get(s.tour_key)
        sessions: Iterable[Session] = s.sessions_of(tour)
        stops = "<br>".join(
            f"{hhmm(x.start)}–{hhmm(x.end)} {html.escape(instance.commune(x.insee).name)}" for x in sessions
        )
        role = s.role.label_fr + (" (à distance)" if s.remote else "")
        rows.append(
            f"<tr><td>{html.escape(date_fr(s.date))}</td><td>{hhmm(s.start)} – {hhmm(s.end)}</td>"
            f"<td>{html.escape(instance.unit(s.unit_id).name)}</td><td>{html.escape(role)}</td><td>{stops}</td></tr>"
        )
    body = f"""
<h1>Planning de {html.escape(person.name)}</h1>
<p class="small">Document personnel. {html.escape(instance.title or instance.name)}.
Horaires de service {setup_fr(instance.rules.setup_minutes)}.</p>
<table>
<thead><tr><th>Date</th><th>Horaires</th><th>Unité</th><th>Rôle</th><th>Passages</th></tr></thead>
<tbody>
{chr(10).join(rows) or '<tr><td colspan="5">Aucune garde sur la période.</td></tr>'}
</tbody>
</table>
"""
    return _page(f"Planning de {person.name}", body)


PUBLIC_TIMETABLE_HEADER = ("date", "jour", "debut", "fin", "insee", "commune", "lieu", "unite")


def public_timetable_rows(instance: Instance, plan: Plan) -> list[tuple[str, ...]]:
    """Rows of the public timetable CSV: when and where units stop, no staff."""
    rows: list[tuple[str, ...]] = []
    for t, s in sorted(plan.public_sessions(), key=lambda ts: (ts[0].date, ts[1].start, ts[1].insee)):
        commune = instance.commune(s.insee)
        rows.append(
            (
                t.date.isoformat(),
                WEEKDAYS_FR[t.date.weekday()],
                hhmm(s.start),
                hhmm(s.end),
                commune.insee,
                commune.name,
                site_of(commune, s.site_id).name,
                instance.unit(t.unit_id).name,
            )
        )
    return rows


def write_posters(
    instance: Instance,
    plan: Plan,
    out_dir: str | Path,
    *,
    base_url: str | None = None,
    private_folder: PrivateFolder = readable_private_folder,
) -> list[Path]:
    """Write every printable page into ``out_dir`` and return their paths.

    ``public/``: ``affiche-<insee>.html`` for each visited commune and ``horaires.csv`` (public
    timetable); ``prive/``: ``equipes-semaines.html`` (the rota, people × days, a page per week) in the
    coordination's folder, ``planning-unite.html`` (days × sessions, a page per week) in each unit's
    and ``planning.html`` in each person's (``private_folder``, as for the feeds). ``base_url`` is the
    public address of ``public/``: posters then carry a QR code and the address of their commune's
    subscription page (written by `planner.publish.feeds.publish_feeds`).
    """
    out = Path(out_dir)
    public, private = out / PUBLIC_DIR, out / PRIVATE_DIR
    paths = []
    for insee in sorted({s.insee for _, s in plan.sessions()}):
        page = commune_poster(instance, plan, insee, base_url=base_url)
        paths.append(write_atomic(public / f"affiche-{slug(insee)}.html", page.encode("utf-8")))
    paths.append(write_csv(public / "horaires.csv", PUBLIC_TIMETABLE_HEADER, public_timetable_rows(instance, plan)))
    rota = rota_table(instance, plan).encode("utf-8")
    paths.append(write_atomic(private / private_folder(COORDINATOR_FEED) / "equipes-semaines.html", rota))
    for unit in instance.units:
        page = unit_table(instance, plan, unit.id)
        folder = private / private_folder(f"unit:{unit.id}")
        paths.append(write_atomic(folder / "planning-unite.html", page.encode("utf-8")))
    for person in instance.staff:
        page = person_list(instance, plan, person.id)
        folder = private / private_folder(f"staff:{person.id}")
        paths.append(write_atomic(folder / "planning.html", page.encode("utf-8")))
    return paths
