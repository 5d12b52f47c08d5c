"""Page "Territoire": pick a built-in territory or upload one, edit its tables, see problems by row."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages.ui import plan_cache, session, territory_files, views
from app_pages.ui.streamlit_fr import CHOOSE
from planner.domain import InputError, TourneeError
from planner.inputs import COMMUNE_COLUMNS, ROSTER_COLUMNS, roster_warnings
from planner.publish import TerritoryFiles, csv_text

FILES = {"communes": "communes.csv", "roster": "roster.csv", "scenario": "scenario.toml"}
FORMATS = {"communes": COMMUNE_COLUMNS, "roster": ROSTER_COLUMNS}


def editor_columns(kind: str, columns: list[str]) -> dict[str, Any]:
    """French headers of a table's editor; each header's tooltip gives the file's column id and format."""
    labels = territory_files.COLUMN_LABELS[kind]
    config: dict[str, Any] = {views.PROBLEM_COLUMN: st.column_config.TextColumn(width="medium")}
    for column in columns:
        known = FORMATS[kind].get(column)
        about = f"Colonne « {column} » de {FILES[kind]}" + (f" : {known.expected}." if known else ".")
        config[column] = st.column_config.TextColumn(labels.get(column, column), help=about)
    return config


st.title("Territoire")
current = session.instance()
st.caption(
    f"Territoire utilisé : **{current.title or current.name}** ({len(current.communes)} communes, "
    f"{len(current.staff)} personnes)."
)
if loaded := st.session_state.pop("territory_loaded", None):
    st.success(loaded)
    plan_cache.start_in_background(current, session.options())  # ready sooner on « Planifier »

source = st.radio(
    "Source des données", ["builtin", "upload"], horizontal=True,
    format_func={"builtin": "Territoire intégré", "upload": "Mes fichiers (CSV / TOML)"}.get,
)  # fmt: skip
if source == "builtin":
    names = plan_cache.territory_names()
    territory = session.territory()
    name = st.selectbox(
        "Territoire intégré", names, index=names.index(territory) if territory in names else 0,
        format_func=plan_cache.territory_title, placeholder=CHOOSE,
    )  # fmt: skip
    if st.button("Charger ce territoire"):
        session.set_files(TerritoryFiles.load(name))
        st.session_state["territory_loaded"] = f"Territoire « {plan_cache.territory_title(name)} » chargé."
        st.rerun()  # the caption above names the territory now in use
else:
    st.caption(
        "Trois fichiers au format décrit dans docs/formats.md, "
        f"{territory_files.MAX_UPLOAD_BYTES // (1024 * 1024)} Mo au plus chacun. Les CSV sont en UTF-8 "
        "(ou Windows-1252), séparés par des virgules ou des points-virgules."
    )
    c1, c2, c3 = st.columns(3)
    uploads = {
        "communes": c1.file_uploader("communes.csv", type=["csv"], max_upload_size=2),
        "roster": c2.file_uploader("roster.csv (équipe)", type=["csv"], max_upload_size=2),
        "scenario": c3.file_uploader("scenario.toml", type=["toml"], max_upload_size=2),
    }
    name = st.text_input("Nom du territoire", value="mon-territoire")
    given = {key: f for key, f in uploads.items() if f is not None}
    if st.button("Lire ces fichiers", disabled=len(given) < len(uploads)):
        too_big = [f.name for f in given.values() if f.size > territory_files.MAX_UPLOAD_BYTES]
        if too_big:
            st.error(f"Fichier(s) trop volumineux : {', '.join(too_big)} (limite : 2 Mo).")
            st.stop()
        try:
            session.set_sources(territory_files.uploaded_sources(name, {k: f.getvalue() for k, f in given.items()}))
            st.session_state["territory_problems"] = []
            st.session_state["roster_warnings"] = roster_warnings(given["roster"].getvalue())
        except TourneeError as exc:
            st.error(str(exc))
            st.stop()

sources = session.work().sources or territory_files.sources_of(session.work().inputs.files)

st.subheader(f"Données de « {sources.name} »")
# Contact columns (e-mail, telephone…) of an uploaded or edited roster are dropped (never kept): say so.
for warning in st.session_state.pop("roster_warnings", []):
    st.warning(warning)
st.caption(
    "Modifiez les cellules, ajoutez ou supprimez des lignes, puis cliquez « Valider ». Les problèmes "
    "trouvés s'affichent dans la colonne « ⚠ problème », à côté des lignes en cause."
)
problems = st.session_state.get("territory_problems", [])
tab_c, tab_r, tab_s = st.tabs(["Communes", "Équipe", "Scénario"])
edited = {}
for tab, key in ((tab_c, "communes"), (tab_r, "roster")):
    with tab:
        mine = [p for p in problems if p.file == FILES[key]]
        for p in mine:
            if p.row is None:
                st.error(str(p))
        frame = getattr(sources, key)
        edited[key] = st.data_editor(
            views.with_problems(frame, mine, territory_files.COLUMN_LABELS[key]),
            num_rows="dynamic",
            disabled=[views.PROBLEM_COLUMN],
            column_config=editor_columns(key, list(frame.columns)),
            hide_index=True,
            width="stretch",
            key=f"editor-{key}-{sources.revision}",
        )
with tab_s:
    for p in (p for p in problems if p.file == FILES["scenario"]):
        st.error(str(p))
    scenario_text = st.text_area(
        "scenario.toml", sources.scenario, height=400, key=f"editor-scenario-{sources.revision}"
    )

if st.button("Valider et utiliser ce territoire", type="primary"):
    communes = edited["communes"].drop(columns=[views.PROBLEM_COLUMN])
    roster = edited["roster"].drop(columns=[views.PROBLEM_COLUMN])
    checked = sources.edited(communes, roster, scenario_text)
    st.session_state["roster_warnings"] = roster_warnings(roster.to_csv(index=False))
    try:
        checked.files().instance()
    except InputError as exc:
        session.set_sources(checked)
        st.session_state["territory_problems"] = exc.problems
    else:
        # the files keep no contact column (`TerritoryFiles`), nor does the copy being edited
        session.set_files(checked.files(), None if st.session_state["roster_warnings"] else checked)
        st.session_state["territory_problems"] = []
        st.session_state["territory_message"] = (
            f"Territoire « {sources.name} » validé et utilisé pour la planification."
        )
    st.rerun()

if problems:
    st.error(f"{len(problems)} problème(s) à corriger : le territoire n'est pas utilisé tant qu'il en reste.")
    with st.expander("Tous les problèmes"):
        for p in problems:
            st.write(f"- {p}")
elif message := st.session_state.pop("territory_message", None):
    st.success(message)

c1, c2, c3 = st.columns(3)
for column, key in ((c1, "communes"), (c2, "roster")):
    frame = getattr(sources, key)
    column.download_button(
        f"Télécharger {FILES[key]}", csv_text(list(frame.columns), frame.itertuples(index=False, name=None)),
        file_name=FILES[key], mime="text/csv",
    )  # fmt: skip
c3.download_button("Télécharger scenario.toml", sources.scenario, file_name="scenario.toml", mime="application/toml")
