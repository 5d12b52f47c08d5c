"""What the app computes once per server and shares between sessions: territories, plans, travel.

Everything shared is frozen (`Instance`, `Plan`), so `st.cache_resource` can hand the same object
to every session. Pages never call the solver directly: they go through `compute_plan`.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future

import streamlit as st

from planner import PlanOptions, TourneeError, builtin_territories, load_territory
from planner import plan as solve_plan
from planner.domain import Instance, Plan, TravelMatrix
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


@st.cache_resource
def _plan_cache() -> tuple[OrderedDict[tuple[str, str], Future[Plan]], threading.Lock]:
    """One plan cache shared by every session of the server: a future per (instance, options).

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


def compute_plan(instance: Instance, options: PlanOptions, progress: ProgressFn | None = None) -> Plan:
    """Plan ``instance`` with ``options``; the same pair is solved only once per server."""
    cache, lock = _plan_cache()
    failed = _failed_plans()
    key = (fingerprint(instance), repr(options))
    with lock:
        owner = key not in cache
        if owner:
            cache[key] = Future()
            while len(cache) > MAX_CACHED_PLANS:
                cache.popitem(last=False)
        cache.move_to_end(key)
        future = cache[key]
    if not owner:
        if progress is not None and not future.done():
            progress(0.5, "Ce plan est déjà en cours de calcul : attente du résultat…")
        return future.result()
    try:
        result = solve_plan(instance, options, progress=progress)
    except BaseException as exc:
        with lock:
            cache.pop(key, None)  # a later request tries again
            failed[key] = None
            while len(failed) > MAX_CACHED_PLANS:
                failed.popitem(last=False)
        future.set_exception(exc)
        raise
    with lock:
        failed.pop(key, None)
    future.set_result(result)
    return result


def start_in_background(instance: Instance, options: PlanOptions) -> None:
    """Start solving ``instance`` with ``options`` in the background unless it is solved, under way
    or failed last time, so that the plan is (nearly) ready when the coordinator clicks
    « Planifier »: the click then waits for this same computation (`compute_plan`) instead of
    starting another."""
    cache, lock = _plan_cache()
    key = (fingerprint(instance), repr(options))
    with lock:
        if key in cache or key in _failed_plans():
            return

    def solve() -> None:
        try:
            compute_plan(instance, options)
        except Exception:  # the click will solve again and show the failure in plain words
            log.exception("planning %s in the background failed", instance.name)

    threading.Thread(target=solve, name=f"tournee-plan-{instance.name}", daemon=True).start()


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
