"""The public pages (Habitants, Médecin) with 0, 1, 2 and 5 territories published in one workspace,
each published with the planner's own publishing API; what residents and staff see of the app (their
own menu, no coordination link, no server path nor setting name); downloads that never mix the public
files with the private ones."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from planner.domain.plan import Plan
from planner.planning.pipeline import plan as make_plan
from planner.publish.plan_inputs import PlanInputs
from planner.publish.store import PlanStore
from tests.app.conftest import APP, TIMEOUT, future_inputs, ok, plan_demo, publish, rendered_text, run_app, set_settings

COORDINATION_PAGES = ["territoire", "parametres", "planifier", "replanifier", "publier", "etude"]


@pytest.fixture(scope="module")
def tiny_plan() -> tuple[PlanInputs, Plan]:
    """The tiny territory planned once for the module (each test publishes it under several names)."""
    inputs = future_inputs()
    return inputs, make_plan(inputs.instance(), inputs.options)


def publish_territories(workspace: Path, tiny_plan: tuple[PlanInputs, Plan], count: int) -> list[PlanStore]:
    """``count`` territories (the tiny one under the names ``bourg-1``… with the titles « Bourg 1 »…)
    published in ``workspace``, as the "Publier" page does."""
    inputs, plan = tiny_plan
    stores = []
    for number in range(1, count + 1):
        files = dataclasses.replace(inputs.files, name=f"bourg-{number}")
        stores.append(publish(workspace, dataclasses.replace(inputs, files=files), plan))
    return stores


def medecin_with_token(token: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("app_pages/pages/medecin.py")
    at.query_params["jeton"] = token
    return at.run()


def choose(at: AppTest, label: str, index: int) -> None:
    next(s for s in at.selectbox if s.label == label).select_index(index).run()
    ok(at)


@pytest.mark.parametrize("count", [0, 1, 2, 5])
def test_public_pages_render_with_any_number_of_territories(tiny_plan, tmp_path: Path, count: int) -> None:
    """Habitants and Médecin (a personal link, and the coordinator's view) render with 0, 1, 2 and 5
    territories published; with more than one, every territory can be picked and shows its communes."""
    stores = publish_territories(tmp_path / "workspace", tiny_plan, count)
    at = run_app()
    ok(at)
    territory_boxes = [s for s in at.selectbox if s.label == "Territoire"]
    if count == 0:
        assert any("Aucun planning n'a encore été publié" in i.value for i in at.info)
    elif count == 1:
        assert not territory_boxes and any(s.label == "Votre commune" for s in at.selectbox)
    else:
        assert len(territory_boxes[0].options) == count
        for index in range(count):
            choose(at, "Territoire", index)
            assert any(f"Bourg {index + 1}" in c.value or f"bourg-{index + 1}" in c.value for c in at.caption)
            choose(at, "Votre commune", 0)
            assert at.table, "a commune of the chosen territory shows its visits"

    doctor = run_app("medecin")
    ok(doctor)
    for store in stores[:2] + stores[-1:]:
        mine = medecin_with_token(store.tokens()["staff:d1"])
        ok(mine)
        assert mine.dataframe, "the person's shifts"

    coordinator = run_app("medecin", coordinator=True)
    ok(coordinator)
    if count > 1:
        choose(coordinator, "Territoire", count - 1)
    if count:
        choose(coordinator, "Personne", 0)
        assert coordinator.dataframe


def _navigation_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Every call of `st.navigation` made by the app: its sections and pages, and its position."""
    calls: list[dict] = []
    real = streamlit.navigation

    def spy(pages, **kwargs):
        sections = pages if isinstance(pages, dict) else {"": pages}
        calls.append({
            "sections": list(sections),
            "position": kwargs.get("position", "sidebar"),
            "pages": [p.url_path for group in sections.values() for p in group],
        })  # fmt: skip
        return real(pages, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", spy)
    return calls


def test_residents_and_staff_see_only_their_own_menu(published, monkeypatch: pytest.MonkeyPatch) -> None:
    """For residents and staff the menu is hidden and the sidebar links only to the public pages: no
    Coordination section, no link to a coordination page; the coordinator, logged in, gets the full menu."""
    calls = _navigation_calls(monkeypatch)
    _, _, store = published
    for at in (run_app(), run_app("medecin"), medecin_with_token(store.tokens()["staff:d1"])):
        ok(at)
        shown = rendered_text(at)
        assert "Coordination" not in shown
        assert not [page for page in COORDINATION_PAGES if f"/{page}" in shown or f'"{page}' in shown]
        assert [link.proto.label for link in at.get("page_link")] == ["Habitants", "Médecin"]
    assert calls and all(c["position"] == "hidden" and "Coordination" not in c["sections"] for c in calls)
    calls.clear()
    run_app(coordinator=True)
    assert calls[-1]["position"] == "sidebar" and calls[-1]["sections"] == ["Public", "Coordination"]


def test_public_pages_show_no_server_path_nor_setting(published, tmp_path: Path) -> None:
    """Neither the residents' page (a commune chosen) nor a person's page (personal link) shows a folder
    of the server, the name of an environment variable or a link to the coordination."""
    _, plan, store = published
    residents = run_app()
    box = next(s for s in residents.selectbox if s.label == "Votre commune")
    visited = plan.tours[0].sessions[0].insee
    box.select_index(next(i for i, code in enumerate(box.options) if visited in code)).run()
    doctor = medecin_with_token(store.tokens()["staff:d1"])
    for at in (residents, doctor, run_app("medecin")):
        ok(at)
        shown = rendered_text(at)
        for forbidden in (str(tmp_path), "/workspace", "publication/", "TOURNEE_", "secrets.toml", "planifier"):
            assert forbidden not in shown, forbidden


def test_publish_page_shows_no_server_path(tmp_path: Path) -> None:
    """Publishing from "Publier" says where things are seen, never the server's folders; the
    publication records the logged-in account."""
    from app_pages.ui import files
    from tests.app.conftest import DEMO, published_demo

    at = published_demo(weeks=1)
    shown = rendered_text(at)
    assert str(tmp_path) not in shown and "/workspace" not in shown and "out/app" not in shown
    assert files.store(DEMO).last_publication().published_by == "coordination"  # who published is kept


def test_public_and_private_files_are_never_in_one_download(tiny_plan, tmp_path: Path) -> None:
    """The plan's calendars and printable pages come as separate downloads: the public ones hold only
    ``public/`` files and no staff name; the private ones only ``prive/`` files."""
    from app_pages.ui import files

    inputs, plan = tiny_plan
    names = [p.name for p in inputs.instance().staff]
    got = files.downloads(inputs.instance(), plan, inputs.territory)
    assert "calendriers.zip" not in got and "affiches.zip" not in got
    for public, private in ((files.PUBLIC_FEEDS, files.PRIVATE_FEEDS), (files.PUBLIC_POSTERS, files.PRIVATE_POSTERS)):
        with zipfile.ZipFile(io.BytesIO(got[public])) as archive:
            members = archive.namelist()
            assert members and all(m.startswith("public/") for m in members)
            text = "\n".join(archive.read(m).decode("utf-8", "replace") for m in members)
            assert not [n for n in names if n in text]
        with zipfile.ZipFile(io.BytesIO(got[private])) as archive:
            members = archive.namelist()
            assert members and all(m.startswith("prive/") for m in members)


def test_private_downloads_only_on_coordination_pages(published) -> None:
    """The "Publier" page offers the public and the private archives as two downloads; the public pages
    offer no archive at all."""
    at = run_app(coordinator=True)
    set_settings(at, weeks=1)
    plan_demo(at)
    at.switch_page("app_pages/pages/publier.py").run()
    ok(at)
    labels = [b.proto.label for b in at.get("download_button")]
    archives = [label for label in labels if "zip" in label]
    assert (
        "Calendriers des communes (.ics, zip)" in archives and "Calendriers des équipes (.ics, zip — privé)" in archives
    )
    assert "Affiches des communes (zip)" in archives and "Plannings des équipes (zip — privé)" in archives
    _, _, store = published
    for public in (run_app(), medecin_with_token(store.tokens()["staff:d1"])):
        assert not [b.proto.label for b in public.get("download_button") if "zip" in b.proto.label]


def test_refusals_never_show_the_servers_folders(tmp_path: Path) -> None:
    """A refusal naming a file of the workspace (as the store's messages do) is shown without the folder."""
    from app_pages.ui import files

    message = f"{tmp_path / 'workspace' / 'tiny' / 'plans.sqlite'} : illisible"
    assert files.without_server_paths(message) == "l'espace de travail/tiny/plans.sqlite : illisible"
