"""Page "Habitants" (public): when and where the unit next stops in my commune, and which visits are
cancelled. Only what was published, never any staff name."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages.ui import files, maps
from planner.domain import date_fr, hhmm
from planner.publish import commune_feed_name, slug
from planner.results import commune_visits

st.title("Quand passe l'unité mobile de santé ?")

current = files.choose_published()
instance, plan = current.instance, current.plan

visited = {s.insee for _, s in plan.sessions()}
communes = sorted((c for c in instance.communes if c.insee in visited or c.visits_per_week > 0), key=lambda c: c.name)
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
visits = commune_visits(instance, plan, insee, today=date.today(), cancelled=files.cancelled_visits(current.territory))
st.subheader(f"Prochains passages à {commune.name}")
if not visits:
    st.warning(
        f"Aucun passage n'est prévu à {commune.name} dans le planning publié. Renseignez-vous auprès de votre mairie."
    )
    st.stop()


def _state(cancelled: bool, reason: str | None) -> str:
    if not cancelled:
        return "prévu"
    return f"annulé ({reason})" if reason else "annulé"


rows = [
    {
        "Date": date_fr(v.date),
        "Heure": f"{hhmm(v.start)} – {hhmm(v.end)}",
        "Lieu": commune.site.name,
        "Unité": instance.unit(v.unit_id).name if v.unit_id in {u.id for u in instance.units} else v.unit_id,
        "État": _state(v.cancelled, v.reason),
    }
    for v in visits[:12]
]
st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")
if len(visits) > 12:
    st.caption(f"… et {len(visits) - 12} autres passages d'ici la fin du planning.")

st.iframe(maps.place_map([(commune.site.lat, commune.site.lon, commune.site.name)]), height=280)

feed_name = f"public/{commune_feed_name(insee)}"
subscribe = current.subscription(feed_name)
if subscribe:
    st.markdown(f"[S'abonner au calendrier de {commune.name}]({subscribe}) — il se met à jour tout seul.")
    st.caption(f"Adresse à ajouter dans votre agenda : {current.url(feed_name)}")
left, right = st.columns(2)
ics = current.file(feed_name)
if ics is not None:
    left.download_button(
        "Ajouter à mon agenda (.ics)",
        ics.read_bytes(),
        file_name=ics.name,
        mime="text/calendar",
        icon=":material/calendar_add_on:",
    )
poster = current.file(f"public/affiche-{slug(insee)}.html")
if poster is not None:
    right.download_button(
        "Affiche pour la mairie (à imprimer)", poster.read_bytes(), file_name=poster.name, mime="text/html",
        icon=":material/print:",
    )  # fmt: skip
