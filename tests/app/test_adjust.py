"""The manual adjustments of "Planifier" (app_pages/ui/adjust.py), issue 25 items 2 and 5: two
sessions swapped (those the rules accept marked, the rules' answer shown as soon as both are chosen,
a refusal naming the rule in French), the swap kept and re-applied after "Planifier", and who to
tell after a move or a swap."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from planner import notices
from planner.planning import SessionMove, move_session
from planner.planning.move_candidates import swap_options
from tests.app.conftest import button, ok, plan_demo, run_app, set_settings


def _key(session: tuple) -> str:
    unit_id, day, insee = session
    return f"{unit_id}|{day.isoformat()}|{insee}"


def _choose(at: AppTest, label: str, key: str) -> None:
    next(s for s in at.selectbox if s.label == label).set_value(key).run()


def test_swap_two_sessions_says_the_rules_answer_then_who_to_tell() -> None:
    at = run_app(coordinator=True)
    set_settings(at, weeks=2)
    plan_demo(at)
    work = at.session_state["work"]
    plan, instance = work.plan, work.inputs.instance()
    today = plan.start
    next(d for d in at.date_input if d.label.startswith("Aujourd'hui")).set_value(today)
    sessions = [(t.unit_id, t.date, s.insee) for t, s in plan.sessions() if t.date > today]
    first, accepted = next(
        (a, options[0]) for a in sessions if (options := swap_options(instance, plan, a, today=today, time_limit=1))
    )
    listed = {o.move.sessions[1] for o in swap_options(instance, plan, first, today=today, time_limit=1)}
    refused = next(b for b in sessions if b[1] != first[1] and b[2] != first[2] and b not in listed)
    _choose(at, "Séance", _key(first))
    ok(at)
    swap_with = next(s for s in at.selectbox if s.label == "Ou l'échanger avec la séance")
    marked = [label for label in swap_with.options if label.startswith("✓ ")]
    assert len(marked) == len(listed) and any(f"✓ : {len(listed)} échange(s)" in c.value for c in at.caption)

    _choose(at, "Ou l'échanger avec la séance", _key(refused))  # the rules' answer, before anything is made
    assert len(at.error) == 1 and "(règle « " in at.error[0].value and "Échange demandé : " in at.error[0].value
    assert not [b for b in at.button if b.label == "Échanger ces deux séances"]
    assert at.session_state["work"].plan is plan

    second = accepted.move.sessions[1]
    _choose(at, "Ou l'échanger avec la séance", _key(second))
    ok(at)
    assert any("Les règles acceptent cet échange" in s.value for s in at.success)
    assert at.session_state["work"].plan is plan
    button(at, "Échanger ces deux séances").click().run()
    ok(at)
    assert any(s.value.startswith("Séances échangées (") for s in at.success)
    assert at.session_state["work"].plan is plan  # offered beside the current plan, not yet kept
    expected = move_session(instance, plan, SessionMove.swap(first, second), today=today, time_limit=1).plan
    told = notices(instance, plan, expected)
    assert {first[2], second[2]} <= {n.key for n in told.communes}
    assert any(h.value == "À prévenir" for h in at.subheader)
    assert [e.label for e in at.expander if e.label in {n.name for n in told.communes}] == [
        n.name for n in told.communes
    ]
    button(at, "Accepter").click().run()
    ok(at)
    work = at.session_state["work"]
    assert [m.move for m in work.inputs.moves] == [SessionMove.swap(first, second)]
    assert work.plan.tours == expected.tours

    plan_demo(at)  # the swap is made again on the new plan
    ok(at)
    again = {(t.date, s.insee) for t, s in at.session_state["work"].plan.sessions()}
    assert {(second[1], first[2]), (first[1], second[2])} <= again
