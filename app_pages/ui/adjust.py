"""The coordinator's manual adjustments on "Planifier": move a session, pin a commune to a weekday,
forbid a commune on a weekday, and the recorded moves re-applied to a new plan.

A move is picked among the moves the rules accept for the session (`planner.planning.move_options`:
each one tried with `move_session`), then made by `planner.planning.move_session` (both days
re-timed, crews kept where they can be, the validator run): a refusal (rare: the crews found may
differ) is shown with its rule in French, a success with what changed, and the
move is kept with the working copy's inputs (re-applied after the next "Planifier"). Pins and banned
days are settings over the files (`planner.publish.Settings`): changing them asks for a
new plan, which honours them.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import streamlit as st

from app_pages.ui import plan_cache, session
from app_pages.ui.streamlit_fr import CHOOSE
from planner.domain import WEEKDAYS_FR, BannedDay, Instance, MoveRefused, Pin, Plan, UnitKind, date_fr, hhmm
from planner.planning import MoveOption, move_options, move_session, reapply_moves
from planner.publish import Settings

ANY_UNIT = ""


def with_moves(instance: Instance, plan: Plan) -> Plan:
    """A new plan with the working copy's recorded moves re-applied (one that no longer applies is
    in the plan's warnings)."""
    moves = session.work().inputs.moves
    if not moves:
        return plan
    options = session.options()
    again, _kept = reapply_moves(
        instance, plan, [(m.move, m.today) for m in moves], travel=plan_cache.travel(instance, options),
        time_limit=options.rota_time_limit,
    )  # fmt: skip
    return again


def move_form(instance: Instance, plan: Plan) -> None:
    """ "Déplacer une séance": the session, then only the days, units and starts the rules accept for
    it (`planner.planning.move_options`); after a move, what changed."""
    done = st.session_state.pop("move_done", None)
    if done is not None:
        changes, shifts_changed, asked = done
        st.success(f"Séance déplacée ({asked}) ; plan re-vérifié, {shifts_changed} garde(s) changée(s).")
        st.dataframe({"changement": list(changes)}, hide_index=True, width="stretch")
    sessions = {
        f"{t.unit_id}|{t.date.isoformat()}|{s.insee}": (t, s)
        for t, s in plan.sessions()
        if instance.unit(t.unit_id).kind is not UnitKind.FIXED
    }

    def label(key: str) -> str:
        tour, s = sessions[key]
        unit_name, commune_name = instance.unit(tour.unit_id).name, instance.commune(s.insee).name
        return f"{date_fr(tour.date)} — {unit_name} — {commune_name} ({hhmm(s.start)})"

    st.markdown("**Déplacer une séance**")
    c1, c2 = st.columns([3, 1])
    chosen = c1.selectbox("Séance", list(sessions), format_func=label, index=None, placeholder=CHOOSE)
    today = c2.date_input("Aujourd'hui (rien avant ne change)", value=date.today(), format="DD/MM/YYYY")
    if chosen is None:
        st.caption("Choisissez une séance : les jours, unités et heures que les règles acceptent sont alors proposés.")
        return
    tour, s = sessions[chosen]
    options = _move_options(instance, plan, (tour.unit_id, tour.date, s.insee), today)
    if not options:
        st.info(
            "Aucun déplacement possible pour cette séance : les règles refusent tous les autres jours, unités "
            "et heures (passés, jours de l'unité, écart entre deux passages, heures de service…)."
        )
        return
    with st.form("move-session"):
        picked = st.selectbox(
            f"Nouvelle place ({len(options)} possible(s), selon les règles)", range(len(options)),
            format_func=lambda i: options[i].text(instance), index=None, placeholder=CHOOSE,
        )  # fmt: skip
        submitted = st.form_submit_button("Déplacer")
    if not submitted:
        return
    if picked is None:
        st.error("Choisissez la nouvelle place de la séance.")
        return
    move = options[picked].move
    run = session.options()
    try:
        with st.spinner("Déplacement et vérification du plan…"):
            result = move_session(
                instance, plan, move, today=today, travel=plan_cache.travel(instance, run),
                time_limit=run.rota_time_limit, seed=run.seed,
            )  # fmt: skip
    except MoveRefused as refusal:
        st.error(f"{refusal}\n\nDéplacement demandé : {move.text(instance)}")  # which one, after several tries
        return
    session.accept_move(move, today, result.plan)
    st.session_state["move_done"] = (result.diff, result.shifts_changed, move.text(instance))
    st.rerun()


