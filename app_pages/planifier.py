"""Page "Planifier": run the planner with visible progress, then show the map, the week, the rota, KPIs."""

from __future__ import annotations

import time

import streamlit as st
from streamlit_folium import st_folium

from app_pages import plan_cache, session, views
from planner.domain.errors import TourneeError
from planner.domain.french import WEEKDAYS_FR, date_fr
from planner.results.staff_load import staff_totals
from planner.results.summary import KPI_LABELS, format_kpi, kpi_explanations
from planner.results.tables import in_french, sessions_table, shifts_table
from planner.results.week_views import rota_grid, unit_week

instance = session.instance()
options = session.options()

st.title("Planifier")
origin = session.work().origin
st.caption(
    f"Territoire : **{instance.title or instance.name}** — {len(instance.communes)} communes, "
    f"{len(instance.units)} unité(s), {len(instance.staff)} personnes, {instance.rules.weeks} semaine(s) "
    f"à partir du {date_fr(instance.rules.start)}. Réglages dans « Paramètres »."
    + (f" Copie de travail issue de la {origin}." if origin else "")
)

if st.button("Planifier", type="primary"):
    with st.status("Planification en cours…", expanded=True) as status:
        bar = st.progress(0.0, text="Préparation…")

        def on_progress(fraction: float, message: str) -> None:
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

        began = time.perf_counter()
        try:
            result = plan_cache.compute_plan(instance, options, progress=on_progress)
        except TourneeError as exc:
            status.update(label="La planification a échoué", state="error")
            st.error(str(exc))
            st.stop()
        bar.progress(1.0, text="Plan prêt.")
        status.update(label=f"Plan prêt en {time.perf_counter() - began:.1f} s", state="complete", expanded=False)
    session.set_plan(result)

plan = session.plan()
if plan is None:
    st.info("Cliquez sur « Planifier » pour calculer les tournées et le planning des équipes.")
    st.stop()

st.caption(f"Temps de trajet : {plan.travel_label}")

# --- KPIs
st.subheader("Indicateurs")
explanations = kpi_explanations()
kpis = list(plan.kpis.items())
for row in range(0, len(kpis), 4):
    for column, (key, value) in zip(st.columns(4), kpis[row : row + 4]):
        with column:
            st.metric(KPI_LABELS.get(key, key), format_kpi(key, value), help=explanations.get(key))
            st.caption(explanations.get(key, ""))

if plan.warnings:
    with st.expander(f"Avertissements ({len(plan.warnings)})", expanded=True):
        for warning in plan.warnings:
            st.warning(warning)
if plan.unserved:
    with st.expander(f"Communes moins visitées que prévu ({len(plan.unserved)})"):
        st.dataframe(
            [
                {"commune": u.name, "visites visées": u.target_visits, "visites prévues": u.planned_visits, "raison": u.reason}
                for u in plan.unserved
            ],
            hide_index=True,
        )

# --- Map and week
st.subheader("Carte des tournées")
left, right = st.columns([1, 1])
week = left.selectbox(
    "Semaine", range(plan.weeks), format_func=lambda w: f"semaine {w + 1} (du {date_fr(views.week_start(plan, w))})"
)
color_by = right.radio("Couleur par", ["unit", "weekday"], format_func={"unit": "unité", "weekday": "jour"}.get, horizontal=True)
try:
    matrix = plan_cache.travel(instance, options)
except TourneeError:
    matrix = None  # straight lines between stops
st_folium(
    views.tour_map(instance, plan, matrix, week=week, color_by=color_by),
    height=480, use_container_width=True, returned_objects=[], key="tour-map",
)  # fmt: skip
if color_by == "weekday":
    legend = " &nbsp; ".join(f'<span style="color:{views.PALETTE[d]}">■</span> {WEEKDAYS_FR[d]}' for d in range(7))
    st.markdown(legend, unsafe_allow_html=True)

st.subheader("La semaine, unité par unité")
frame = views.timetable_frame(instance, plan, week)
if frame.empty:
    st.info("Aucune tournée cette semaine.")
for unit in instance.units:
    if (frame["unité"] == unit.name).any():
        chart = views.timetable_chart(frame, unit.name)
        st.altair_chart(chart, width="stretch", height=chart.height + 140)  # room for axis and legend

# --- Tables
tab_week, tab_sessions, tab_rota, tab_totals = st.tabs(
    ["Semaine (équipes et unités)", "Séances", "Équipes (rota)", "Totaux par personne"]
)
with tab_week:
    st.caption(f"Semaine {week + 1} (choisie au-dessus de la carte). Version imprimable : page « Publier », zip des plannings.")
    if plan.shifts:
        st.dataframe(rota_grid(instance, plan, week).frame(), hide_index=True, width="stretch")
    for unit in instance.units:
        grid = unit_week(instance, plan, unit.id, week)
        st.markdown(f"**{grid.title}**")
        st.dataframe(grid.frame(), hide_index=True, width="stretch")
with tab_sessions:
    st.dataframe(in_french(sessions_table(instance, plan)), hide_index=True, width="stretch")
with tab_rota:
    if plan.shifts:
        st.dataframe(in_french(shifts_table(instance, plan)), hide_index=True, width="stretch")
    else:
        st.info("Aucune garde dans ce plan (les unités n'ont pas besoin d'équipage).")
with tab_totals:
    st.dataframe(
        [
            {
                "personne": t.name, "rôles": ", ".join(r.label_fr for r in t.roles), "gardes": t.shifts,
                "heures": round(t.hours, 1), "gardes possibles": t.offered, "part": f"{t.share:.0%}",
            }
            for t in staff_totals(instance, plan)
        ],
        hide_index=True, width="stretch",
    )  # fmt: skip
