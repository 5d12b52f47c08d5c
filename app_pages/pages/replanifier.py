"""Page "Re-planifier": someone is unavailable, a unit is out of service, a commune is closed.

The change is applied to the published version (rebuilt from its stored inputs, whatever the working
copy is now) or to the plan on screen with `planner.replan`, which keeps everything else;
the coordinator reads what changed, and whom to tell (a ready-to-send message per person and per
town hall, `planner.notices`), sees the new plan beside the current one (key figures, changed
sessions in the week grid), and accepts it or discards it. Accepted changes become part of the working
copy's inputs, so that no later plan brings back what they forbid; changes being prepared are kept
with the working copy across page reloads. Re-planning a saved version never drops silently what the
working copy holds and the version has not (settings, files, moves: `planner.publish.unpublished`):
the page says what, and keeps it unless the coordinator chooses otherwise.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages.ui import compare, files, plan_cache, session
from app_pages.ui.streamlit_fr import CHOOSE
from app_pages.ui.to_tell import show_notices
from planner import notices, replan
from planner.domain import Instance, Plan, TourneeError, date_fr
from planner.planning import (
    CarryOverRefused,
    CommuneClosed,
    StaffUnavailable,
    UnitOutOfService,
    changes_since,
)
from planner.publish import PlanInputs, keep_unpublished, unpublished

KINDS = {
    "staff": "Une personne est indisponible",
    "unit": "Une unité est hors service",
    "commune": "Une commune ne peut pas accueillir",
}

st.title("Re-planifier")
compare.undo_button()
territory = session.territory()
bases: dict[str, tuple[PlanInputs, Instance, Plan]] = {}
versions: dict[str, int] = {}  # the bases that are saved versions, by label
store = None
try:
    store = files.store(territory)
    version = store.published_version()
    if version is not None:
        if store.inputs(version) is None:
            st.warning(
                f"La version publiée ({version}) a été enregistrée sans ses données d'entrée : partez du plan affiché."
            )
        else:
            label = f"Version publiée ({version})"
            bases[label] = store.rebuild(version)
            versions[label] = version
    older = [h.version for h in store.history() if h.version != version]
except TourneeError as exc:
    st.warning(str(exc))
    older = []
if (shown := session.plan()) is not None:
    bases["Plan affiché (page « Planifier »)"] = (session.work().inputs, session.instance(), shown)
OTHER = "Une autre version enregistrée"
choices = [*bases, *([OTHER] if older else [])]
if not choices:
    st.info("Rien à re-planifier : calculez un plan (page « Planifier ») ou publiez-en un d'abord.")
    st.stop()
base_label = st.radio("Partir de", choices, horizontal=True)
if base_label == OTHER:
    assert store is not None
    number = st.selectbox("Version enregistrée", older, index=len(older) - 1, placeholder=CHOOSE)
    if number is None or store.inputs(number) is None:
        st.warning("Cette version a été enregistrée sans ses données d'entrée : choisissez-en une autre.")
        st.stop()
    base_label = f"Version {number}"
    bases[base_label] = store.rebuild(number)
    versions[base_label] = number
inputs, instance, base = bases[base_label]
# A version older than the newest: what the newer versions accepted is carried over, so that this
# re-plan never undoes it.
carried = changes_since(store, versions[base_label]) if store is not None and base_label in versions else None
if carried:
    st.info(
        "Des versions plus récentes ont accepté des changements : ils seront repris dans ce re-plan.\n\n"
        + "\n".join(f"- {text}" for text in carried.texts(instance))
    )
changes = list(session.pending())


def describe(change: object) -> str:
    """A change in French, for the list on screen."""
    if isinstance(change, StaffUnavailable):
        return (
            f"{instance.person(change.staff_id).name} indisponible du {date_fr(change.first)} au {date_fr(change.last)}"
        )
    if isinstance(change, UnitOutOfService):
        return f"{instance.unit(change.unit_id).name} hors service du {date_fr(change.first)} au {date_fr(change.last)}"
    assert isinstance(change, CommuneClosed)
    days = ", ".join(date_fr(d) for d in sorted(change.dates))
    return f"{instance.commune(change.insee).name} fermée le(s) {days}"


st.subheader("Ce qui change")
kind = st.selectbox("Type de changement", list(KINDS), format_func=KINDS.__getitem__, placeholder=CHOOSE)
with st.form("change", clear_on_submit=False):
    if kind == "staff":
        people = sorted(instance.staff, key=lambda p: p.name)
        who = st.selectbox(
            "Personne", [p.id for p in people], format_func=lambda sid: instance.person(sid).name, placeholder=CHOOSE
        )
    elif kind == "unit":
        who = st.selectbox(
            "Unité", [u.id for u in instance.units], format_func=lambda uid: instance.unit(uid).name, placeholder=CHOOSE
        )
    else:
        visited = sorted({s.insee for _, s in base.sessions()}, key=lambda code: instance.commune(code).name)
        who = st.selectbox("Commune", visited, format_func=lambda code: instance.commune(code).name, placeholder=CHOOSE)
    span = st.date_input(
        "Période (du … au …)", value=(base.start, base.start), min_value=base.start,
        max_value=instance.rules.end, format="DD/MM/YYYY",
    )  # fmt: skip
    added = st.form_submit_button("Ajouter ce changement")
if added:
    period = span if isinstance(span, tuple) else (span,)  # (first,) while only the first day is picked
    if who is None:
        st.error("Choisissez qui ou quoi est concerné.")
    elif not period:
        st.error("Choisissez la période.")
    else:
        first, last = period[0], period[-1]
        if kind == "staff":
            changes.append(StaffUnavailable(who, first, last))
        elif kind == "unit":
            changes.append(UnitOutOfService(who, first, last))
        else:
            changes.append(CommuneClosed(who, frozenset(d for d in instance.rules.dates() if first <= d <= last)))
        session.set_pending(tuple(changes))
        st.session_state.pop("replan_result", None)

if not changes:
    st.info("Ajoutez un ou plusieurs changements, puis cliquez « Re-planifier ».")
    st.stop()
for change in changes:
    st.write(f"- {describe(change)}")
c1, c2, c3 = st.columns([1, 1, 2])
if c2.button("Effacer les changements"):
    session.set_pending(())
    st.session_state.pop("replan_result", None)
    st.rerun()
today = c3.date_input("Aujourd'hui (rien avant cette date ne change)", value=date.today(), format="DD/MM/YYYY")
if c1.button("Re-planifier", type="primary"):
    options = inputs.options
    st.session_state.pop("replan_result", None)
    try:
        with st.spinner("Re-planification…"):
            result = replan(
                instance, base, changes, today=today, time_limit=options.time_limit,
                travel=plan_cache.travel(instance, options), seed=options.seed, carried=carried,
            )  # fmt: skip
    except CarryOverRefused as refusal:
        st.error(str(refusal))
        st.stop()
    st.session_state["replan_result"] = (base_label, result, tuple(changes), today, carried)

stored = st.session_state.get("replan_result")
if stored is None or stored[0] != base_label:
    st.stop()
_, result, applied, applied_today, applied_carried = stored
st.subheader("Différences avec le plan de départ")
for line in result.carried:
    st.info(line)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Tournées supprimées", result.tours_removed)
m2.metric("Séances supprimées", result.sessions_removed)
m3.metric("Gardes réaffectées", result.shifts_changed)
m4.metric("Gardes annulées", result.shifts_cancelled)
if result.diff:
    st.dataframe({"changement": list(result.diff)}, hide_index=True, width="stretch")
else:
    st.success("Aucune séance ni garde ne change : les changements sont absorbés par le plan.")
for text in result.rota.explanations:
    st.warning(text)
show_notices(notices(instance, base, result.plan), when=", une fois le nouveau plan accepté")
current = session.plan()
st.subheader(f"Le nouveau plan à côté du plan {'actuel' if current is not None else 'de départ'}")
compare.show(instance, current if current is not None else base, result.plan, key="replan")
accepted = (applied_carried.into(inputs) if applied_carried else inputs).with_changes(list(applied), applied_today)
work_inputs = session.work().inputs
lost = unpublished(work_inputs, accepted) if base_label in versions else []
keep = True
if lost:
    st.warning(
        f"Ce re-plan part de la {base_label.lower()} ; votre copie de travail a, en plus, ce qui n'est pas publié :\n"
        + "\n".join(f"- {item}" for item in lost)
    )
    keep = st.radio(
        "Ce qui n'est pas publié", [True, False], horizontal=False,
        format_func={
            True: "Le garder (conseillé) : le re-plan est accepté, puis vos réglages sont remis ; planifiez ensuite "
            "de nouveau sur la page « Planifier » pour un plan qui les suit",
            False: f"L'abandonner : reprendre ce qu'a la {base_label.lower()}",
        }.__getitem__,
    )  # fmt: skip
accept, discard = st.columns(2)
if discard.button("Écarter ce nouveau plan", icon=":material/close:", width="stretch"):
    st.session_state.pop("replan_result", None)
    st.rerun()
if accept.button("Accepter ce nouveau plan", type="primary", icon=":material/check:", width="stretch"):
    session.accept(accepted, result.plan)
    st.session_state.pop("replan_result", None)
    if lost and keep:
        session.put_back(keep_unpublished(accepted, work_inputs))
        st.success(
            "Nouveau plan accepté, et ce qui n'était pas publié est gardé : planifiez de nouveau sur la page "
            "« Planifier » pour un plan qui le suit. Envoyez les messages « À prévenir » ci-dessus une fois ce "
            "plan publié."
        )
    else:
        st.success(
            "Nouveau plan accepté. Envoyez les messages « À prévenir » ci-dessus, et publiez-le depuis la page "
            "« Publier » pour prévenir habitants et équipes."
        )
