"""Page "Médecin" (staff password): pick your name, see your shifts, download your calendar feed."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app_pages import files
from planner.domain.french import date_fr, hhmm

st.title("Mon planning")

territory, instance, plan = files.choose_public_plan()

people = sorted(instance.staff, key=lambda p: p.name)
staff_id = st.selectbox(
    "Votre nom",
    [p.id for p in people],
    index=None,
    placeholder="Choisissez votre nom…",
    format_func=lambda sid: instance.person(sid).name,
)
if staff_id is None:
    st.info("Choisissez votre nom pour voir vos gardes.")
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

feeds = files.publication(instance, plan, territory)
feed = feeds.staff_feed(staff_id)
if feed is not None:
    st.download_button(
        "Télécharger mon calendrier (.ics)", feed.read_bytes(), file_name=feed.name, mime="text/calendar", icon=":material/calendar_add_on:"
    )
    url = feeds.url(feed)
    if url:
        st.write("Adresse d'abonnement (à ajouter dans votre agenda, elle se met à jour toute seule) :")
        st.code(url, language=None)
    else:
        st.caption(
            "Pour s'abonner plutôt que télécharger, la coordination peut indiquer l'adresse web du dossier de "
            "publication (variable `TOURNEE_PUBLIC_URL`)."
        )
