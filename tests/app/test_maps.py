"""The maps' pages (app_pages/ui/maps.py): everything they draw travels inside them (Leaflet inlined, no
script or style from the internet), one circle per session with its popup, the communes left out in
grey, a house per depot; names from a territory cannot break out of the page. The same maps drawn in
Chromium with no internet: tests/app/test_browser_map.py."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser

from app_pages.ui import maps
from planner.domain import Instance, Plan, UnitKind
from planner.results import week_dates
from tests.support import builders, plan_builders

#: The only web addresses a map's page holds besides those of the bundled files (Leaflet's credit, the
#: SVG namespace, comments): the tile template and OSM's copyright page (the credit).
ALLOWED_URLS = {maps.OSM_TILES, "https://www.openstreetmap.org/copyright"}


class _Tags(HTMLParser):
    """The start tags of a page and their attributes, and the JSON of the map's data."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data = ""
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_data = dict(attrs).get("id") == "tournee-map-data"

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data += data

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False


def _parsed(page: str) -> tuple[list[tuple[str, dict[str, str | None]]], dict]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags, json.loads(parser.data)


def _sample() -> tuple[Instance, Plan]:
    instance = builders.small_instance()
    return instance, plan_builders.sample_plan(instance)


def test_a_map_page_loads_no_script_or_style_from_the_internet() -> None:
    """Scripts and styles are inline (no src, no link, no @import or url(http…)); the only addresses
    in the page are the tile template and credit links."""
    instance, plan = _sample()
    page = maps.tour_map(instance, plan)
    tags, data = _parsed(page)
    scripts = [attrs for tag, attrs in tags if tag == "script"]
    assert len(scripts) == 3 and all("src" not in attrs for attrs in scripts)
    assert not [tag for tag, _ in tags if tag in {"link", "img", "iframe", "object", "embed"}]
    assert "@import" not in page and not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    ours = page
    for bundled in maps._assets():
        ours = ours.replace(bundled, "")
    assert set(re.findall(r"https?://[^\s\"'<>)\\]+", ours)) == ALLOWED_URLS
    assert page.count("Leaflet 1.9.4") == 1  # Leaflet inlined once per map
    assert data["credit"] == maps.OSM_CREDIT and data["tiles"] == maps.OSM_TILES


def test_one_circle_per_session_of_the_week_with_its_popup() -> None:
    """Week 1 of the sample plan: a circle per session whose popup names the commune, the unit and the
    hours; a line per tour; a house for the bus's depot."""
    instance, plan = _sample()
    _tags, data = _parsed(maps.tour_map(instance, plan, week=0))
    days = set(week_dates(plan, 0))
    sessions = [(tour, s) for tour in plan.tours if tour.date in days for s in tour.sessions]
    stops = [c for c in data["circles"] if c["kind"] == "stop"]
    assert len(stops) == len(sessions) > 0
    for circle, (tour, session) in zip(stops, sessions):
        commune = instance.commune(session.insee)
        assert circle["at"] == [round(commune.site.lat, 5), round(commune.site.lon, 5)]
        assert commune.name in circle["popup"] and instance.unit(tour.unit_id).name in circle["popup"]
        assert f"{session.start // 60:02d}:{session.start % 60:02d}" in circle["popup"]
    assert len(data["routes"]) == len([t for t in plan.tours if t.date in days])
    assert [d["label"] for d in data["depots"]] == [f"Dépôt : {u.name}" for u in instance.units]


def test_communes_without_a_visit_that_week_are_grey() -> None:
    """With only Monday's tour left, the two communes of Thursday are drawn grey, not as stops."""
    instance, plan = _sample()
    monday = dataclasses.replace(plan, tours=plan.tours[:1])
    _tags, data = _parsed(maps.tour_map(instance, monday, week=0))
    kinds = [c["kind"] for c in data["circles"]]
    assert kinds.count("stop") == len(plan.tours[0].sessions)
    visited = {s.insee for s in plan.tours[0].sessions}
    grey = [c["label"] for c in data["circles"] if c["kind"] == "commune"]
    assert sorted(grey) == sorted(
        f"{c.name} (pas de passage cette semaine)" for c in instance.communes if c.insee not in visited
    )
    assert len(data["routes"]) == 1


def test_a_name_cannot_end_the_script_or_inject_markup() -> None:
    """A commune named like markup is shown as text: escaped in labels, and no ``</script>`` in the data."""
    instance, plan = _sample()
    odd = "</script><script>alert(1)</script>"
    first = dataclasses.replace(instance.communes[0], name=odd)
    instance = dataclasses.replace(instance, communes=(first, *instance.communes[1:]))
    page = maps.tour_map(instance, plan)
    assert odd not in page and page.count("</script>") == 3
    _tags, data = _parsed(page)
    assert "&lt;/script&gt;" in next(c["label"] for c in data["circles"] if c["kind"] == "stop")


def test_place_map_centres_on_its_places() -> None:
    _tags, data = _parsed(maps.place_map([(49.9, 1.1, "Mairie d'Envermeu"), (50.0, 1.3, "Salle des fêtes")]))
    assert data["centre"] == [49.95, 1.2]
    assert [c["kind"] for c in data["circles"]] == ["place", "place"]
    assert data["circles"][0]["label"] == "Mairie d&#x27;Envermeu"


def test_a_fixed_place_is_a_house_with_its_stops_and_no_route() -> None:
    """A fixed unit does not drive: its place is drawn (« Lieu fixe »), its sessions too, no line."""
    instance, plan = _sample()
    fixed = dataclasses.replace(instance.units[0], kind=UnitKind.FIXED, name="Cabinet (exemple)")
    instance = dataclasses.replace(instance, units=(fixed,))
    _tags, data = _parsed(maps.tour_map(instance, plan, week=0))
    assert [d["label"] for d in data["depots"]] == ["Lieu fixe : Cabinet (exemple)"]
    assert data["routes"] == [] and [c["kind"] for c in data["circles"]].count("stop") > 0
