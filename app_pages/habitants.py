"""Page "Habitants" (public): when and where the unit next stops in my commune. Never any staff name."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages import files, views
from planner.domain.french import date_fr, hhmm
from planner.publish.posters import commune_poster

st.title("Quand passe l'unité mobile de santé ?")

territory, instance, plan = files.choose_public_plan()

communes = sorted((c for c in instance.communes if c.visits_per_week > 0), key=lambda c: c.name)
insee = st.selectbox(
    "Votre commune",
    [c.insee for c in communes],
    index=None,
    placeholder="Tapez le nom de votre commune…",
    format_func=lambda code: f"{instance.commune(code).name} ({code})",
)
if insee is None:
    st.info("Choisissez votre commune pour voir les prochains passages.")
    st.stop()

commune = instance.commune(insee)
today = date.today()
visits = [
    (tour, session)
    for tour, session in plan.sessions()
    if session.insee == insee and tour.date >= today
]
st.subheader(f"Prochains passages à {commune.name}")
if not visits:
    st.warning(
        f"Aucun passage n'est prévu à {commune.name} dans le planning actuel. "
        "Renseignez-vous auprès de votre mairie."
    )
    st.stop()

rows = [
    {
        "Date": date_fr(tour.date),
        "Heure": f"{hhmm(session.start)} – {hhmm(session.end)}",
        "Lieu": commune.site.name,
        "Unité": instance.unit(tour.unit_id).name,
    }
    for tour, session in visits[:12]
]
st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")
if len(visits) > 12:
    st.caption(f"… et {len(visits) - 12} autres passages d'ici la fin du planning.")

st_folium(
    views.place_map([(commune.site.lat, commune.site.lon, commune.site.name)]),
    height=280, use_container_width=True, returned_objects=[], key=f"place-{insee}",
)  # fmt: skip

feeds = files.publication(instance, plan, territory)
left, right = st.columns(2)
ics = feeds.commune_feed(insee)
if ics is not None:
    left.download_button(
        "Ajouter à mon agenda (.ics)", ics.read_bytes(), file_name=ics.name, mime="text/calendar", icon=":material/calendar_add_on:"
    )
right.download_button(
    "Affiche pour la mairie (à imprimer)",
    commune_poster(instance, plan, insee, base_url=files.public_folder_url()),
    file_name=f"affiche-{insee}.html", mime="text/html", icon=":material/print:",
)  # fmt: skip
