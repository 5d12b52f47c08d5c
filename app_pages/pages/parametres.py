"""Page "Paramètres": horizon, rules, units' days and hours, visit targets, weights, solver options."""

from __future__ import annotations

import dataclasses
from datetime import time

import pandas as pd
import streamlit as st

from app_pages.ui import session
from planner.domain import WEEKDAYS_FR, TimeWindow, Weights, number_fr
from planner.publish import Settings

ROADS = {
    "estimate": "Estimation à vol d'oiseau (hors ligne, immédiat)",
    "auto": "Réseau routier si disponible en cache, sinon estimation",
    "road": "Réseau routier OpenStreetMap (téléchargé une fois, puis en cache)",
}
METHODS = {
    "cp-sat": "Optimisation (CP-SAT, dans le temps de calcul donné)",
    "greedy": "Rapide (au plus près, besoin le plus fort d'abord)",
}
WEIGHT_LABELS = {
    "need": "Servir le besoin",
    "regularity": "Régularité (même jour, même heure)",
    "preferences": "Préférences des équipes",
    "fairness": "Équité entre bénévoles",
    "continuity": "Même médecin pour la même commune",
    "travel": "Peu de route",
}


#: Visit targets offered in the editor (visits per week), besides those the files already hold.
TARGETS = {
    0.0: "jamais (par choix)", 0.25: "une fois par mois", 0.5: "tous les quinze jours", 1.0: "chaque semaine",
    2.0: "deux fois par semaine", 3.0: "trois fois par semaine",
}  # fmt: skip


def target_label(visits_per_week: float) -> str:
    """A visit target as the editor shows it: ``"0,5 — tous les quinze jours"``."""
    meaning = TARGETS.get(visits_per_week, "par semaine")
    return f"{number_fr(visits_per_week, None)} — {meaning}"


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


instance = session.base_instance()  # the files and settings, before the changes accepted in re-plans
options = session.options()
rules = instance.rules

st.title("Paramètres")
st.caption(f"Territoire : **{instance.title or instance.name}**. Les réglages s'appliquent au prochain calcul.")
if st.session_state.pop("settings_saved", False):
    st.success("Réglages enregistrés. Lancez le calcul depuis la page « Planifier ».")

with st.form("parametres"):
    st.subheader("Horizon et règles")
    c1, c2, c3 = st.columns(3)
    start = c1.date_input("Premier jour", rules.start, format="DD/MM/YYYY")
    weeks = c2.number_input("Nombre de semaines", min_value=1, max_value=52, value=rules.weeks)
    session_minutes = c3.number_input(
        "Durée d'une séance (min)", min_value=30, max_value=600, step=15, value=rules.session_minutes
    )
    c1, c2, c3 = st.columns(3)
    min_gap = c1.number_input("Jours minimum entre deux visites d'une commune", 0, 6, rules.min_gap_days)
    max_drive = c2.number_input("Route max. entre deux séances (min)", 0, 240, rules.max_drive_between_sessions)
    holidays = c3.toggle("Pas de tournée les jours fériés", rules.public_holidays)
    c1, c2, _ = st.columns(3)
    steps = sorted({1, 5, 10, 15, 20, 30, 60, rules.time_step})
    time_step = c1.selectbox(
        "Horaires publiés arrondis à (min)", steps, index=steps.index(rules.time_step),
        format_func=lambda m: "la minute près" if m == 1 else f"{m} min",
        help="Les séances commencent et finissent sur cette grille.",
    )  # fmt: skip
    setup = c2.number_input(
        "Mise en place avant et après chaque garde (min)", 0, 240, rules.setup_minutes, step=5,
        help="Les gardes commencent avant le départ (ou la séance) et finissent après le retour de ce temps, "
        "arrondies à la grille.",
    )  # fmt: skip

    st.subheader("Unités")
    unit_inputs = {}
    for unit in instance.units:
        with st.expander(f"{unit.name} ({unit.id})", expanded=len(instance.units) == 1):
            c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
            days = c1.multiselect(
                "Jours de travail", list(range(7)), default=sorted(unit.days), format_func=WEEKDAYS_FR.__getitem__,
                key=f"days-{unit.id}", placeholder="Choisissez des jours…",
            )  # fmt: skip
            begin = c2.time_input("Début", _clock(unit.hours.start), step=900, key=f"begin-{unit.id}")
            end = c3.time_input("Fin", _clock(unit.hours.end), step=900, key=f"end-{unit.id}")
            per_day = c4.number_input("Séances / jour", 1, 4, unit.sessions_per_day, key=f"per-day-{unit.id}")
            c1, c2, c3 = st.columns([2, 1, 1])
            has_lunch = c1.toggle("Pause déjeuner", unit.lunch is not None, key=f"lunch-{unit.id}")
            lunch = unit.lunch or TimeWindow(12 * 60 + 30, 13 * 60 + 30)
            lunch_begin = c2.time_input("Pause : début", _clock(lunch.start), step=900, key=f"lb-{unit.id}")
            lunch_end = c3.time_input("Pause : fin", _clock(lunch.end), step=900, key=f"le-{unit.id}")
            unit_inputs[unit.id] = (days, begin, end, per_day, has_lunch, lunch_begin, lunch_end)

    st.subheader("Objectifs de visite")
    st.caption(
        "Visites par semaine : 1 = chaque semaine, 0,5 = tous les quinze jours, 0,25 = une fois par mois, "
        "0 = jamais (la commune n'est pas visitée, par choix)."
    )
    targets_offered = sorted({*TARGETS, *(c.visits_per_week for c in instance.communes)})
    by_label = {target_label(v): v for v in targets_offered}
    targets = pd.DataFrame(
        {
            "insee": [c.insee for c in instance.communes],
            "commune": [c.name for c in instance.communes],
            "besoin": [round(c.need) for c in instance.communes],
            "besoin estimé": [c.need_is_proxy for c in instance.communes],
            "zone prioritaire": [c.priority for c in instance.communes],
            "visites / semaine": [target_label(c.visits_per_week) for c in instance.communes],
        }
    )
    edited_targets = st.data_editor(
        targets,
        hide_index=True,
        disabled=["insee", "commune", "besoin", "besoin estimé", "zone prioritaire"],
        column_config={"visites / semaine": st.column_config.SelectboxColumn(options=list(by_label), required=True)},
        key="targets",
        width="stretch",
    )

    st.subheader("Poids des objectifs")
    weight_cols = st.columns(3)
    weights = {
        name: weight_cols[i % 3].number_input(label, 0, 1000, getattr(rules.weights, name), key=f"w-{name}")
        for i, (name, label) in enumerate(WEIGHT_LABELS.items())
    }

    st.subheader("Calcul")
    c1, c2, c3 = st.columns([2, 1, 1])
    roads = c1.radio(
        "Temps de trajet",
        list(ROADS),
        index=list(ROADS).index(options.roads) if options.roads in ROADS else 0,
        format_func=ROADS.get,
    )
    time_limit = c2.number_input(
        "Temps de calcul max. (s)",
        0.0,
        600.0,
        float(options.time_limit or 0),
        step=1.0,
        help=(
            "Budget du motif hebdomadaire ; 0 : selon la taille du territoire (2 à 32 s). Au-delà, le plan est "
            "aussi calculé avec la moitié du budget et le meilleur est gardé : plus long, jamais moins bon."
        ),
    )
    seed = c3.number_input("Graine aléatoire", 0, 10**6, int(options.seed))
    method = c1.radio("Méthode", list(METHODS), index=list(METHODS).index(options.method), format_func=METHODS.get)
    submitted = st.form_submit_button("Appliquer", type="primary")

