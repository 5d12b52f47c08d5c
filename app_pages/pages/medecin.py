"""Page "Médecin": one person's shifts in the published plan, opened with their personal link
(``?jeton=…``), with the address to subscribe to their calendar. Nobody sees a colleague's shifts;
the coordinator sees anyone's, hands out each personal link and can revoke it."""

from __future__ import annotations

import re
from datetime import date

import streamlit as st

from app_pages.ui import access, files, views
from app_pages.ui.streamlit_fr import CHOOSE
from planner.domain import TourneeError, date_fr, hhmm, setup_fr
from planner.publish import forget_person, person_list
from planner.results import person_week, week_of

TOKEN_PARAM = "jeton"

st.title("Mon planning")


def _token_from(text: str) -> str:
    """The token of a pasted personal link (``…/medecin?jeton=XYZ``) or of the bare code."""
    match = re.search(rf"[?&]{TOKEN_PARAM}=([A-Za-z0-9_-]+)", text)
    return match[1] if match else text.strip()


def _personal_link(token: str) -> str:
    """The address of this page that opens one person's shifts."""
    page = st.context.url or ""
    base = re.sub(r"/medecin/?$", "", page.rstrip("/"))
    return f"{base}/medecin?{TOKEN_PARAM}={token}" if base else f"medecin?{TOKEN_PARAM}={token}"


if access.is_coordinator():
    if forgotten := st.session_state.pop("forget_report", None):
        st.success(forgotten)
    current = files.choose_published()
    people = sorted(current.instance.staff, key=lambda p: p.name)
    staff_id = st.selectbox(
        "Personne", [p.id for p in people], index=None, placeholder="Choisissez une personne…",
        format_func=lambda sid: current.instance.person(sid).name,
    )  # fmt: skip
    if staff_id is None:
        st.info("Vous êtes la coordination : choisissez une personne pour voir ses gardes et son lien personnel.")
        st.stop()
    subject = f"staff:{staff_id}"
    plans = files.store(current.territory)
    token = plans.ensure_tokens([subject])[subject]
    with st.expander("Lien personnel (à transmettre à cette personne seulement)", expanded=True):
        st.code(_personal_link(token), language=None)
        if st.button("Révoquer ce lien et en créer un nouveau"):
            plans.revoke(subject)
            # republished, so that the old private folder goes
            files.publish_version(current.territory, current.version, published_by=access.coordinator())
            st.success("Lien révoqué : l'ancien ne mène plus à rien. Transmettez le nouveau.")
            st.rerun()
    with st.expander("Retirer une personne (RGPD)"):
        st.caption(
            "Pour une personne partie qui demande l'effacement de ses données : son nom et ses coordonnées sont "
            "remplacés par un pseudonyme dans toutes les versions enregistrées et leurs sauvegardes, son lien "
            "personnel et son dossier privé sont supprimés. Les fichiers publics (sans aucun nom) ne changent "
            "pas. C'est définitif."
        )
        name = current.instance.person(staff_id).name
        confirmed = st.checkbox(f"Je confirme : retirer {name} de toutes les versions enregistrées")
        if st.button("Retirer cette personne", disabled=not confirmed):
            try:
                report = forget_person(files.workspace(current.territory), staff_id)
            except TourneeError as exc:
                st.error(files.without_server_paths(str(exc)))
            else:
                st.session_state["forget_report"] = report.text()
                st.rerun()
else:
    given = st.query_params.get(TOKEN_PARAM)
    if not given:
        st.info(
            "Ce planning est personnel : ouvrez le lien que la coordination vous a transmis, ou collez-le "
            "ci-dessous. Chacun ne voit que ses propres gardes."
        )
        with st.form("jeton"):
            pasted = st.text_input("Votre lien ou code personnel")
            submitted = st.form_submit_button("Voir mes gardes")
        if not submitted or not pasted.strip():
            st.stop()
        given = _token_from(pasted)
        st.query_params[TOKEN_PARAM] = given
    found = files.person_of_token(given)
    if found is None:
        st.error("Ce lien personnel n'est pas (ou plus) valable : demandez-en un nouveau à la coordination.")
        st.stop()
    current, staff_id = found
    st.caption(f"{current.title} — planning publié (version {current.version}).")

instance, plan = current.instance, current.plan
if staff_id not in {p.id for p in instance.staff}:
    st.warning("Vous ne figurez pas dans l'équipe du planning publié.")
    st.stop()
person = instance.person(staff_id)
tours = {t.key: t for t in plan.tours}
mine = sorted((s for s in plan.shifts if s.staff_id == staff_id), key=lambda s: (s.date, s.start))
upcoming = [s for s in mine if s.date >= date.today()]
st.subheader(f"Gardes de {person.name}")
st.write(
    f"{len(mine)} garde(s) sur l'horizon, dont {len(upcoming)} à venir. "
    f"Rôle(s) : {', '.join(r.label_fr for r in sorted(person.roles))}."
)
if not mine:
    st.info("Aucune garde ne vous est attribuée dans ce planning.")
else:
    st.markdown("**Semaine par semaine**")
    first_week = week_of(plan, upcoming[0].date if upcoming else date.today())
    week = st.selectbox(
        "Semaine", range(plan.weeks), index=first_week,
        format_func=lambda w: f"semaine {w + 1} (du {date_fr(views.week_start(plan, w))})"
        + ("" if any(week_of(plan, s.date) == w for s in mine) else " — aucune garde"),
        placeholder=CHOOSE,
    )  # fmt: skip
    views.show_week_grid(person_week(instance, plan, staff_id, week))
    st.markdown("**Toutes les gardes**")
    rows = []
    for shift in mine:
        tour = tours.get(shift.tour_key)
        places = [instance.commune(s.insee).name for s in tour.sessions] if tour else []
        rows.append(
            {
                "Date": date_fr(shift.date),
                "Horaire": f"{hhmm(shift.start)} – {hhmm(shift.end)}",
                "Unité": instance.unit(shift.unit_id).name,
                "Rôle": shift.role.label_fr + (" (à distance)" if shift.remote else ""),
                "Communes": ", ".join(places),
            }
        )
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption(f"Horaires de service {setup_fr(instance.rules.setup_minutes)}.")

feed_path = files.personal_feed(current.territory, staff_id)
subscribe = current.subscription(feed_path)
if subscribe:
    st.markdown(f"[S'abonner à mon calendrier]({subscribe}) — vos gardes s'y mettent à jour toutes seules.")
    st.caption(f"Adresse d'abonnement, personnelle (ne la partagez pas) : {current.url(feed_path)}")
elif access.is_coordinator():  # how to configure it is for the coordinator only
    st.caption(
        "Pour s'abonner plutôt que télécharger, la coordination peut mettre le dossier de publication en ligne "
        "et indiquer son adresse (variable `TOURNEE_PUBLIC_URL`)."
    )
left, right = st.columns(2)
feed = current.file(feed_path)
if feed is not None:
    left.download_button(
        "Télécharger mon calendrier (.ics)", feed.read_bytes(), file_name="mon-planning.ics", mime="text/calendar",
        icon=":material/calendar_add_on:",
    )  # fmt: skip
right.download_button(
    "Imprimer mon planning (page HTML)", person_list(instance, plan, staff_id).encode("utf-8"),
    file_name="mon-planning.html", mime="text/html", icon=":material/print:",
)  # fmt: skip
