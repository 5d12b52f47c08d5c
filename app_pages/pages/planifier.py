"""Page "Planifier": run the planner with its real progress, offer the new plan beside the current one
(accepted or discarded, undone later), then show the key figures (the others on demand), the communes
below their target or never visited, the chosen week (map, chart, rota and units' weeks, printable)
and the tables of the whole horizon. « Plan prêt » is said once the page is drawn."""

from __future__ import annotations

import time

import streamlit as st

from app_pages.ui import adjust, compare, failures, maps, plan_cache, session, views
from app_pages.ui.streamlit_fr import CHOOSE
from planner.domain import WEEKDAYS_FR, TourneeError, TravelMatrix, date_fr, number_fr, percent_fr
from planner.publish import week_page
from planner.results import (
    BELOW_TARGET,
    BY_CHOICE,
    in_french,
    key_figures,
    kpi_lines,
    not_targeted,
    rota_grid,
    sessions_table,
    shifts_table,
    staff_totals,
    unit_week,
)

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

compare.undo_button()
if session.plan() is None:
    plan_cache.start_in_background(instance, options)  # reading this page gives the solver a head start

status = None
began = 0.0
if st.button("Planifier", type="primary"):
    failure: TourneeError | None = None
    began = time.perf_counter()
    with st.status("Planification en cours…", expanded=True) as status:
        bar = st.progress(0.0, text="Préparation…")

        def on_progress(fraction: float, message: str) -> None:
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

        try:
            result = plan_cache.compute_plan(instance, options, progress=on_progress)
        except TourneeError as exc:
            failure = exc
            status.update(label="La planification a échoué : voir ci-dessous.", state="error", expanded=False)
        else:
            bar.progress(1.0, text="Plan calculé : affichage…")
            status.update(label="Plan calculé : affichage de la page…", state="running", expanded=False)
    if failure is not None:
        failures.show(failure)  # in full view, not inside the collapsed status box
        st.stop()
    if not session.offer("Nouveau plan", session.work().inputs, adjust.with_moves(instance, result)):
        st.info("Le plan calculé est celui qui est affiché : rien ne change.")


def page_drawn() -> None:
    """« Plan prêt » once the page is drawn (the time counts the drawing, not only the solve)."""
    if status is not None:
        seconds = number_fr(time.perf_counter() - began)
        offered = " : comparez-le au plan actuel, puis acceptez-le ou écartez-le" if session.candidate() else ""
        label = f"Plan prêt en {seconds} s (calcul et affichage){offered}"
        status.update(label=label, state="complete", expanded=False)


compare.candidate_panel(instance)
adjust.pins_editor()
plan = session.plan()
if plan is None:
    if session.candidate() is None:
        st.info("Cliquez sur « Planifier » pour calculer les tournées et le planning des équipes.")
    page_drawn()
    st.stop()

st.caption(f"Temps de trajet : {plan.travel_label}")
if options.roads == "auto" and plan.travel_label.startswith("estimation"):
    st.info(
        "Aucun réseau routier n'est encore sur ce serveur : les temps de trajet de ce plan sont estimés. Pour "
        "des temps routiers, choisissez « Réseau routier OpenStreetMap » dans le réglage « Temps de trajet » de "
        "la page « Paramètres » (téléchargé une fois, avec une connexion à Internet), puis planifiez de nouveau."
    )

# --- Key figures in one row, the others on demand
st.subheader("Indicateurs")
compare.figure_strip([{"label": f.label, "value": f.value, "help": f.explanation} for f in key_figures(plan)])
details = [(k.label, k.value, f"{k.explanation} ({k.note}.)" if k.note else k.explanation) for k in kpi_lines(plan)]
details.append(
    (
        BELOW_TARGET,
        number_fr(len(plan.unserved), 0),
        "Communes qui reçoivent moins de visites que visé (liste et raisons ci-dessous).",
    )
)
with st.expander(f"Tous les indicateurs ({len(details)}) et leur explication"):
    st.dataframe(
        [{"indicateur": label, "valeur": value, "explication": text} for label, value, text in details],
        hide_index=True,
        width="stretch",
    )
    if plan.search:  # the method, its budget and the bound: what the command line's summary says of them
        st.caption(f"Comment ce plan a été calculé : {plan.search}")

