"""Sessions given to communes worth more after planning (planner/crews/session_swaps.py): a swap on
the same day, or a chain through a priority-zone commune another bus can take over; the plan stays
valid and serves more need."""

from __future__ import annotations

from dataclasses import replace

from planner import PlanOptions, plan, validate
from planner.crews.session_swaps import PlanDays, swap_sessions
from planner.domain.french import percent_fr
from planner.domain.instance import Commune, Instance, Point, Rules
from planner.planning.pipeline import assemble, swaps_note
from planner.results.kpis import Targets, need_shares
from planner.travel import travel_for
from tests.support import builders

GREEDY = PlanOptions(time_limit=1, method="greedy")


def _planned_without(instance: Instance, insee: str):
    """The greedy plan of ``instance`` with commune ``insee`` left out of it: a commune that waits."""
    without = replace(instance, communes=tuple(c for c in instance.communes if c.insee != insee))
    return plan(without, GREEDY)


def _changed(instance: Instance, result):
    travel = travel_for(instance, "estimate")
    tours, shifts, changed = swap_sessions(
        instance, result.tours, result.shifts, travel, Targets.of(instance, travel).visits
    )
    before = assemble(instance, result.tours, result.shifts, travel, [], 0.0)
    after = assemble(instance, tours, tuple(shifts), travel, [], 0.0)
    return tours, changed, before, after


def test_a_session_goes_to_a_waiting_commune_of_greater_need_validly(small_instance):
    """A commune of large need, near the others, left out of the plan: a session of a commune of
    less need is given to it, the plan stays valid and serves more need."""
    big = "76005"
    instance = replace(
        small_instance, communes=(*small_instance.communes, builders.commune(big, 49.93, 1.18, need=900))
    )
    result = _planned_without(instance, big)
    tours, changed, before, after = _changed(instance, result)
    assert changed > 0 and any(s.insee == big for t in tours for s in t.sessions)
    assert validate(instance, after) == []
    assert after.kpis["need_served_share"] > before.kpis["need_served_share"]
    assert sum(len(t.sessions) for t in tours) == sum(len(t.sessions) for t in result.tours)


def test_priority_zone_and_pinned_sessions_never_go_to_a_commune_outside_priority_zones(small_instance):
    """The same waiting commune, but every visited commune is in a priority zone or pinned: nothing
    changes (priority zones come first; a coordinator's pin is kept)."""
    from planner.domain.instance import Pin

    big = "76005"
    communes = tuple(replace(c, priority=c.insee != "76001") for c in small_instance.communes)
    instance = replace(small_instance, communes=(*communes, builders.commune(big, 49.93, 1.18, need=900)))
    result = _planned_without(instance, big)
    first = next(t for t in result.tours if any(x.insee == "76001" for x in t.sessions))
    pinned = instance.replace(rules=replace(instance.rules, pins=(Pin("76001", first.date.weekday()),)))
    tours, changed, _, _ = _changed(pinned, result)
    assert changed == 0 and tours == sorted(result.tours, key=lambda t: (t.date, t.unit_id))


def test_a_priority_zone_session_goes_to_more_priority_zone_need(small_instance):
    """Every commune in a priority zone, and a large one left out: a session of a smaller one is given
    to it; the plan stays valid and serves more of the priority zones' need."""
    big = "76005"
    communes = tuple(replace(c, priority=True) for c in small_instance.communes)
    large = builders.commune(big, 49.93, 1.18, need=900, priority=True)
    instance = replace(small_instance, communes=(*communes, large))
    result = _planned_without(instance, big)
    tours, changed, before, after = _changed(instance, result)
    assert changed > 0 and any(s.insee == big for t in tours for s in t.sessions)
    assert validate(instance, after) == []
    assert after.kpis["priority_need_served_share"] > before.kpis["priority_need_served_share"]


def test_swaps_try_the_sessions_worth_least_first(small_instance):
    """The swaps try every movable session, those outside priority zones first, each by what its
    visit is worth (the least first), so that a waiting commune takes the least need that gives it a
    session (docs/architecture.md, « Swaps, cheapest first »)."""
    communes = tuple(replace(c, priority=c.insee == "76002") for c in small_instance.communes)
    instance = replace(small_instance, communes=communes)
    result = plan(instance, GREEDY)
    travel = travel_for(instance, "estimate")
    days = PlanDays(instance, result.tours, result.shifts, travel, Targets.of(instance, travel).visits)
    tried: list[tuple[str, str]] = []
    days.cheapest_first(lambda key, insee: tried.append((key, insee)))
    assert sorted(tried) == sorted((t.key, s.insee) for t in result.tours for s in t.sessions)
    order = [(instance.commune(insee).priority, days.worth(instance.commune(insee), -1)) for _, insee in tried]
    assert order == sorted(order) and order[0][1] < order[-2][1]