def _move_options(instance: Instance, plan: Plan, chosen: tuple[str, date, str], today: date) -> list[MoveOption]:
    """The moves the rules accept for ``chosen``, computed once per plan, session and ``today``."""
    cached = st.session_state.get("move_options")
    if cached is not None and cached[0] is plan and cached[1] == (chosen, today):
        return cached[2]
    run = session.options()
    with st.spinner("Recherche des jours, unités et heures possibles…"):
        options = move_options(
            instance, plan, chosen, today=today, travel=plan_cache.travel(instance, run),
            time_limit=run.rota_time_limit, seed=run.seed,
        )  # fmt: skip
    st.session_state["move_options"] = (plan, (chosen, today), options)
    return options


def pins_editor() -> None:
    """Pins and banned days over the files' (the files' own are listed too, and can be removed here)."""
    if st.session_state.pop("pins_saved", False):
        st.success("Épingles et jours interdits enregistrés : cliquez « Planifier » pour un plan qui les respecte.")
    base = session.base_instance()
    rules = base.rules
    names = {c.insee: c.name for c in base.communes}
    communes = sorted(names, key=names.__getitem__)
    with st.expander(f"Épingles et jours interdits ({len(rules.pins)} + {len(rules.banned_days)})"):
        for i, pin in enumerate(rules.pins):
            left, right = st.columns([4, 1])
            left.write(f"- {base.pin_text(pin)}")
            if right.button("Retirer", key=f"unpin-{i}"):
                _save(base, pins=rules.pins[:i] + rules.pins[i + 1 :])
        for i, ban in enumerate(rules.banned_days):
            left, right = st.columns([4, 1])
            left.write(f"- {names[ban.insee]} interdite le {WEEKDAYS_FR[ban.weekday]}")
            if right.button("Retirer", key=f"unban-{i}"):
                _save(base, banned_days=rules.banned_days[:i] + rules.banned_days[i + 1 :])
        with st.form("pin"):
            st.markdown("**Épingler une commune à un jour**")
            c1, c2, c3 = st.columns(3)
            insee = c1.selectbox(
                "Commune", communes, format_func=names.__getitem__, index=None, placeholder=CHOOSE, key="pin-commune"
            )
            weekday = c2.selectbox("Jour", range(7), format_func=WEEKDAYS_FR.__getitem__, key="pin-day")
            unit = c3.selectbox(
                "Unité", [ANY_UNIT, *(u.id for u in base.units)],
                format_func=lambda u: "toute unité" if u == ANY_UNIT else base.unit(u).name,
            )  # fmt: skip
            if st.form_submit_button("Épingler") and insee is not None:
                others = tuple(p for p in rules.pins if p.insee != insee)
                _save(base, pins=(*others, Pin(insee, weekday, unit)))
        with st.form("ban"):
            st.markdown("**Interdire un jour**")
            c1, c2 = st.columns(2)
            insee = c1.selectbox(
                "Commune", communes, format_func=names.__getitem__, index=None, placeholder=CHOOSE, key="ban-commune"
            )
            weekday = c2.selectbox("Jour", range(7), format_func=WEEKDAYS_FR.__getitem__, key="ban-day")
            if st.form_submit_button("Interdire") and insee is not None:
                ban = BannedDay(insee, weekday)
                _save(base, banned_days=tuple(b for b in rules.banned_days if b != ban) + (ban,))


def _save(base: Instance, **rules_changes: Any) -> None:
    """New pins or banned days as settings; the plan made without them goes (plan again to apply them)."""
    edited = base.replace(rules=dataclasses.replace(base.rules, **rules_changes))
    session.set_settings(Settings.between(session.files_instance(), edited), session.options())
    st.session_state["pins_saved"] = True
    st.rerun()
