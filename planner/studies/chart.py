"""A study's charts: need served and population reached against units (and doctors), knee marked; and a
region's ranking as bars. Each says its source and, where the need is estimated, « indicateur de
substitution ».

Drawn with Altair (Vega-Lite). Written as a self-contained HTML page (the JavaScript inlined, so it
opens offline) and as a PNG, both through vl-convert; without vl-convert neither can be made
offline, and the study says so instead of writing a page that needs the network.

One line per figure, told apart even where they coincide (two shares at 100 % are common): each has
its own colour, dash, marker and width, and its value is written at the end of its line, the three
labels offset so that none hides another.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from planner.studies.scenario_files import INSTALL_HINT

MEASURES = {
    "need": "besoin couvert",
    "within15": "habitants à 15 min d'un arrêt",
    "within30": "habitants à 30 min d'un arrêt",
}
#: Per measure, in `MEASURES` order: colour, dash, marker, line width (the widest drawn first, underneath),
#: marker area.
COLOURS = ("#4c78a8", "#f58518", "#b2182b")
DASHES = ([1, 0], [8, 4], [2, 3])
SHAPES = ("circle", "square", "triangle-up")
WIDTHS = (4.0, 2.5, 1.5)
#: Marker areas, largest underneath: where the three figures are equal, the markers nest, all visible.
SIZES = (220, 90, 30)
#: Each measure's end label (its name, short) and vertical offset in pixels.
SHORT_NAMES = ("besoin", "15 min", "30 min")
LABEL_OFFSETS = (-14, 0, 14)
#: Bars of a region's ranking chart: the first territories only (the table has them all).
RANKING_BARS = 30
PROXY_CAPTION = "Besoin : indicateur de substitution (personnes sans médecin traitant estimées, docs/formats.md)"


def need_caption(proxy_communes: int | None, communes: int) -> str:
    """The chart's sentence on the need: « indicateur de substitution » wherever the proxy is used."""
    if proxy_communes is None:
        return "Besoin : chiffres réels ou indicateur de substitution selon les communes (non précisé)."
    if proxy_communes == 0:
        return "Besoin : chiffres réels (patients sans médecin traitant)."
    if proxy_communes >= communes:
        return PROXY_CAPTION + "."
    return f"{PROXY_CAPTION} pour {proxy_communes} commune(s) sur {communes}, chiffres réels pour les autres."


def chart_notes(points: Sequence[Mapping[str, Any]], source: str) -> list[str]:
    """The notes under a territory study's chart: its source and the need's caption."""
    first = points[0] if points else {}
    proxy = first.get("proxy_communes")
    lines = [f"Source : {' '.join(source.split()) or 'non précisée'}"]
    lines.append(need_caption(proxy if isinstance(proxy, int) else None, int(first.get("communes") or 0)))
    return lines


def _wrapped(lines: Sequence[str], width: int = 110) -> list[str]:
    return [piece for line in lines for piece in textwrap.wrap(line, width)]


