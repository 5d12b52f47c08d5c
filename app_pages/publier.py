"""Page "Publier": save a version, publish it (feeds, posters), download the files."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import files, session

instance = session.instance()
plan = session.plan()
territory = st.session_state.get("territory", instance.name)

st.title("Publier")
if plan is None:
    st.info("Calculez d'abord un plan sur la page « Planifier ».")
    st.stop()

store = files.store(territory)
st.subheader("Enregistrer et publier")
st.caption(
    "Une version enregistrée est gardée dans l'historique. La version publiée est celle que voient les "
    "habitants et les équipes ; ses calendriers et affiches sont écrits dans le dossier de publication."
)
note = st.text_input("Note (facultative)", placeholder="ex. planning de janvier, après l'absence du Dr X")
c1, c2 = st.columns(2)
if c1.button("Enregistrer la version"):
    version = store.save(plan, instance, note=note)
    st.success(f"Version {version} enregistrée (non publiée).")
if c2.button("Enregistrer et publier", type="primary"):
    version = store.save(plan, instance, note=note)
    folder = files.publish_version(territory, instance, version)
    st.success(
        f"Version {version} publiée. Dossier de publication : `{folder}` — mettez en ligne son sous-dossier "
        "`public/` (calendriers des communes, affiches) ; `prive/` est pour les équipes."
    )

history = store.history()
if history:
    st.subheader("Historique des versions")
    st.dataframe(
        pd.DataFrame(
            {
                "version": [h.version for h in history],
                "enregistrée le": [h.created.strftime("%d/%m/%Y %H:%M") for h in history],
                "publiée": ["oui" if h.published else "" for h in history],
                "séances": [h.sessions for h in history],
                "gardes": [h.shifts for h in history],
                "communes non servies": [h.unserved for h in history],
                "note": [h.note for h in history],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    c1, c2 = st.columns([1, 3])
    chosen = c1.selectbox("Version", [h.version for h in history], index=len(history) - 1)
    if c2.button("Publier cette version"):
        files.publish_version(territory, instance, chosen)
        st.success(f"Version {chosen} publiée.")

st.subheader("Télécharger le plan affiché")
downloads = files.downloads(instance, plan, territory)
c1, c2, c3, c4 = st.columns(4)
c1.download_button("Séances (CSV)", downloads["sessions.csv"], file_name="seances.csv", mime="text/csv")
c1.download_button("Plan complet (JSON)", downloads["plan.json"], file_name="plan.json", mime="application/json")
c2.download_button(
    "Classeur (tableur .xlsx)", downloads["plan.xlsx"], file_name="plan.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)  # fmt: skip
c2.download_button("Tous les fichiers (CSV, JSON)", downloads["plan.zip"], file_name="plan.zip", mime="application/zip")
c3.download_button("Calendriers (.ics, zip)", downloads["calendriers.zip"], file_name="calendriers.zip", mime="application/zip")
c4.download_button("Affiches et plannings (zip)", downloads["affiches.zip"], file_name="affiches.zip", mime="application/zip")
st.caption(
    "Les fichiers « prive/ » et « shifts.csv » nomment les équipes : ne les publiez pas. Les affiches et "
    "calendriers des communes (« public/ ») ne contiennent aucun nom."
)