def test_a_chain_frees_a_bus_for_a_commune_only_it_reaches(small_instance):
    """Bus A visits a priority-zone commune P, bus M a small commune L; a large commune E waits that
    only A reaches. M takes P over (its priority-zone need unchanged) and A serves E."""
    west, east = Point("Ouest", 49.90, 1.00), Point("Est", 49.90, 1.95)
    units = (
        builders.bus("bus-a", depot=west, days=frozenset({0}), sessions_per_day=1),
        builders.bus("bus-m", depot=east, days=frozenset({0}), sessions_per_day=1),
    )
    communes = (
        builders.commune("76010", 49.90, 1.45, need=100, priority=True),  # P: both buses reach it
        builders.commune("76011", 49.90, 1.90, need=20),  # L: beside M's depot
        builders.commune("76012", 49.90, 1.05, need=900),  # E: beside A's depot, beyond M's reach
    )
    instance = Instance("chaine", communes, units, small_instance.staff, Rules(start=builders.MONDAY, weeks=1))
    result = _planned_without(instance, "76012")
    visits = {t.unit_id: [s.insee for s in t.sessions] for t in result.tours}
    assert visits == {"bus-a": ["76010"], "bus-m": ["76011"]}
    tours, changed, before, after = _changed(instance, result)
    assert changed == 2
    assert {t.unit_id: [s.insee for s in t.sessions] for t in tours} == {"bus-a": ["76012"], "bus-m": ["76010"]}
    assert validate(instance, after) == []
    assert after.kpis["priority_need_served_share"] == before.kpis["priority_need_served_share"]
    assert after.kpis["need_served_share"] > before.kpis["need_served_share"]


def _far_priority_commune(small_instance: Instance) -> Instance:
    """A bus's day holds two communes beside its depot, outside priority zones; a priority-zone
    commune waits within its reach, too far from both for the 30-minute rule."""
    west = Point("Ouest", 49.90, 1.00)
    units = (builders.bus("bus-a", depot=west, days=frozenset({0}), sessions_per_day=2),)
    communes = (
        builders.commune("76020", 49.90, 1.02, need=50),
        builders.commune("76021", 49.91, 1.03, need=40),
        builders.commune("76022", 49.90, 1.45, need=10, priority=True),
    )
    return Instance("journee", communes, units, small_instance.staff, Rules(start=builders.MONDAY, weeks=1))


def test_a_far_priority_zone_commune_takes_a_whole_day_none_of_its_communes_pairs_with(small_instance):
    """The far priority-zone commune (`_far_priority_commune`): no swap of one session can take it,
    the whole day goes to it (priority zones first), and the plan stays valid."""
    instance = _far_priority_commune(small_instance)
    result = _planned_without(instance, "76022")
    assert [sorted(s.insee for s in t.sessions) for t in result.tours] == [["76020", "76021"]]
    tours, changed, before, after = _changed(instance, result)
    assert [[s.insee for s in t.sessions] for t in tours] == [["76022"]] and changed == 2
    assert validate(instance, after) == []
    assert after.kpis["priority_need_served_share"] > before.kpis["priority_need_served_share"]


def _a_beside_its_depot_m_on_p(small_instance: Instance, name: str, *waiting: Commune):
    """Bus A (west, two sessions a day) holds two communes beside its depot; bus M (east, one session)
    visits a priority-zone commune P both buses reach, too far from A's communes to share their day;
    ``waiting`` communes are left out of that plan. Returns the instance and the plan."""
    west, east = Point("Ouest", 49.90, 1.00), Point("Est", 49.90, 1.95)
    units = (
        builders.bus("bus-a", depot=west, days=frozenset({0}), sessions_per_day=2),
        builders.bus("bus-m", depot=east, days=frozenset({0}), sessions_per_day=1),
    )
    planned = (
        builders.commune("76020", 49.90, 1.02, need=50),
        builders.commune("76021", 49.91, 1.03, need=40),
        builders.commune("76010", 49.90, 1.45, need=100, priority=True),  # P
    )
    rules = Rules(start=builders.MONDAY, weeks=1)
    instance = Instance(name, (*planned, *waiting), units, small_instance.staff, rules)
    kept = (replace(units[0], places=("76020", "76021")), units[1])
    result = plan(replace(instance, communes=planned, units=kept), GREEDY)
    visits = {t.unit_id: sorted(s.insee for s in t.sessions) for t in result.tours}
    assert visits == {"bus-a": ["76020", "76021"], "bus-m": ["76010"]}
    return instance, result


def test_a_day_given_whole_to_a_far_commune_then_starts_a_chain(small_instance):
    """Bus A's day holds two communes beside its depot, bus M visits P (`_a_beside_its_depot_m_on_p`);
    two priority-zone communes wait: F, far from A's communes, and W, larger, beside M's depot and
    beyond A's reach. The day goes whole to F, then a chain starts from it: A takes P over and M
    serves W — as PyVRP did on Gers-Armagnac's week (docs/architecture.md)."""
    instance, result = _a_beside_its_depot_m_on_p(
        small_instance,
        "relais",
        builders.commune("76022", 49.95, 1.45, need=10, priority=True),  # F
        builders.commune("76023", 49.90, 1.90, need=50, priority=True),  # W
    )
    tours, changed, before, after = _changed(instance, result)
    assert {t.unit_id: [s.insee for s in t.sessions] for t in tours} == {"bus-a": ["76010"], "bus-m": ["76023"]}
    assert changed > 0 and validate(instance, after) == []
    assert after.kpis["priority_need_served_share"] > before.kpis["priority_need_served_share"]


