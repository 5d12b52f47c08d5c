"""What the tests of the Streamlit app share: the app driven headless with
`streamlit.testing.v1.AppTest`, a private workspace and password for every test, a published tiny
territory, and the coordinator's usual steps (log in, set the horizon, plan the demo, publish).

The tests are split by page (tests/app/test_<page>.py); tests/app/test_browser.py drives the same
app in a real browser.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from app_pages.ui import access
from planner.domain.plan import Plan
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan as make_plan
from planner.publish.accounts import DEFAULT_ACCOUNT
from planner.publish.plan_inputs import PlanInputs, Settings, TerritoryFiles
from planner.publish.publication import publish_version
from planner.publish.store import PlanStore
from tests.support.paths import ROOT, TINY

APP = str(ROOT / "app.py")
DEMO = "medicobus-dieppe"
PASSWORD = "mot-de-passe-de-test"
TIMEOUT = 90  # seconds per run: the first demo plan is computed inside one


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A known password and a private workspace, so that tests never write into the repository.

    Streamlit installs the app script as ``__main__``; it is put back after each test, or processes
    spawned later in the session (Dask workers of tests/studies/) would run app.py.
    """
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    monkeypatch.setenv("TOURNEE_PASSWORD", PASSWORD)
    monkeypatch.delenv("TOURNEE_STAFF_PASSWORD", raising=False)
    monkeypatch.delenv("TOURNEE_PUBLIC_URL", raising=False)
    monkeypatch.setenv("TOURNEE_WORKSPACE", str(tmp_path / "workspace"))


def run_app(page: str | None = None, *, coordinator: bool = False) -> AppTest:
    """The app, run once, on ``page`` (a script of app_pages/pages/, by name), optionally already logged
    in."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if coordinator:
        at.session_state[access.MARKER_KEY] = access.marker(DEFAULT_ACCOUNT)
    at.run()
    if page:
        at.switch_page(f"app_pages/pages/{page}.py").run()
    return at


def ok(at: AppTest) -> None:
    """No uncaught exception and no error message on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} among {[b.label for b in at.button]}"
    return matches[0]


def text_input(at: AppTest, label: str):
    matches = [t for t in at.text_input if t.label == label]
    assert matches, f"no text input {label!r} among {[t.label for t in at.text_input]}"
    return matches[0]


def rendered_text(at: AppTest) -> str:
    """Every text the page renders: element protos (UTF-8) and the cells of every table."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    parts += [table.value.to_csv() for table in [*at.dataframe, *at.table]]
    return "\n".join(parts)


def plan_demo(at: AppTest) -> AppTest:
    """Click « Planifier », and « Accepter » when the new plan is offered beside the current one."""
    at.switch_page("app_pages/pages/planifier.py").run()
    button(at, "Planifier").click().run()
    if not at.exception and any(b.label == "Accepter" for b in at.button):
        button(at, "Accepter").click().run()
    return at


def future_inputs(weeks: int = 2) -> PlanInputs:
    """The tiny territory planned from a Monday one to two weeks ahead, so that every visit is to come."""
    today = date.today()
    start = today + timedelta(days=14 - today.weekday())
    settings = Settings({"start": start.isoformat(), "weeks": weeks})
    return PlanInputs(TerritoryFiles.load(TINY), settings, PlanOptions(time_limit=1, rota_time_limit=1))


def publish(workspace: Path, inputs: PlanInputs, plan: Plan) -> PlanStore:
    """Save and publish ``plan`` in the app's workspace of its territory, as the "Publier" page does."""
    store = PlanStore(workspace / inputs.territory)
    version = store.save(plan, inputs.instance(), inputs=inputs)
    publish_version(store, version, workspace / inputs.territory / "publication")
    return store


@pytest.fixture
def published(tmp_path: Path) -> tuple[PlanInputs, Plan, PlanStore]:
    """The tiny territory published in the test's workspace."""
    inputs = future_inputs()
    plan = make_plan(inputs.instance(), inputs.options)
    return inputs, plan, publish(tmp_path / "workspace", inputs, plan)


def set_settings(at: AppTest, *, weeks: int, time_limit: float = 1.0) -> None:
    at.switch_page("app_pages/pages/parametres.py").run()
    next(n for n in at.number_input if n.label == "Nombre de semaines").set_value(weeks)
    next(n for n in at.number_input if n.label == "Temps de calcul max. (s)").set_value(time_limit)
    button(at, "Appliquer").click().run()
    ok(at)


def published_demo(weeks: int) -> AppTest:
    """A coordinator session that planned the demo over ``weeks`` weeks and published it as version 1."""
    at = run_app(coordinator=True)
    set_settings(at, weeks=weeks)
    plan_demo(at)
    at.switch_page("app_pages/pages/publier.py").run()
    button(at, "Enregistrer et publier").click().run()
    ok(at)
    assert any("Version 1 publiée" in s.value for s in at.success)
    return at


def log_in(page: str) -> AppTest:
    """A new browser session (as after a reload): open ``page`` and give the password."""
    at = run_app(page)
    text_input(at, "Mot de passe").input(PASSWORD)
    button(at, "Entrer").click().run()
    ok(at)
    return at
