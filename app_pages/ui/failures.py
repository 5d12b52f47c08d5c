"""Why a plan could not be made, in plain French, with what to do in the app.

The library's messages are written for the command line too (they name options like ``--roads`` and
commands like ``planner roads fetch``); in the app a coordinator needs the page and setting to change
instead. `explain` gives that text, `show` puts it in the page, in full view.
"""

from __future__ import annotations

import logging

import streamlit as st

from planner.domain import InputError, NoRoadData, TourneeError, number_fr
from planner.travel import PlacesOffRoad

log = logging.getLogger("tournee.app")

#: The setting that chooses road data, as the "Paramètres" page names it.
ROADS_SETTING = "page « Paramètres », rubrique « Calcul », réglage « Temps de trajet »"
USE_ESTIMATE = (
    f"{ROADS_SETTING} : choisissez « Estimation à vol d'oiseau », cliquez « Appliquer », puis de nouveau « Planifier »"
)


def explain(exc: TourneeError) -> tuple[str, str]:
    """What went wrong and what to do, for the failure ``exc`` of a plan, in words of the app."""
    if isinstance(exc, NoRoadData):
        what = (
            "Le plan n'a pas été calculé : il faut pour cela le réseau routier d'OpenStreetMap, qui n'est pas "
            "encore sur ce serveur et n'a pas pu être téléchargé (pas de connexion à Internet, ou serveur "
            "OpenStreetMap indisponible)."
        )
        return what, f"Que faire : {USE_ESTIMATE}. Ou réessayez plus tard, quand la connexion sera rétablie."
    if isinstance(exc, PlacesOffRoad):
        names = ", ".join(p.name for p, _ in exc.places[:12]) + (" …" if len(exc.places) > 12 else "")
        what = (
            f"Le plan n'a pas été calculé : {len(exc.places)} lieu(x) sont à plus de {number_fr(exc.max_km, None)} km "
            f"de toute route du réseau routier : {names}."
        )
        todo = (
            "Que faire : vérifiez leurs coordonnées (page « Territoire »), ou, pour planifier tout de même, "
            f"{USE_ESTIMATE}."
        )
        return what, todo
    if isinstance(exc, InputError):
        what = f"Le plan n'a pas été calculé : les données du territoire ont des problèmes.\n\n{exc}"
        return what, "Que faire : corrigez-les sur la page « Territoire », puis « Valider et utiliser ce territoire »."
    todo = (
        "Que faire : vérifiez les réglages de la page « Paramètres » (horizon, jours et heures des unités), puis "
        "réessayez ; si le problème revient, signalez-le avec ce message."
    )
    return f"Le plan n'a pas été calculé : {exc}", todo


def show(exc: TourneeError) -> None:
    """The failure in the page, in full view: what went wrong, then what to do."""
    log.info("plan failed: %s", exc)
    what, todo = explain(exc)
    st.error(f"{what}\n\n**{todo}**")
