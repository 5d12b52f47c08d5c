"""Page "Étude": how many units and doctors does the territory need? Every combination planned,
the table, the chart with its knee, and two scenarios compared side by side (figures and maps). And a
region study's ranking, map and chart, opened from its folder."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import streamlit as st

from app_pages.ui import files, maps, session
from app_pages.ui.streamlit_fr import CHOOSE
from planner import load_territory
from planner.domain import Instance, Plan, TourneeError, number_fr, percent_fr
from planner.inputs import decode
from planner.publish import read_plan_json
from planner.results import SHARE_KPIS, format_kpi
from planner.studies import (
    COLUMNS,
    OK,
    RANKING_COLUMNS,
    SCENARIOS_DIR,
    TerritoryStudy,
    inputs_fingerprint,
    read_region_outputs,
    run_territory_study,
    study_options,
    territory_texts,
)

#: Height of the region's map in the page (pixels; the map scrolls within it).
MAP_HEIGHT = 760
#: Figures compared between two scenarios: key → (label, decimals shown).
COMPARED = {
    "need_served_share": ("Besoin couvert", 0),  # a share, shown "45 %"
    "need_served_people": ("Besoin servi (personnes)", 0),
    "population_within_15min": ("Habitants à 15 min", 0),
    "population_within_30min": ("Habitants à 30 min", 0),
    "communes_served": ("Communes desservies", 0),
    "drive_km_per_week": ("km / semaine", 0),
    "co2_kg_per_week": ("CO₂ kg / semaine", 0),
    "doctor_half_days_per_week": ("½ journées de médecin / semaine", 1),
    "uncrewed_tours": ("Tournées sans équipe", 0),
}


def _territory():
    """The territory being worked on, as its files (those loaded or uploaded, then edited)."""
    files = session.work().inputs.files
    return territory_texts(files.name, decode(files.communes), decode(files.roster), decode(files.scenario))


@st.cache_resource(show_spinner=False, max_entries=32)
def _scenario(folder: str, written: float) -> tuple[Instance, Plan]:
    """A planned scenario's territory and plan, read once (``written``: its plan's time, the key)."""
    return load_territory(folder), read_plan_json(Path(folder) / "plan.json")


@st.cache_data(show_spinner=False, max_entries=16)
def _file_bytes(path: str, written: float) -> bytes:
    """A study file for its download button, read once per version (``written``: its time)."""
    return Path(path).read_bytes()


def _fmt(key: str, decimals: int, value: float) -> str:
    """French figures (decimal comma, thin groups of thousands, a space before %)."""
    return percent_fr(value, decimals) if key in SHARE_KPIS else number_fr(value, decimals)


def _cell(key: str, value: object) -> object:
    """A cell of the study table: numbers as French figures, text as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_kpi(key, value)
    return value


def _region_section() -> None:
    """A region study's ranking, map and chart, read from its folder (the command line runs it: a region
    of 70 intercommunalities takes minutes on a Dask cluster, more than a page should wait)."""
    st.caption(
        "Une étude régionale se lance en ligne de commande : `planner study --region 14,27,50,61,76 --each-epci "
        "--out DOSSIER` (une unité dans chaque intercommunalité, calcul réparti). Ouvrez ici son dossier pour voir "
        "le classement, la carte et le graphique (docs/studies.md)."
    )
    folder = st.text_input("Dossier d'une étude régionale", key="region-folder", placeholder="out/etude-region")
    if not folder.strip():
        return
    try:
        outputs = read_region_outputs(folder.strip())
    except TourneeError as exc:
        st.error(str(exc))
        return
    criterion = next((line for line in outputs.summary.splitlines() if line.startswith("Classement par")), "")
    if criterion:
        st.info(criterion)
    with st.expander("Résumé de l'étude"):
        st.text(outputs.summary)
    st.subheader("Carte")
    if outputs.map_html:  # the offline page (tooltips, a switch of colouring) from a data: address, so that the
        # browser gives it an origin of its own: a page read from a folder never reaches the app's session
        page = base64.b64encode(outputs.map_html.encode("utf-8")).decode("ascii")
        st.iframe(f"data:text/html;charset=utf-8;base64,{page}", height=MAP_HEIGHT)
    elif outputs.map_png:
        st.image(str(outputs.map_png))
    else:
        st.warning("Pas de carte dans ce dossier : relancez l'étude avec la version actuelle pour l'écrire.")
    if outputs.chart_png:
        st.subheader("Graphique")
        st.image(str(outputs.chart_png))
    st.subheader("Classement")
    st.dataframe(
        [{RANKING_COLUMNS[k]: v for k, v in row.items() if k in RANKING_COLUMNS} for row in outputs.ranking],
        hide_index=True,
        width="stretch",
    )


