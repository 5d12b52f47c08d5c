"""The staff page: no shared password and no list of names; a personal link opens that person's
shifts only (never a colleague's), their week and the printable list of their shifts."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, TIMEOUT, button, ok, rendered_text, run_app


def test_staff_page_has_no_shared_password_and_lists_no_one(published, monkeypatch: pytest.MonkeyPatch) -> None:
    """The staff page asks for a personal link: no shared password (even when the old
    TOURNEE_STAFF_PASSWORD is set), no list of names, no one's shifts."""
    monkeypatch.setenv("TOURNEE_STAFF_PASSWORD", "equipe")
    inputs, _, _ = published
    at = run_app("medecin")
    ok(at)
    assert [t.label for t in at.text_input] == ["Votre lien ou code personnel"]
    assert not at.selectbox and not at.dataframe
    shown = rendered_text(at)
    assert not [p.name for p in inputs.instance().staff if p.name in shown]


def test_personal_link_opens_only_that_persons_shifts(published) -> None:
    """?jeton=<token of d1> shows d1's shifts and no colleague's name; a wrong or revoked token is refused."""
    inputs, plan, store = published
    instance = inputs.instance()
    token = store.tokens()["staff:d1"]
    assert len(token) >= 22  # secrets.token_urlsafe: at least 128 random bits
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("app_pages/pages/medecin.py")
    at.query_params["jeton"] = token
    at.run()
    ok(at)
    mine = [s for s in plan.shifts if s.staff_id == "d1"]
    assert mine and len(at.dataframe[0].value) == len(mine)
    shown = rendered_text(at)
    assert instance.person("d1").name in shown
    assert not [p.name for p in instance.staff if p.id != "d1" and p.name in shown]
    assert "Télécharger mon calendrier" in shown

    store.revoke("staff:d1")
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.switch_page("app_pages/pages/medecin.py")
    again.query_params["jeton"] = token
    again.run()
    assert [e.value for e in again.error] == [
        "Ce lien personnel n'est pas (ou plus) valable : demandez-en un nouveau à la coordination."
    ]
    assert not again.dataframe


def test_doctor_sees_their_week_and_can_print_their_shifts(published) -> None:
    """The personal page shows the chosen week day by day (the person's cells only) and offers the
    printable list of their shifts beside the calendar."""
    inputs, plan, store = published
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("app_pages/pages/medecin.py")
    at.query_params["jeton"] = store.tokens()["staff:d1"]
    at.run()
    ok(at)
    (week,) = [h.proto.body for h in at.get("html") if "tournee-week" in h.proto.body]
    assert "<th>garde</th>" in week
    first = min(s.date for s in plan.shifts if s.staff_id == "d1")
    assert f"{first:%d/%m}" in week
    other = {p.name for p in inputs.instance().staff if p.id != "d1"}
    assert not [n for n in other if n in week]
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Télécharger mon calendrier (.ics)", "Imprimer mon planning (page HTML)"]


def test_coordinator_forgets_a_person_and_their_link_stops_working(published) -> None:
    """« Retirer une personne (RGPD) »: the coordinator picks a person, confirms, and the report of
    `forget_person` is shown; that person's private link no longer opens anything."""
    inputs, _, store = published
    token = store.tokens()["staff:d1"]
    name = inputs.instance().person("d1").name
    at = run_app("medecin", coordinator=True)
    next(s for s in at.selectbox if s.label == "Personne").set_value("d1").run()
    ok(at)
    assert button(at, "Retirer cette personne").disabled  # not before confirming
    next(c for c in at.checkbox if c.label.startswith("Je confirme")).check().run()
    button(at, "Retirer cette personne").click().run()
    ok(at)
    report = [s.value for s in at.success]
    assert report and "est désormais" in report[0] and "Son adresse privée est supprimée." in report[0]

    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.switch_page("app_pages/pages/medecin.py")
    again.query_params["jeton"] = token
    again.run()
    assert [e.value for e in again.error] == [
        "Ce lien personnel n'est pas (ou plus) valable : demandez-en un nouveau à la coordination."
    ]
    assert name not in rendered_text(again)
