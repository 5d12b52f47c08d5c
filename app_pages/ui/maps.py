"""The maps of the pages (Planifier, Étude, Habitants), drawn by a Leaflet that travels with the app.

Leaflet 1.9.4 is kept in app_pages/assets/leaflet (its `dist` files and BSD-2-Clause LICENSE, from the
npm package) and inlined once in each map's page, with the small drawing script
app_pages/assets/tournee-map.js: stops, routes, depots and fixed places draw without internet. Only the
OpenStreetMap tiles come from the network; when they cannot, a French line says so and the markers stay.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import math
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from app_pages.ui.views import tours_of_week
from planner.domain import Instance, Plan, Point, UnitKind, hhmm, number_fr
from planner.results import BY_CHOICE, day_label

ASSETS = Path(__file__).resolve().parents[1] / "assets"

#: Distinct colours (Okabe–Ito, readable by colour-blind people), one per unit or weekday.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")

#: The map credits OpenStreetMap's contributors, in French (as the OSM attribution guidelines allow).
OSM_CREDIT = '© les contributeurs d\'<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OFFLINE = "fond de carte indisponible hors connexion"

#: Decimals kept of a latitude or longitude: about a metre, and road lines stay short in the page.
_DECIMALS = 5
_GREY = "#888888"


def tour_map(
    instance: Instance,
    plan: Plan,
    matrix: Any = None,
    *,
    week: int | None = 0,
    color_by: str = "unit",
) -> str:
    """The page of a map of one week's tours (for ``st.iframe``): see `tour_layers`."""
    return map_html(tour_layers(instance, plan, matrix, week=week, color_by=color_by))


def tour_layers(
    instance: Instance,
    plan: Plan,
    matrix: Any = None,
    *,
    week: int | None = 0,
    color_by: str = "unit",
) -> dict[str, Any]:
    """What the map of one week shows: a line per bus tour (by road when ``matrix`` knows the roads), a
    circle per session sized by need whose popup tells the session, communes left out in grey, a house
    per depot or fixed place. ``color_by`` is ``"unit"`` or ``"weekday"``."""
    unit_ids = [u.id for u in instance.units]
    max_need = max((c.need for c in instance.communes), default=1.0) or 1.0
    routes: list[dict[str, Any]] = []
    circles: list[dict[str, Any]] = []
    visited: set[str] = set()
    for tour in tours_of_week(plan, week):
        unit = instance.unit(tour.unit_id)
        key = unit_ids.index(unit.id) if color_by == "unit" else tour.date.weekday()
        colour = PALETTE[key % len(PALETTE)]
        stops = [instance.commune(s.insee).site.point for s in tour.sessions]
        if unit.kind is UnitKind.BUS and stops:
            path = [unit.depot, *stops, unit.depot]
            line = [point for a, b in itertools.pairwise(path) for point in _leg(matrix, a, b)]
            routes.append({"line": [_at(*p) for p in line], "colour": colour, "label": _text(unit.name, tour.date)})
        for session in tour.sessions:
            commune = instance.commune(session.insee)
            visited.add(commune.insee)
            need = number_fr(commune.need, 0) + (" (estimation)" if commune.need_is_proxy else "")
            popup = (
                f"<b>{html.escape(commune.name)}</b><br>{_text(unit.name, tour.date, ', ')} "
                f"{hhmm(session.start)}–{hhmm(session.end)}<br>Besoin : {need}"
            )
            radius = 5 + 12 * math.sqrt(max(commune.need, 0.0) / max_need)
            circles.append(_circle("stop", commune.site.lat, commune.site.lon, commune.name, colour, radius, popup))
    for commune in instance.communes:
        if commune.insee not in visited:
            why = BY_CHOICE if commune.visits_per_week <= 0 else "pas de passage cette semaine"
            circles.append(_circle("commune", commune.lat, commune.lon, f"{commune.name} ({why})", _GREY, 3))
    depots = [
        {
            "at": _at(u.depot.lat, u.depot.lon),
            "label": html.escape(f"{'Dépôt' if u.kind is UnitKind.BUS else 'Lieu fixe'} : {u.name}"),
        }
        for u in instance.units
    ]
    corners = [(c.lat, c.lon) for c in instance.communes] + [(u.depot.lat, u.depot.lon) for u in instance.units]
    lats, lons = zip(*corners)
    bounds = [_at(min(lats), min(lons)), _at(max(lats), max(lons))]
    return {"bounds": bounds, "routes": routes, "circles": circles, "depots": depots}


def place_map(points: Iterable[tuple[float, float, str]]) -> str:
    """The page of a small map with a circle per (lat, lon, label), centred on them."""
    points = list(points)
    centre = _at(sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    circles = [_circle("place", lat, lon, label, PALETTE[0], 9, html.escape(label)) for lat, lon, label in points]
    return map_html({"centre": centre, "zoom": 13, "routes": [], "circles": circles, "depots": []})


def map_html(layers: dict[str, Any]) -> str:
    """A whole page drawing ``layers`` (see `tour_layers`) with the bundled Leaflet, tiles from OSM.

    The layers go in a JSON block whose ``<`` are escaped, so no name of a territory can end the script.
    """
    data = {**layers, "tiles": OSM_TILES, "credit": OSM_CREDIT, "offline": OFFLINE}
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    leaflet_css, leaflet_js, own_css, own_js = _assets()
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<style>{leaflet_css}</style><style>{own_css}</style></head>"
        '<body><div id="carte" role="region" aria-label="Carte des tournées"></div>'
        f"<script>{leaflet_js}</script>"
        f'<script type="application/json" id="tournee-map-data">{payload}</script>'
        f"<script>{own_js}</script></body></html>"
    )


@functools.cache
def _assets() -> tuple[str, str, str, str]:
    """Leaflet's style and script, then ours, read once per server."""
    names = ("leaflet/leaflet.css", "leaflet/leaflet.js", "tournee-map.css", "tournee-map.js")
    css, js, own_css, own_js = (ASSETS.joinpath(name).read_text(encoding="utf-8") for name in names)
    return css, js, own_css, own_js


def _leg(matrix: Any, a: Point, b: Point) -> list[tuple[float, float]]:
    """Road polyline from ``a`` to ``b`` when the matrix knows it, else a straight segment."""
    try:
        return list(matrix.geometry(matrix.index(a), matrix.index(b)))
    except (AttributeError, ValueError, IndexError, KeyError):
        return [(a.lat, a.lon), (b.lat, b.lon)]


def _at(lat: float, lon: float) -> list[float]:
    return [round(lat, _DECIMALS), round(lon, _DECIMALS)]


def _text(unit_name: str, day: date, between: str = " — ") -> str:
    """« Unit — day » (or with ``between``), escaped for the map's HTML."""
    return html.escape(f"{unit_name}{between}{day_label(day)}")


def _circle(
    kind: str, lat: float, lon: float, label: str, colour: str, radius: float, popup: str | None = None
) -> dict[str, Any]:
    """A circle of the map: ``kind`` names its CSS class (tournee-stop, tournee-commune, tournee-place);
    ``label`` is plain text, ``popup`` HTML."""
    fill = 0.4 if kind == "commune" else 0.6
    return {
        "kind": kind, "at": _at(lat, lon), "label": html.escape(label), "colour": colour,
        "radius": round(radius, 1), "fill": fill, "popup": popup,
    }  # fmt: skip
