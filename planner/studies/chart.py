"""A study's chart: need served and population reached against units (and doctors), knee marked.

Drawn with Altair (Vega-Lite). Written as a self-contained HTML page (the JavaScript inlined, so it
opens offline) and as a PNG, both through vl-convert; without vl-convert neither can be made
offline, and the study says so instead of writing a page that needs the network.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    base = alt.Chart(frame).encode(
        x=alt.X(
            f"{x}:Q",
            axis=alt.Axis(values=sorted(int(v) for v in frame[x].unique()), format="d"),
            scale=alt.Scale(zero=False),
        ),
        y=alt.Y("part (%):Q", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("mesure:N", sort=list(MEASURES.values())),
        strokeDash=alt.StrokeDash("séances par jour:N"),
        tooltip=["unités", "médecins", "séances par jour", "mesure", "part (%)"],
    )
    layers: list[alt.Chart] = [base.mark_line(), base.mark_point(filled=True)]
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
) -> alt.TopLevelMixin:
    """The chart against units, and against doctors beside it when doctors were varied."""
    units = _panel(by_units, "unités", knee_units, "Selon le nombre d'unités")
    if by_doctors is None or by_doctors.empty:
        return units
    return alt.hconcat(units, _panel(by_doctors, "médecins", knee_doctors, "Selon le nombre de médecins"))


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