def _territory_section(instance: Instance) -> None:
    """A study of the working territory: settings, run, table, chart, two scenarios compared."""
    with st.form("study-settings"):
        left, right = st.columns(2)
        units = left.select_slider("Unités", options=list(range(1, 7)), value=(1, 3))
        sessions = right.multiselect(
            "Séances par jour (vide : celles des unités)", [1, 2], default=[], placeholder="celles des unités"
        )
        vary = left.toggle("Faire varier le nombre de médecins", value=False)
        doctors = left.slider("Médecins (si on les fait varier)", 1, 40, (5, 20))
        step = right.number_input("… de combien en combien", 1, 20, 5)
        weeks = right.number_input("Semaines de l'horizon", 1, 12, min(instance.rules.weeks, 4))
        time_limit = left.number_input("Budget de calcul par plan (secondes CP-SAT)", 0.5, 30.0, 2.0, step=0.5)
        launched = st.form_submit_button("Lancer l'étude", type="primary")

    if launched:
        study = TerritoryStudy(
            _territory(),
            units=tuple(range(units[0], units[1] + 1)),
            doctors=tuple(range(doctors[0], doctors[1] + 1, int(step))) if vary else None,
            sessions_per_day=tuple(sorted(sessions)) or None,
            weeks=int(weeks),
            options=study_options(float(time_limit)),
        )
        # every input the scenarios plan from (communes, roster, scenario, settings): after an edit of
        # any file the study is a new one, never refused as "faite avec d'autres réglages"
        digest = hashlib.sha256(
            json.dumps([inputs_fingerprint(study.tasks()), study.settings(), time_limit]).encode()
        ).hexdigest()[:12]
        folder = files.workspace(instance.name) / "etudes" / digest
        bar = st.progress(0.0, text="Préparation de l'étude…")

        def on_progress(done: int, total: int, message: str) -> None:
            bar.progress(done / total, text=f"{done}/{total} — {message}")

        try:
            report = run_territory_study(study, folder, progress=on_progress)
        except TourneeError as exc:
            st.error(str(exc))
            return
        bar.progress(1.0, text="Étude terminée.")
        st.session_state["study_report"] = (folder, report)

    if "study_report" not in st.session_state:
        st.info(
            "Choisissez les plages puis « Lancer l'étude ». Une étude déjà faite avec les mêmes réglages est reprise."
        )
        return

    folder, report = st.session_state["study_report"]
    for sentence in report.sentences:
        st.success(sentence)
    if report.failures:
        st.warning(f"{len(report.failures)} scénario(s) en échec : voir la colonne « statut ».")

    st.subheader("Tableau")
    table = [
        {COLUMNS[k]: _cell(k, row.get(k, "")) for k in COLUMNS if k not in ("territory", "title")}
        for row in report.rows
    ]
    st.dataframe(table, hide_index=True, width="stretch")
    if report.chart is not None:
        st.altair_chart(report.chart)
    downloads = st.columns(len(report.files))
    for column, path in zip(downloads, report.files):
        column.download_button(
            path.name, _file_bytes(str(path), path.stat().st_mtime), file_name=path.name, key=f"download-{path.name}"
        )

    planned = [row for row in report.rows if row.get("status") == OK]
    if len(planned) < 2:
        return
    st.subheader("Comparer deux scénarios")
    ids = [row["scenario"] for row in planned]
    by_id = {row["scenario"]: row for row in planned}
    pick_a, pick_b = st.columns(2)
    first = pick_a.selectbox("Scénario A", ids, index=0, placeholder=CHOOSE)
    second = pick_b.selectbox("Scénario B", ids, index=1, placeholder=CHOOSE)
    for column, scenario, other in ((pick_a, first, second), (pick_b, second, first)):
        row, base = by_id[scenario], by_id[other]
        with column:
            st.caption(
                f"{row['units']} unité(s), {row['doctors']} médecin(s), {row['sessions_per_day']} séance(s) par jour ; "
                f"dépôts : {row['depots']}"
            )
            for key, (label, decimals) in COMPARED.items():
                delta = row[key] - base[key]
                shown_delta = _fmt(key, decimals, delta) if delta else None
                st.metric(label, _fmt(key, decimals, row[key]), delta=shown_delta, delta_color="off")
            scenario_dir = folder / SCENARIOS_DIR / scenario
            written = (scenario_dir / "plan.json").stat().st_mtime
            st.iframe(maps.tour_map(*_scenario(str(scenario_dir), written), week=0), height=380)


instance = session.instance()
st.title("Étude")
territory_tab, region_tab = st.tabs(["Ce territoire", "Une région"])
with region_tab:
    _region_section()
with territory_tab:
    st.caption(
        f"Territoire : **{instance.title or instance.name}**. Chaque combinaison est planifiée comme par "
        "« Planifier » ; les unités ajoutées sont des copies de la première, basées dans la plus grande ville qui "
        "rapproche le plus les communes à desservir ; les équipes ajoutées sont fictives (docs/studies.md)."
    )
    _territory_section(instance)