if plan.warnings:
    with st.expander(f"Avertissements ({len(plan.warnings)})", expanded=True):
        for warning in plan.warnings:
            st.warning(warning)
if plan.unserved:
    with st.expander(f"{BELOW_TARGET} ({len(plan.unserved)})"):
        st.dataframe(
            [
                {
                    "commune": u.name, "visites visées": number_fr(u.target_visits, None),
                    "visites prévues": u.planned_visits, "raison": u.reason,
                }
                for u in plan.unserved
            ],
            hide_index=True,
        )  # fmt: skip
by_choice = not_targeted(instance, plan.tours)
if by_choice:
    with st.expander(f"Communes jamais visitées, par choix ({len(by_choice)})"):
        st.caption(
            "Leur objectif est de 0 visite par semaine ; changez-le sur la page « Paramètres », "
            "rubrique « Objectifs de visite »."
        )
        st.dataframe([{"commune": c.name, "insee": c.insee, "raison": BY_CHOICE} for c in by_choice], hide_index=True)

adjust.move_form(instance, plan)

# --- The chosen week: map, chart, grids
st.subheader("La semaine")
left, right = st.columns([1, 1])
first_days = [views.week_start(plan, w) for w in range(plan.weeks)]


def week_label(w: int) -> str:
    return f"semaine {w + 1} (du {date_fr(first_days[w])})"


week = left.selectbox(
    "Semaine affichée (carte, graphique et tableaux de la semaine)", range(plan.weeks), format_func=week_label,
    placeholder=CHOOSE,
)  # fmt: skip
color_by = right.radio(
    "Couleur par", ["unit", "weekday"], format_func={"unit": "unité", "weekday": "jour"}.get, horizontal=True
)
matrix: TravelMatrix | None
try:
    matrix = plan_cache.travel(instance, options)
except TourneeError:
    matrix = None  # straight lines between stops
st.iframe(maps.tour_map(instance, plan, matrix, week=week, color_by=color_by), height=480)
if color_by == "weekday":
    legend = " &nbsp; ".join(f'<span style="color:{maps.PALETTE[d]}">■</span> {WEEKDAYS_FR[d]}' for d in range(7))
    st.markdown(legend, unsafe_allow_html=True)

frame = views.timetable_frame(instance, plan, week)
if frame.empty:
    st.info("Aucune tournée cette semaine.")
for unit in instance.units:
    if (frame["unité"] == unit.name).any():
        st.altair_chart(views.timetable_chart(frame, unit.name), width="stretch")

# --- Tables
tab_week, tab_sessions, tab_rota, tab_totals = st.tabs(
    [
        f"Semaine {week + 1} : équipes et unités",
        "Séances (tout l'horizon)",
        "Équipes (tout l'horizon)",
        "Totaux par personne",
    ]
)
with tab_week:
    st.download_button(
        f"Imprimer la semaine {week + 1} (A4 paysage)", week_page(instance, plan, week).encode("utf-8"),
        file_name=f"semaine-{week + 1}.html", mime="text/html", icon=":material/print:",
        help="Une page HTML à ouvrir dans le navigateur puis imprimer (ou enregistrer en PDF) pour le point d'équipe.",
    )  # fmt: skip
    if plan.shifts:
        rota = rota_grid(instance, plan, week)
        st.markdown(f"**{rota.title}**")
        views.show_week_grid(rota)
    for unit in instance.units:
        grid = unit_week(instance, plan, unit.id, week)
        st.markdown(f"**{grid.title}**")
        views.show_week_grid(grid)
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
                "heures": number_fr(t.hours), "gardes possibles": t.offered, "part": percent_fr(t.share, 0),
            }
            for t in staff_totals(instance, plan)
        ],
        hide_index=True, width="stretch",
    )  # fmt: skip
page_drawn()
