"""Tournée's web app: `streamlit run app.py`.

Declares the pages (`app_pages/pages/`, one script each) with `st.navigation`: the public residents'
page, the staff page and the coordination pages. Residents and staff see only the public pages in the
menu; a coordination page is opened by its address (``…/planifier``) and asks for a coordinator
account's password (`app_pages.ui.login`: env `TOURNEE_PASSWORD` or `password` in
`.streamlit/secrets.toml` for the account "coordination", others made with `planner comptes`); once
logged in, the menu shows every page. The staff page opens one person's shifts with their personal
link (``?jeton=…``), or anyone's for the coordinator. Public pages show only what was published. The
pages and their helpers (`app_pages/ui/`) import of the library only
`planner` and the stages' faces (`planner.publish`, `planner.results`…), never a stage's module
nor the command line (tests/test_architecture.py checks it); errors reach the user as French
messages, never as tracebacks.
"""

from __future__ import annotations

import logging

import streamlit as st

from app_pages.ui import access, files, login, plan_cache, streamlit_fr
from planner import TourneeError

log = logging.getLogger("tournee.app")

st.set_page_config(page_title="Tournée — unités mobiles de santé", page_icon=":material/local_shipping:", layout="wide")
streamlit_fr.use_french()

PUBLIC = [
    st.Page(
        "app_pages/pages/habitants.py", title="Habitants", icon=":material/home:", url_path="habitants", default=True
    ),
    st.Page("app_pages/pages/medecin.py", title="Médecin", icon=":material/stethoscope:", url_path="medecin"),
]
COORDINATION = [
    st.Page("app_pages/pages/territoire.py", title="Territoire", icon=":material/map:", url_path="territoire"),
    st.Page("app_pages/pages/parametres.py", title="Paramètres", icon=":material/tune:", url_path="parametres"),
    st.Page("app_pages/pages/planifier.py", title="Planifier", icon=":material/event:", url_path="planifier"),
    st.Page("app_pages/pages/replanifier.py", title="Re-planifier", icon=":material/sync:", url_path="replanifier"),
    st.Page("app_pages/pages/publier.py", title="Publier", icon=":material/publish:", url_path="publier"),
    st.Page("app_pages/pages/etude.py", title="Étude", icon=":material/query_stats:", url_path="etude"),
]
#: Password needed per page: the coordinator's for coordination (the staff page checks personal links itself).
ACCESS = {p.url_path: "coordinator" for p in COORDINATION}

plan_cache.start_demo_warmup()  # the demo plan is solved once per server, in the background


def show_error(exc: BaseException) -> None:
    """A French message for a failure, never a traceback."""
    if isinstance(exc, TourneeError):
        st.error(files.without_server_paths(str(exc)))
    else:
        log.exception("unexpected error in the app", exc_info=exc)
        st.error(
            "Une erreur inattendue est survenue. Réessayez ; si elle revient, signalez-la avec "
            f"ce message : {type(exc).__name__}."
        )


coordinator = access.coordinator()
if coordinator is not None:
    page = st.navigation({"Public": PUBLIC, "Coordination": COORDINATION})
else:  # residents and staff: their own pages only, no coordination menu nor link
    page = st.navigation(PUBLIC + COORDINATION, position="hidden")
    with st.sidebar:
        for public_page in PUBLIC:
            st.page_link(public_page)

with st.sidebar:
    st.caption("Tournées des unités mobiles de santé et planning des équipes.")
    if coordinator is not None:
        st.caption(f"Connecté : {coordinator}")
        if st.button("Se déconnecter"):
            access.logout()
            st.rerun()

try:
    if ACCESS.get(page.url_path) == "coordinator":
        login.require_coordinator()
    page.run()
except Exception as exc:
    show_error(exc)
