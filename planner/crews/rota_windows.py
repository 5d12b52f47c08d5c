"""The window improvement of a large rota: parts of a few weeks' or one unit's tours solved in
turn, the rest of the incumbent fixed.

Apart from `planner.crews.rota_search` because the windows are a search of their own, with their
own budget and order (`windows`, `improve_by_windows`); the search only says which windows to run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from planner.crews import rota_rules
from planner.crews.posts import TourOrPost
from planner.crews.rota_cpsat import complete_hint, evaluate, hint_shifts, shifts_of_solution, solve
from planner.crews.rota_facts import iso_week
from planner.crews.rota_rules import RotaModel
from planner.domain.plan import Shift

#: Deterministic budget (CP-SAT work units, not seconds) of each window.
WINDOW_BUDGET = 0.3
#: Planning estimate of one window's seconds of computing (2 cores): ``time_limit`` buys
#: ``time_limit / WINDOW_SECONDS`` windows, a number that does not depend on the machine's speed
#: or load (no wall clock decides the rota: docs/architecture.md).
WINDOW_SECONDS = 2.5
#: Weeks of each time window (see `windows`), and passes over the windows at most.
WINDOW_WEEKS = 2
MAX_PASSES = 3


def windows(tours: Sequence[TourOrPost], *, by_unit: bool = True, weeks: int = WINDOW_WEEKS) -> list[frozenset[str]]:
    """Parts of the rota re-optimised in turn: each unit over the whole horizon (continuity of care
    lives there), then every few weeks of all units (fairness and maxima live there)."""
    units: dict[str, set[str]] = defaultdict(set)
    by_week: dict[tuple[int, int], set[str]] = defaultdict(set)
    for tour in tours:
        units[tour.unit_id].add(tour.key)
        by_week[iso_week(tour.date)].add(tour.key)
    ordered = sorted(by_week)
    spans = [ordered[i : i + weeks] for i in range(0, max(1, len(ordered) - weeks + 1), weeks)]
    parts = [frozenset(keys) for _, keys in sorted(units.items())] if by_unit else []
    parts += [frozenset(k for w in span for k in by_week[w]) for span in spans]
    return parts


def improve_by_windows(
    rm: RotaModel,
    best: list[Shift],
    parts: Sequence[frozenset[str]],
    *,
    offers: dict[str, int],
    time_limit: float,
    seed: int,
    workers: int,
    say: Callable[[float, str], None],
) -> list[Shift]:
    """``best`` improved window by window (``parts``, from `windows`): a fixed order, passes until
    one gains nothing (one when re-planning), at most ``time_limit / WINDOW_SECONDS`` windows in all;
    each run has a deterministic budget, so the same inputs give the same rota in any process, on
    any machine, under any load."""
    allowed = total = max(1, int(time_limit / WINDOW_SECONDS))  # fixed by the inputs: the same on any machine
    for number in range(1 if rm.keep else MAX_PASSES):
        gained = False
        for k, window in enumerate(parts):
            allowed -= 1
            if allowed < 0:
                return best
            fraction = 0.2 + 0.8 * (1.0 - allowed / total)
            say(fraction, f"Équipes : amélioration, passe {number + 1}, fenêtre {k + 1}/{len(parts)}")
            better = _improve_window(rm, best, window, offers=offers, seed=seed, workers=workers)
            if better is not None:
                gained = True
                best = better
        if not gained:
            break
    return best


def _improve_window(
    rm: RotaModel, best: list[Shift], window: frozenset[str], *, offers: dict[str, int], seed: int, workers: int
) -> list[Shift] | None:
    """The rota ``best`` with the tours of ``window`` solved again (`_window_model`) from the
    incumbent as its hint; None when that run changes nothing or finds nothing."""
    inside_keys = set(window)
    sub = _window_model(rm, best, inside_keys, offers=offers)
    incumbent = {(s.staff_id, s.post_key, s.role) for s in best if s.post_key in inside_keys}
    hint_shifts(sub, best)
    complete_hint(sub.model)
    values, _, _ = solve(sub.model, budget=WINDOW_BUDGET, seed=seed, workers=workers)
    found = evaluate(sub.model, values) if values is not None else None
    if found is None:
        return None
    window_shifts = shifts_of_solution(sub, found)
    if {(s.staff_id, s.post_key, s.role) for s in window_shifts} == incumbent:
        return None
    return [s for s in best if s.post_key not in inside_keys] + window_shifts


def _window_model(rm: RotaModel, best: list[Shift], inside_keys: set[str], *, offers: dict[str, int]) -> RotaModel:
    """The model of the tours ``inside_keys``, the incumbent ``best``'s other shifts fixed as frozen
    ones: they still count for maxima, fairness and continuity."""
    inside = tuple(t for t in rm.tours if t.key in inside_keys)
    outside = (*rm.frozen_tours, *(t for t in rm.tours if t.key not in inside_keys))
    fixed = tuple(s for s in (*best, *rm.frozen_shifts) if s.post_key not in inside_keys)
    sub, _ = rota_rules.build(
        rm.instance,
        inside,
        frozen_tours=outside,
        frozen_shifts=fixed,
        keep=rm.keep,
        offers=offers,
    )
    return sub
