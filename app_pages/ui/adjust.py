"""The coordinator's manual adjustments on "Planifier": move a session or swap two, pin a commune to
a weekday, forbid a commune on a weekday, and the recorded moves re-applied to a new plan.

A move is picked among the moves the rules accept for the session (`planner.planning.move_options`:
each one tried with `move_session`), then made by `planner.planning.move_session` (both days
re-timed, crews kept where they can be, the validator run): a refusal (rare: the crews found may
differ) is shown with its rule in French, a success with what changed and who to tell
(`planner.notices`), and the move is kept with the working copy's inputs (re-applied after the next
"Planifier"). For a swap (`planner.planning.SessionMove.swap`), the sessions the rules accept to
swap with are marked (`planner.planning.swap_options`); the one picked is tried at once and the
rules' answer shown (a refusal names the rule in French); once made, it is kept and re-applied like
a move. Pins and banned days are settings over the files (`planner.publish.Settings`): changing
them asks for a new plan, which honours them.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import streamlit as st

from app_pages.ui import plan_cache, session
from app_pages.ui.streamlit_fr import CHOOSE
from app_pages.ui.to_tell import show_notices
from planner import notices
from planner.domain import WEEKDAYS_FR, BannedDay, Instance, MoveRefused, Pin, Plan, UnitKind, date_fr, hhmm
from planner.planning import (
    MoveOption,
    MoveResult,
    SessionMove,
    move_options,
    move_session,
    reapply_moves,
    swap_options,
)
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
    """ "Déplacer ou échanger une séance": the session, then only the days, units and starts the rules accept for
    it (`planner.planning.move_options`), or another session to swap it with, the rules' answer shown
    before it is made; after a move or a swap, what changed and who to tell."""
    _show_done(instance)
    sessions = {
        _key((t.unit_id, t.date, s.insee)): (t, s)
        for t, s in plan.sessions()
        if instance.unit(t.unit_id).kind is not UnitKind.FIXED
    }

    def label(key: str) -> str:
        tour, s = sessions[key]
        unit_name, commune_name = instance.unit(tour.unit_id).name, instance.commune(s.insee).name
        return f"{date_fr(tour.date)} — {unit_name} — {commune_name} ({hhmm(s.start)})"

    st.markdown("**Déplacer ou échanger une séance**")
    c1, c2 = st.columns([3, 1])
    chosen = c1.selectbox("Séance", list(sessions), format_func=label, index=None, placeholder=CHOOSE)
    today = c2.date_input("Aujourd'hui (rien avant ne change)", value=date.today(), format="DD/MM/YYYY")
    if chosen is None:
        st.caption(
            "Choisissez une séance : les jours, unités et heures que les règles acceptent sont alors proposés, "
            "ou l'échange avec une autre séance."
        )
        return
    tour, s = sessions[chosen]
    first = (tour.unit_id, tour.date, s.insee)
    _move_picker(instance, plan, first, today)
    fits = {_key(o.move.sessions[1]) for o in _options(instance, plan, first, today, swaps=True)}
    others = [k for k in sessions if k != chosen]
    other = st.selectbox(
        "Ou l'échanger avec la séance", others, format_func=lambda k: f"✓ {label(k)}" if k in fits else label(k),
        index=None, placeholder=CHOOSE, key="swap-with",
    )  # fmt: skip
    st.caption(
        f"✓ : {len(fits)} échange(s) que les règles acceptent. Une autre séance choisie, la règle qui refuse "
        "l'échange est dite."
    )
    if other is not None:
        second, held = sessions[other]
        _swap_picker(instance, plan, SessionMove.swap(first, (second.unit_id, second.date, held.insee)), today)


def _key(session: tuple[str, date, str]) -> str:
    """A session's key in the app's lists: « unit|AAAA-MM-JJ|INSEE »."""
    unit_id, day, insee = session
    return f"{unit_id}|{day.isoformat()}|{insee}"


def _move_picker(instance: Instance, plan: Plan, chosen: tuple[str, date, str], today: date) -> None:
    """The places the rules accept for ``chosen``; the one picked is made (`_accept`)."""
    options = _options(instance, plan, chosen, today)
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
    try:
        with st.spinner("Déplacement et vérification du plan…"):
            result = _made(instance, plan, move, today)
    except MoveRefused as refusal:
        st.error(f"{refusal}\n\nDéplacement demandé : {move.text(instance)}")  # which one, after several tries
        return
    _accept(instance, plan, move, today, result)


def _swap_picker(instance: Instance, plan: Plan, swap: SessionMove, today: date) -> None:
    """Whether the rules accept ``swap`` (tried as soon as both sessions are chosen: a refusal in French,
    with the rule's French name, or what would change), and the button that makes it."""
    cached = st.session_state.get("swap_check")
    if cached is None or cached[0] is not plan or cached[1] != (swap, today):
        try:
            with st.spinner("Vérification de l'échange…"):
                found: MoveResult | MoveRefused = _made(instance, plan, swap, today)
        except MoveRefused as refusal:
            found = refusal
        cached = (plan, (swap, today), found)
        st.session_state["swap_check"] = cached
    result = cached[2]
    if isinstance(result, MoveRefused):
        st.error(f"{result}\n\nÉchange demandé : {swap.text(instance)}")
        return
    st.success(f"Les règles acceptent cet échange ({result.shifts_changed} garde(s) à changer).")
    st.dataframe({"changement": list(result.diff)}, hide_index=True, width="stretch")
    if st.button("Échanger ces deux séances"):
        _accept(instance, plan, swap, today, result)


def _made(instance: Instance, plan: Plan, move: SessionMove, today: date) -> MoveResult:
    """``move`` (or a swap) made on ``plan`` with the working copy's options; `MoveRefused` when the
    rules refuse it."""
    run = session.options()
    return move_session(
        instance, plan, move, today=today, travel=plan_cache.travel(instance, run),
        time_limit=run.rota_time_limit, seed=run.seed,
    )  # fmt: skip


def _accept(instance: Instance, plan: Plan, move: SessionMove, today: date, result: MoveResult) -> None:
    """A move or swap accepted: kept with the working copy (re-applied after the next "Planifier"), and
    what changed and who to tell shown after the rerun (`_show_done`)."""
    session.accept_move(move, today, result.plan)
    what = "Séances échangées" if move.swap_with else "Séance déplacée"
    st.session_state["move_done"] = (what, move.text(instance), result, plan)
    st.session_state.pop("swap_check", None)
    st.rerun()


def _show_done(instance: Instance) -> None:
    """After an accepted move or swap: what changed, then the people and communes to tell, each with
    a ready-to-send message (`planner.notices`)."""
    done = st.session_state.pop("move_done", None)
    if done is None:
        return
    what, asked, result, before = done
    st.success(
        f"{what} ({asked}) : plan re-vérifié, {result.shifts_changed} garde(s) à changer ; il est présenté à côté "
        "du plan actuel, à accepter pour le garder. Qui prévenir une fois accepté :"
    )
    st.dataframe({"changement": list(result.diff)}, hide_index=True, width="stretch")
    show_notices(notices(instance, before, result.plan))


def _options(
    instance: Instance, plan: Plan, chosen: tuple[str, date, str], today: date, swaps: bool = False
) -> list[MoveOption]:
    """The moves (``swaps``: the swaps) the rules accept for ``chosen``, computed once per plan,
    session and ``today``."""
    key = "swap_options" if swaps else "move_options"
    cached = st.session_state.get(key)
    if cached is not None and cached[0] is plan and cached[1] == (chosen, today):
        return cached[2]
    run = session.options()
    finder = swap_options if swaps else move_options
    with st.spinner(
        "Recherche des échanges possibles…" if swaps else "Recherche des jours, unités et heures possibles…"
    ):
        options = finder(
            instance, plan, chosen, today=today, travel=plan_cache.travel(instance, run),
            time_limit=run.rota_time_limit, seed=run.seed,
        )  # fmt: skip
    st.session_state[key] = (plan, (chosen, today), options)
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
