"""Page "Publier": save a version with its inputs, publish it (all or nothing), go back to a saved
version, download the files."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.ui import access, files, session
from app_pages.ui.streamlit_fr import CHOOSE
from planner.domain import moment_fr
from planner.results import BELOW_TARGET

instance = session.instance()
plan = session.plan()
territory = session.territory()
store = files.store(territory)

st.title("Publier")
if files.public_folder_url() is None:
    st.warning(
        "Aucune adresse web n'est indiquée pour le dossier de publication (variable `TOURNEE_PUBLIC_URL`) : les "
        "affiches n'auront ni QR code ni adresse du calendrier, et personne ne pourra s'abonner aux calendriers."
    )


def _publish(version: int) -> None:
    files.publish_version(territory, version, published_by=access.coordinator())
    st.success(
        f"Version {version} publiée. Les habitants la voient dès maintenant sur la page « Habitants », "
        "chaque personne ses gardes avec son lien personnel (page « Médecin »). Sur le serveur, le dossier de "
        "publication de ce territoire contient `public/` (pour les habitants, à mettre en ligne) et `prive/` "
        "(un dossier secret par personne)."
    )


if plan is None:
    st.info("Calculez d'abord un plan sur la page « Planifier », ou repartez d'une version enregistrée ci-dessous.")
else:
    st.subheader("Enregistrer et publier le plan affiché")
    st.caption(
        "Une version enregistrée garde le plan et tout ce qui a servi à le calculer (fichiers du territoire, "
        "réglages, changements acceptés). La version publiée est celle que voient les habitants et les équipes."
    )
    note = st.text_input("Note (facultative)", placeholder="ex. planning de janvier, après l'absence du Dr X")
    c1, c2 = st.columns(2)
    if c1.button("Enregistrer la version"):
        version = store.save(plan, instance, inputs=session.work().inputs, note=note)
        st.success(f"Version {version} enregistrée (non publiée).")
    if c2.button("Enregistrer et publier", type="primary"):
        _publish(store.save(plan, instance, inputs=session.work().inputs, note=note))

history = store.history()
if history:
    last = store.last_publication()
    st.subheader("Historique des versions")
    if last is not None:
        st.caption(f"Version {last.version} publiée le {moment_fr(last.published)} (heure de Paris).")
    st.dataframe(
        pd.DataFrame(
            {
                "version": [h.version for h in history],
                "enregistrée le (heure de Paris)": [moment_fr(h.created) for h in history],
                "publiée": ["oui" if h.published else "" for h in history],
                "territoire": [h.instance_name for h in history],
                "horizon": [f"{h.weeks} sem. dès le {h.start:%d/%m/%Y}" for h in history],
                "séances": [h.sessions for h in history],
                "gardes": [h.shifts for h in history],
                BELOW_TARGET.lower(): [h.unserved for h in history],  # as the tile of page « Planifier »
                "réglages": [h.settings_text for h in history],
                "note": [h.note for h in history],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    c1, c2, c3 = st.columns([1, 1, 2])
    chosen = c1.selectbox("Version", [h.version for h in history], index=len(history) - 1, placeholder=CHOOSE)
    if c2.button("Publier cette version"):
        _publish(chosen)
    if c3.button(f"Repartir de la version {chosen}"):
        inputs, _, saved = store.rebuild(chosen)
        session.start_from(inputs, saved, f"version {chosen}")
        st.success(
            f"La version {chosen} est maintenant votre copie de travail (territoire, réglages, changements et plan) : "
            "modifiez-la (« Territoire », « Paramètres »), re-planifiez-la ou publiez-la."
        )

if plan is not None:
    st.subheader("Télécharger le plan affiché")
    downloads = files.downloads(instance, plan, territory)
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button("Séances (CSV, tableur)", downloads["seances.csv"], file_name="seances.csv", mime="text/csv")
    c1.download_button("Plan complet (JSON)", downloads["plan.json"], file_name="plan.json", mime="application/json")
    c2.download_button(
        "Classeur (tableur .xlsx)", downloads["plan.xlsx"], file_name="plan.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )  # fmt: skip
    c2.download_button(
        "Tous les fichiers (CSV, JSON)", downloads["plan.zip"], file_name="plan.zip", mime="application/zip"
    )
    c3.download_button(
        "Calendriers des communes (.ics, zip)", downloads[files.PUBLIC_FEEDS], file_name=files.PUBLIC_FEEDS,
        mime="application/zip", help="Sans aucun nom : à mettre en ligne pour les habitants.",
    )  # fmt: skip
    c3.download_button(
        "Calendriers des équipes (.ics, zip — privé)", downloads[files.PRIVATE_FEEDS], file_name=files.PRIVATE_FEEDS,
        mime="application/zip", help="Un dossier secret par personne et celui de la coordination : ne pas publier.",
    )  # fmt: skip
    c4.download_button(
        "Affiches des communes (zip)", downloads[files.PUBLIC_POSTERS], file_name=files.PUBLIC_POSTERS,
        mime="application/zip", help="Affiches et horaires des communes, sans aucun nom.",
    )  # fmt: skip
    c4.download_button(
        "Plannings des équipes (zip — privé)", downloads[files.PRIVATE_POSTERS], file_name=files.PRIVATE_POSTERS,
        mime="application/zip", help="Plannings nominatifs des équipes : ne pas publier.",
    )  # fmt: skip
    st.caption(
        "Les fichiers marqués « privé », « gardes.csv », « shifts.csv » et le classeur nomment les équipes : "
        "ne les publiez pas. Les affiches et calendriers des communes ne contiennent aucun nom."
    )
