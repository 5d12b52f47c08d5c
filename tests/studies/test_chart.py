"""The study charts (planner.studies.chart): one line per figure told apart even when equal, the source
and « indicateur de substitution » where the proxy is used; the region's ranking as bars."""

from __future__ import annotations

from planner.studies.chart import (
    MEASURES,
    chart_frame,
    chart_notes,
    need_caption,
    ranking_chart,
    study_chart,
    write_chart,
)


def _point(units: int, share: float, proxy: int = 12) -> dict:
    return {
        "units": units, "doctors": 5, "sessions": 2, "population": 1000, "communes": 12, "proxy_communes": proxy,
        "need_served_share": share, "population_within_15min": 1000, "population_within_30min": 1000,
    }  # fmt: skip


def _layers(spec: dict) -> list[dict]:
    return spec["layer"] if "layer" in spec else [layer for panel in spec["hconcat"] for layer in panel["layer"]]


def test_each_figure_has_its_own_dash_marker_and_offset_label_even_when_equal() -> None:
    points = [_point(1, 0.6), _point(2, 1.0)]  # at 2 units the three shares are 100 %
    chart = study_chart(chart_frame(points), 2, notes=chart_notes(points, "Communes : essai (exemple)"))
    spec = chart.to_dict()
    line = next(layer for layer in _layers(spec) if layer["mark"] == "line" or layer["mark"].get("type") == "line")
    for channel in ("strokeDash", "shape", "strokeWidth"):
        scale = line["encoding"][channel]["scale"]
        assert len({str(v) for v in scale["range"]}) == len(MEASURES), channel
    texts = [layer for layer in _layers(spec) if isinstance(layer["mark"], dict) and layer["mark"]["type"] == "text"]
    offsets = {layer["mark"].get("dy") for layer in texts if "dy" in layer["mark"]}
    assert len(offsets) == len(MEASURES)  # three end labels, none on another
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "Source : Communes : essai (exemple)" in subtitle and "indicateur de substitution" in subtitle


def test_the_caption_says_where_the_need_is_real_and_where_it_is_estimated() -> None:
    assert "indicateur de substitution" in need_caption(12, 12)
    assert need_caption(0, 12).startswith("Besoin : chiffres réels")
    mixed = need_caption(3, 12)
    assert "3 commune(s) sur 12" in mixed and "chiffres réels pour les autres" in mixed


def test_the_ranking_chart_shows_the_first_territories_with_their_sensitivity(tmp_path) -> None:
    ranking = [
        {"rank": i, "title": f"CC {i} (exemple)", "priority_index": 100 - i, "need_served_per_unit": 200,
         "share_far": 50.0, "sensitive": "x" if i == 2 else "", "rank_range": f"{i}–{i + 1}"}
        for i in range(1, 4)
    ] + [{"rank": "", "title": "échec"}]  # fmt: skip
    chart = ranking_chart(ranking, ["Critère : essai.", "Besoin : indicateur de substitution."])
    spec = chart.to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["intercommunalité"] for v in values] == ["1. CC 1 (exemple)", "2. CC 2 (exemple)", "3. CC 3 (exemple)"]
    assert [v["rang"] for v in values] == ["stable", "sensible", "stable"]
    assert "indicateur de substitution" in " ".join(spec["title"]["subtitle"])
    files, note = write_chart(chart, tmp_path / "classement-graphique")
    assert note is None and [f.suffix for f in files] == [".html", ".png"]