if submitted:
    problems: list[str] = []
    units = []
    for unit in instance.units:
        days, begin, end, per_day, has_lunch, lunch_begin, lunch_end = unit_inputs[unit.id]
        if not days:
            problems.append(f"{unit.name} : choisissez au moins un jour de travail.")
        if _minutes(begin) >= _minutes(end):
            problems.append(f"{unit.name} : l'heure de début doit précéder l'heure de fin.")
            continue
        lunch_window = None
        if has_lunch:
            if not (_minutes(begin) <= _minutes(lunch_begin) < _minutes(lunch_end) <= _minutes(end)):
                problems.append(f"{unit.name} : la pause doit commencer avant de finir, pendant les heures de travail.")
                continue
            lunch_window = TimeWindow(_minutes(lunch_begin), _minutes(lunch_end))
        units.append(
            dataclasses.replace(
                unit, days=frozenset(days), hours=TimeWindow(_minutes(begin), _minutes(end)),
                lunch=lunch_window, sessions_per_day=int(per_day),
            )
        )  # fmt: skip
    new_targets = {
        insee: by_label.get(label) for insee, label in zip(edited_targets["insee"], edited_targets["visites / semaine"])
    }
    communes = []
    for commune in instance.communes:
        target = new_targets.get(commune.insee)
        if target is None or pd.isna(target):
            problems.append(f"{commune.name} : choisissez un objectif de visites (0 pour ne jamais venir).")
            continue
        if float(target) != commune.visits_per_week:
            commune = dataclasses.replace(commune, visits_per_week=float(target), frequency_from_need=False)
        communes.append(commune)
    lengths = {int(session_minutes)} | {u.session_minutes for u in units if u.session_minutes}
    problems += [
        f"Une séance de {length} min ne finit pas sur la grille de {time_step} min : choisissez une durée "
        f"multiple de {time_step} min, ou une autre grille."
        for length in sorted(lengths)
        if length % time_step
    ]  # fmt: skip
    if problems:
        for problem in problems:
            st.error(problem)
        st.stop()
    new_rules = dataclasses.replace(
        rules, start=start, weeks=int(weeks), session_minutes=int(session_minutes), min_gap_days=int(min_gap),
        max_drive_between_sessions=int(max_drive), public_holidays=holidays, time_step=int(time_step),
        setup_minutes=int(setup), weights=Weights(**{k: int(v) for k, v in weights.items()}),
    )  # fmt: skip
    edited = instance.replace(rules=new_rules, units=tuple(units), communes=tuple(communes))
    session.set_settings(
        Settings.between(session.files_instance(), edited),
        dataclasses.replace(options, roads=roads, time_limit=float(time_limit) or None, seed=int(seed), method=method),
    )
    # Drawn again from the saved values: a widget whose default changed gets a new identity, and the
    # next edit of the old one would be lost.
    st.session_state["settings_saved"] = True
    st.rerun()
