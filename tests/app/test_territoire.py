"""Page "Territoire": built-in territories and uploads, the tables' French headers, and problems
shown beside the rows at fault."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from planner.publish.plan_inputs import PlanInputs, TerritoryFiles
from tests.app.conftest import APP, DEMO, TIMEOUT, button, ok, run_app
from tests.support.paths import TINY


def test_territory_problems_are_shown_beside_the_rows_at_fault() -> None:
    """A bad cell is reported in the problem column of its own row, and the territory is not used."""
    from app_pages.ui import access, territory_files, views
    from app_pages.ui.session import WorkingCopy

    files = TerritoryFiles.load(DEMO)
    sources = territory_files.sources_of(files)
    communes = sources.communes.copy()
    communes.loc[1, "population"] = "beaucoup"
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[access.MARKER_KEY] = access.marker("coordination")
    at.session_state["work"] = WorkingCopy(
        PlanInputs(files), sources=sources.edited(communes, sources.roster, sources.scenario)
    )
    at.run()
    at.switch_page("app_pages/pages/territoire.py").run()
    button(at, "Valider et utiliser ce territoire").click().run()
    assert not at.exception
    assert any("problème(s) à corriger" in e.value for e in at.error)
    shown = at.data_editor[0].value
    assert views.PROBLEM_COLUMN in shown.columns
    notes = shown[views.PROBLEM_COLUMN]
    assert "population" in notes[1]
    assert (notes.drop(index=1) == "").all()
    assert at.session_state["work"].inputs.files == files  # the faulty files are not used


def test_territory_upload_table_reader_keeps_codes_as_text() -> None:
    """Uploaded CSVs become text tables: INSEE codes keep their leading zero, `;` files are read."""
    from app_pages.ui import territory_files

    sources = territory_files.uploaded_sources(
        "essai",
        {
            "communes": "\ufeffinsee;name\n01004;Ambérieu\n".encode(),
            "roster": b"id,name\nm1,Dr Z. Essai (exemple)\n",
            "scenario": b'name = "essai"\n',
        },
    )
    assert sources.communes.loc[0, "insee"] == "01004"
    assert isinstance(sources.roster, pd.DataFrame) and sources.roster.loc[0, "name"] == "Dr Z. Essai (exemple)"


def test_loading_another_territory_names_it_at_once() -> None:
    """After "Charger ce territoire", the caption names the territory just loaded (not the previous one)."""
    at = run_app("territoire", coordinator=True)
    assert "Médicobus" in at.caption[0].value
    next(s for s in at.selectbox if s.label == "Territoire intégré").set_value("doctobus-evreux")
    button(at, "Charger ce territoire").click().run()
    ok(at)
    assert "Évreux" in at.caption[0].value and "Médicobus" not in at.caption[0].value
    assert any("chargé" in s.value for s in at.success)


def test_territory_editor_headers_are_french_and_files_keep_their_columns() -> None:
    """The communes editor shows "nom", "latitude"… as headers; the table (and the file) keep name, lat."""
    at = run_app("territoire", coordinator=True)
    editor = at.data_editor[0]
    assert {"name", "lat", "lon", "population"} <= set(editor.value.columns)
    config = editor.proto.columns
    assert '"label": "nom"' in config and '"label": "latitude"' in config and '"label": "code INSEE"' in config


def _with_email(roster: bytes) -> bytes:
    """A roster file with an ``email`` column (its last), as a volunteers' spreadsheet often has."""
    lines = roster.decode("utf-8").splitlines()
    rows = [f"{lines[0]},email", *(f"{line},personne{i}@exemple.org" for i, line in enumerate(lines[1:]))]
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_uploaded_roster_with_contact_columns_is_warned_and_kept_without_them() -> None:
    """A roster uploaded with an ``email`` column: the page warns that the column is dropped
    (`roster_warnings`), and neither the table being edited nor the territory validated keep it."""
    files = TerritoryFiles.load(TINY)
    at = run_app("territoire", coordinator=True)
    next(r for r in at.radio if r.label == "Source des données").set_value("upload").run()
    uploads = {"communes.csv": files.communes, "roster.csv (équipe)": _with_email(files.roster)}
    uploads["scenario.toml"] = files.scenario
    for uploader in at.get("file_uploader"):
        name = "roster.csv" if uploader.label.startswith("roster") else uploader.label
        uploader.set_value((name, uploads[uploader.label], "text/plain"))
    at.run()
    button(at, "Lire ces fichiers").click().run()
    ok(at)
    warned = [w.value for w in at.warning if "email" in w.value]
    assert warned and "ignorée(s) et non conservée(s)" in warned[0]
    assert "email" not in at.session_state["work"].sources.roster.columns
    button(at, "Valider et utiliser ce territoire").click().run()
    ok(at)
    assert b"email" not in at.session_state["work"].inputs.files.roster