def test_a_whole_day_goes_to_a_priority_zone_commune_so_that_another_bus_serves_a_larger_one(small_instance):
    """Bus A's day holds two communes beside its depot, bus M visits P (`_a_beside_its_depot_m_on_p`);
    a large commune E waits beside M's depot, beyond A's reach. No swap or chain of one session can
    serve E: A gives its whole day to P (its priority-zone need unchanged) and M serves E, worth
    more than A's two sessions — as the bound of the rules did on Gers-Armagnac
    (docs/architecture.md, « A whole day in a chain »)."""
    large = builders.commune("76023", 49.90, 1.90, need=900)  # E
    instance, result = _a_beside_its_depot_m_on_p(small_instance, "journee-relais", large)
    tours, changed, before, after = _changed(instance, result)
    assert {t.unit_id: [s.insee for s in t.sessions] for t in tours} == {"bus-a": ["76010"], "bus-m": ["76023"]}
    assert changed == 3 and validate(instance, after) == []
    assert after.kpis["priority_need_served_share"] == before.kpis["priority_need_served_share"]
    assert after.kpis["need_served_share"] > before.kpis["need_served_share"]


def test_the_swaps_run_again_for_the_communes_a_whole_day_leaves_waiting(small_instance):
    """Bus A's day holds A and B beside its depot, bus S's day a small commune S; a far priority-zone
    commune F waits that only bus A may serve. The day goes whole to F (priority zones first), which
    leaves A waiting, and only a second round's swap gives it S's session: S's day ends with A."""
    instance = _far_priority_commune(small_instance)
    small = builders.commune("76030", 49.89, 1.01, need=5)
    bus_s = builders.bus("bus-s", depot=Point("Ouest", 49.90, 1.00), days=frozenset({0}), sessions_per_day=1)
    units = (
        replace(instance.units[0], places=("76020", "76021", "76022")),
        replace(bus_s, places=("76020", "76021", "76030")),
    )
    instance = replace(instance, communes=(*instance.communes, small), units=units)
    start = replace(instance, units=(replace(units[0], places=("76020", "76021")), replace(bus_s, places=("76030",))))
    result = plan(replace(start, communes=tuple(c for c in instance.communes if c.insee != "76022")), GREEDY)
    visits = {t.unit_id: sorted(s.insee for s in t.sessions) for t in result.tours}
    assert visits == {"bus-a": ["76020", "76021"], "bus-s": ["76030"]}
    tours, changed, before, after = _changed(instance, result)
    assert {t.unit_id: [s.insee for s in t.sessions] for t in tours} == {"bus-a": ["76022"], "bus-s": ["76020"]}
    assert changed == 3 and validate(instance, after) == []
    assert after.kpis["priority_need_served_share"] > before.kpis["priority_need_served_share"]


def _note_of(instance: Instance, result) -> tuple[str, dict]:
    """The plan's note on the swaps of ``result``, and the KPIs of the plan after them."""
    travel = travel_for(instance, "estimate")
    targets = Targets.of(instance, travel)
    tours, changed, _, after = _changed(instance, result)
    before_shares, after_shares = need_shares(instance, result.tours, targets), need_shares(instance, tours, targets)
    return swaps_note(changed, 0, before_shares, after_shares), after.kpis


def test_the_note_says_what_a_priority_zone_gain_cost_in_need(small_instance):
    """The whole day given to the far priority-zone commune serves it and drops two communes of more
    need: the note gives both shares as the plan's KPIs count them, and says the gain cost need (it
    once said "pour servir plus de besoin" on the Orne département, where need fell 55.6 → 51.9 %)."""
    instance = _far_priority_commune(small_instance)
    note, kpis = _note_of(instance, _planned_without(instance, "76022"))
    assert f"en zones prioritaires {percent_fr(0.0, 2)} → {percent_fr(kpis['priority_need_served_share'], 2)}" in note
    assert f"→ {percent_fr(kpis['need_served_share'], 2)}" in note
    assert "leur gain a coûté du besoin ailleurs" in note and "pour servir plus de besoin" not in note


def test_the_note_of_a_need_gain_claims_no_cost(small_instance):
    """A session given to a waiting commune of larger need: the note gives the need share it rose to
    and claims no cost."""
    big = "76005"
    instance = replace(
        small_instance, communes=(*small_instance.communes, builders.commune(big, 49.93, 1.18, need=900))
    )
    note, kpis = _note_of(instance, _planned_without(instance, big))
    assert f"→ {percent_fr(kpis['need_served_share'], 2)}." in note
    assert "coûté" not in note and "zones prioritaires " not in note.split("Besoin servi")[1]
