"""What the app computes once per server and shares between sessions: territories, plans, travel.

Everything shared is frozen (`Instance`, `Plan`), so `st.cache_resource` can hand the same object
to every session. Pages never call the solver directly: they go through `compute_plan`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field

import streamlit as st

from planner import PlanOptions, TourneeError, builtin_territories, load_territory
from planner import plan as solve_plan
from planner.domain import Instance, Plan, TravelMatrix, number_fr
from planner.inputs import DEMO_TERRITORY
from planner.publish import instance_fingerprint
from planner.travel import travel_for

log = logging.getLogger("tournee.app")

ProgressFn = Callable[[float, str], None]


def fingerprint(instance: Instance) -> str:
    """Cache key of an instance: a hash of its full value."""
    return instance_fingerprint(instance)


@st.cache_data(show_spinner=False)
def territory_names() -> list[str]:
    return list(builtin_territories())


@st.cache_resource(show_spinner="Chargement du territoire…", max_entries=16)
def builtin_instance(name: str) -> Instance:
    """A built-in territory, loaded once per server."""
    return load_territory(name)


def territory_title(name: str) -> str:
    """The title of a built-in territory (its name when it cannot be loaded)."""
    try:
        return builtin_instance(name).title or name
    except TourneeError:
        return name


#: Plans kept per server: one per (instance, options) pair, the oldest dropped first.
MAX_CACHED_PLANS = 16


@dataclass
class _Solve:
    """One solve under way or done: its result to come, and the last step it reported, so that every
    page waiting for it shows the solver's real progress."""

    future: Future[Plan] = field(default_factory=Future)
    began: float = field(default_factory=time.perf_counter)
    fraction: float = 0.0
    message: str = "Préparation…"

    def report(self, fraction: float, message: str) -> None:
        self.fraction, self.message = min(max(float(fraction), 0.0), 1.0), message


@st.cache_resource
def _plan_cache() -> tuple[OrderedDict[tuple[str, str], _Solve], threading.Lock]:
    """One plan cache shared by every session of the server: a solve per (instance, options).

    Not `st.cache_resource` on the solve itself: that would record the progress bar drawn during
    the solve and replay it, on a later cache hit, into a page where that bar does not exist.
    Futures let a second request for a plan being solved wait for it instead of solving it again.
    """
    return OrderedDict(), threading.Lock()


@st.cache_resource
def _failed_plans() -> OrderedDict[tuple[str, str], None]:
    """The (instance, options) pairs whose last solve failed: not started again in the background
    (each rerun of a page would solve them again, for nothing); a click on « Planifier » still does."""
    return OrderedDict()


#: Seconds between two redraws of a waiting page's progress bar (the elapsed time keeps counting).
POLL_SECONDS = 0.5


def _solve(instance: Instance, options: PlanOptions, *, retry: bool) -> _Solve | None:
    """The solve of ``instance`` with ``options``: the one under way or done, else a new one started in
    a thread (not when the last one failed, unless ``retry``)."""
    cache, lock = _plan_cache()
    failed = _failed_plans()
    key = (fingerprint(instance), repr(options))
    with lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        if key in failed and not retry:
            return None
        solve = cache[key] = _Solve()
        while len(cache) > MAX_CACHED_PLANS:
            cache.popitem(last=False)

    def run() -> None:
        try:
            result = solve_plan(instance, options, progress=solve.report)
        except BaseException as exc:  # handed to whoever waits for the plan
            log.warning("planning %s failed: %s", instance.name, exc)
            with lock:
                if cache.get(key) is solve:
                    cache.pop(key)  # a later request tries again
                failed[key] = None
                while len(failed) > MAX_CACHED_PLANS:
                    failed.popitem(last=False)
            solve.future.set_exception(exc)
            return
        with lock:
            failed.pop(key, None)
        solve.future.set_result(result)

    threading.Thread(target=run, name=f"tournee-plan-{instance.name}", daemon=True).start()
    return solve


def compute_plan(instance: Instance, options: PlanOptions, progress: ProgressFn | None = None) -> Plan:
    """Plan ``instance`` with ``options``; the same pair is solved only once per server.

    ``progress(fraction, message)`` follows the solve's own steps, with the seconds elapsed, whether
    this call started it or finds it under way (started in the background, or by another session).
    """
    solve = _solve(instance, options, retry=True)
    assert solve is not None  # retry=True always gives a solve
    while progress is not None and not wait([solve.future], timeout=POLL_SECONDS).done:
        seconds = number_fr(time.perf_counter() - solve.began, 0)
        progress(solve.fraction, f"{solve.message} ({seconds} s)")
    return solve.future.result()


def start_in_background(instance: Instance, options: PlanOptions) -> None:
    """Start solving ``instance`` with ``options`` in the background unless it is solved, under way
    or failed last time, so that the plan is (nearly) ready when the coordinator clicks
    « Planifier »: the click then waits for this same computation (`compute_plan`) instead of
    starting another."""
    _solve(instance, options, retry=False)


@st.cache_resource(show_spinner=False)
def start_demo_warmup() -> None:
    """Solve the demo plan in the background once per server, so that it is ready when asked for."""
    start_in_background(builtin_instance(DEMO_TERRITORY), default_options())


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs={Instance: fingerprint})
def _cached_travel(instance: Instance, options_key: str, _options: PlanOptions) -> TravelMatrix:
    return travel_for(instance, _options.roads)


def travel(instance: Instance, options: PlanOptions) -> TravelMatrix:
    """The travel matrix `plan` computes for ``instance`` with ``options`` (from ``options.roads``),
    once per server: the legs drawn on the map, manual moves and re-plans use it."""
    return _cached_travel(instance, repr(options), options)


def default_options() -> PlanOptions:
    return PlanOptions()