def chart_frame(points: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Long table of the chart: one line per (scenario, measure), values in % of the need or population.

    ``points``: rows of planned scenarios with ``units``, ``doctors``, ``sessions`` and the figures.
    """
    records = []
    for p in points:
        population = p["population"] or 1
        values = {
            "need": 100 * p["need_served_share"],
            "within15": 100 * p["population_within_15min"] / population,
            "within30": 100 * p["population_within_30min"] / population,
        }
        for key, label in MEASURES.items():
            records.append(
                {"unités": p["units"], "médecins": p["doctors"], "séances par jour": str(p["sessions"]),
                 "mesure": label, "part (%)": round(values[key], 1)}
            )  # fmt: skip
    return pd.DataFrame.from_records(records)


def _panel(frame: pd.DataFrame, x: str, knee: int | None, title: str) -> alt.LayerChart | alt.FacetChart:
    labels = list(MEASURES.values())
    legend = alt.Legend(orient="bottom", columns=1, symbolStrokeWidth=0, symbolSize=120)
    colours = alt.Scale(domain=labels, range=list(COLOURS))
    base = alt.Chart(frame).encode(
        x=alt.X(
            f"{x}:Q",
            axis=alt.Axis(values=sorted(int(v) for v in frame[x].unique()), format="d"),
            scale=alt.Scale(zero=False),
        ),
        y=alt.Y("part (%):Q", scale=alt.Scale(domain=[0, 105])),
        color=alt.Color("mesure:N", sort=labels, scale=colours, legend=legend),
        strokeDash=alt.StrokeDash(
            "mesure:N", sort=labels, scale=alt.Scale(domain=labels, range=list(DASHES)), legend=legend
        ),
        strokeWidth=alt.StrokeWidth(
            "mesure:N", sort=labels, scale=alt.Scale(domain=labels, range=list(WIDTHS)), legend=None
        ),
        shape=alt.Shape("mesure:N", sort=labels, scale=alt.Scale(domain=labels, range=list(SHAPES)), legend=legend),
        order=alt.Order(x, sort="ascending"),
        tooltip=["unités", "médecins", "séances par jour", "mesure", "part (%)"],
    )
    markers = base.mark_point(filled=True, opacity=1).encode(
        size=alt.Size("mesure:N", sort=labels, scale=alt.Scale(domain=labels, range=list(SIZES)), legend=None),
        color=alt.Color("mesure:N", sort=labels, scale=colours, legend=None),
        shape=alt.Shape("mesure:N", sort=labels, scale=alt.Scale(domain=labels, range=list(SHAPES)), legend=None),
    )
    layers: list[alt.Chart] = [base.mark_line(point=alt.OverlayMarkDef(filled=True, opacity=1)), markers]
    last = frame[frame[x] == frame[x].max()]
    for label, short, offset in zip(labels, SHORT_NAMES, LABEL_OFFSETS, strict=True):
        end = last[last["mesure"] == label].assign(étiquette=lambda f, s=short: f["part (%)"].map(
            lambda v: f"{s} : {v:g} %".replace(".", ",")))  # fmt: skip
        layers.append(
            alt.Chart(end)
            .mark_text(align="left", dx=8, dy=offset, fontSize=11)
            .encode(
                x=f"{x}:Q",
                y="part (%):Q",
                text="étiquette:N",
                color=alt.Color("mesure:N", sort=labels, scale=colours, legend=None),
            )
        )
    if knee is not None:
        rule = alt.Chart(pd.DataFrame({x: [knee], "label": ["coude"]}))
        layers.append(rule.mark_rule(color="black", strokeDash=[4, 4]).encode(x=f"{x}:Q"))
        layers.append(rule.mark_text(align="left", dx=4, y=8).encode(x=f"{x}:Q", text="label:N"))
    return alt.layer(*layers).properties(title=title, width=360, height=260)


def study_chart(
    by_units: pd.DataFrame,
    knee_units: int | None,
    by_doctors: pd.DataFrame | None = None,
    knee_doctors: int | None = None,
    *,
    notes: Sequence[str] = (),
) -> alt.TopLevelMixin:
    """The chart against units, and against doctors beside it when doctors were varied; ``notes`` (source,
    need's caption) under the title."""
    units = _panel(by_units, "unités", knee_units, "Selon le nombre d'unités")
    chart: alt.TopLevelMixin = units
    if by_doctors is not None and not by_doctors.empty:
        chart = alt.hconcat(units, _panel(by_doctors, "médecins", knee_doctors, "Selon le nombre de médecins"))
    heading = alt.TitleParams(
        "Besoin couvert et habitants proches d'un arrêt", subtitle=_wrapped(notes), anchor="start", fontSize=14
    )
    return chart.properties(title=heading)


def ranking_chart(ranking: Sequence[Mapping[str, Any]], notes: Sequence[str]) -> alt.Chart:
    """The first `RANKING_BARS` ranked territories as bars of their priority index, the sensitive ranks
    marked, with the min–max rank at the end of each bar; ``notes`` (criterion, source, caption) on top."""
    ranked = [r for r in ranking if r.get("rank") != ""][:RANKING_BARS]
    frame = pd.DataFrame.from_records(
        [
            {
                "intercommunalité": f"{r['rank']}. {r['title']}",
                "indice de priorité": r["priority_index"],
                "besoin servi": r["need_served_per_unit"],
                "part éloignée (%)": r["share_far"],
                "rang": "sensible" if r["sensitive"] else "stable",
                "rang min–max": r["rank_range"],
            }
            for r in ranked
        ],
        columns=["intercommunalité", "indice de priorité", "besoin servi", "part éloignée (%)", "rang", "rang min–max"],
    )
    order = list(frame["intercommunalité"])
    base = alt.Chart(frame).encode(
        y=alt.Y("intercommunalité:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("indice de priorité:Q", title="indice de priorité (personnes)"),
        tooltip=list(frame.columns),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "rang:N",
            scale=alt.Scale(domain=["stable", "sensible"], range=["#bd0026", "#fd8d3c"]),
            legend=alt.Legend(title="rang selon les variantes", orient="bottom"),
        )
    )
    text = base.mark_text(align="left", dx=4, fontSize=10).encode(text="rang min–max:N")
    heading = alt.TitleParams(
        f"Les {len(ranked)} premières intercommunalités", subtitle=_wrapped(notes), anchor="start", fontSize=14
    )
    return (bars + text).properties(title=heading, width=520, height=max(14 * len(ranked), 60))


def write_chart(chart: alt.TopLevelMixin, stem: str | Path) -> tuple[list[Path], str | None]:
    """``stem``.html (offline) and ``stem``.png; returns the paths and, when they could not be
    written, a French note saying why."""
    stem = Path(stem)
    try:
        import vl_convert  # noqa: F401 (altair uses it for inlined HTML and PNG)
    except ImportError:
        return [], f"graphique non écrit : il faut vl-convert pour l'écrire hors ligne ({INSTALL_HINT})"
    html, png = stem.with_suffix(".html"), stem.with_suffix(".png")
    chart.save(html, inline=True)
    chart.save(png, scale_factor=2)
    return [html, png], None
