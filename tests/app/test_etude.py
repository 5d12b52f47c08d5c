"""Page "Étude": every combination planned, the table in French figures, two scenarios compared."""

from __future__ import annotations

import dataclasses

from tests.app.conftest import button, ok, run_app


def test_study_page_runs_a_study_and_compares_two_scenarios() -> None:
    """Units 1 to 2 on the demo, one week: a table of two scenarios, the knee sentence, two maps compared."""
    at = run_app("etude", coordinator=True)
    next(s for s in at.select_slider if s.label == "Unités").set_value((1, 2))
    next(n for n in at.number_input if n.label == "Semaines de l'horizon").set_value(1)
    next(n for n in at.number_input if n.label.startswith("Budget de calcul")).set_value(0.5)
    button(at, "Lancer l'étude").click().run()
    ok(at)
    assert at.success and at.success[0].value.startswith(("Au-delà de", "Jusqu'à"))
    table = at.dataframe[0].value
    assert list(table["scénario"]) == ["u1", "u2"] and list(table["statut"]) == ["ok", "ok"]
    assert table["besoin couvert (part)"].str.fullmatch(r"\d+,\d\u202f%").all()  # French figures
    assert [s.label for s in at.selectbox] == ["Scénario A", "Scénario B"]
    assert sum(m.label == "Besoin couvert" for m in at.metric) == 2

    work = at.session_state["work"]  # the roster edited: the same ranges make a new study, not a refusal
    files = work.inputs.files
    roster = files.roster.replace(b"(exemple)", b"(exemple bis)", 1)
    assert roster != files.roster
    at.session_state["work"] = dataclasses.replace(
        work, inputs=dataclasses.replace(work.inputs, files=dataclasses.replace(files, roster=roster))
    )
    button(at, "Lancer l'étude").click().run()
    ok(at)
    assert list(at.dataframe[0].value["statut"]) == ["ok", "ok"]
