"""Changing a published plan, whether by a re-plan or a manual move: what both need around it.

Before changing a published plan, the instance must still hold everything it names
(`check_published`), the travel must reach its sessions' sites even when their commune is no longer
visited (`published_travel`), and a plan made before the time grid keeps its timing
(`published_timing`). After, the new tours and shifts are assembled with its horizon, left-out
reasons, solver time and warnings (`changed_plan`, `changed_warnings`). Shared by
`planner.planning.replan` and `planner.planning.moves`, so neither imports the other for them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from planner.domain.errors import InputError, Problem
from planner.domain.instance import Instance
from planner.domain.plan import Plan, Shift, Tour, shift_times
from planner.domain.travel_matrix import TravelMatrix


def changed_plan(
    instance: Instance,
    published: Plan,
    tours: list[Tour],
    shifts: tuple[Shift, ...],
    travel: TravelMatrix,
    warnings: list[str],
    began: float,
    **assemble_options: Any,
) -> Plan:
    """``published`` after a change (a re-plan, a move): its new tours and shifts, assembled with its
    horizon, its left-out reasons and its solver time plus the change's (from ``began``)."""
    from planner.planning.pipeline import assemble

    reasons = {u.insee: u.reason for u in published.unserved}
    seconds = published.solver_seconds + time.perf_counter() - began
    plan = assemble(instance, tours, shifts, travel, warnings, seconds, reasons, **assemble_options)
    return replace(plan, start=published.start, weeks=published.weeks)


def published_travel(instance: Instance, published: Plan, roads: str = "estimate") -> TravelMatrix:
    """The travel matrix to change ``published`` with: the instance's places and the sites of the
    published sessions, needed even when their commune is no longer to be visited."""
    from planner.travel import travel_for

    sites = [instance.commune(s.insee).site.point for _, s in published.sessions() if instance.has_commune(s.insee)]
    return travel_for(instance, roads, also=sites)


def check_published(instance: Instance, published: Plan, source: str = "plan") -> None:
    """Raise `InputError` naming every unit, commune and person of ``published`` that ``instance``
    lacks: a plan re-planned on another territory (or on edited files) cannot be re-planned."""
    missing = {
        "unité": {t.unit_id for t in published.tours} | {s.unit_id for s in published.shifts},
        "commune": {s.insee for _, s in published.sessions()},
        "personne": {s.staff_id for s in published.shifts},
    }
    known = {
        "unité": {u.id for u in instance.units},
        "commune": {c.insee for c in instance.communes},
        "personne": {p.id for p in instance.staff},
    }
    problems = [
        Problem(
            source,
            None,
            None,
            f"{kind} « {ident} » du plan absente du territoire « {instance.name} » ; "
            "attendu : le plan publié de ce territoire (refaites-le avec « planner plan » si ses fichiers ont changé)",
        )
        for kind, idents in missing.items()
        for ident in sorted(idents - known[kind])
    ]
    if problems:
        raise InputError(problems)


#: What a re-plan says when the published plan predates the time grid and the set-up time.
UNGRIDDED_PLAN = (
    "plan publié sans grille horaire ni temps de mise en place (version antérieure) : re-planifié avec "
    "ses horaires d'origine ; refaites-le avec « planner plan » pour des horaires ronds"
)


def changed_warnings(published: Plan, explanations: Sequence[str], *, old_timing: bool) -> list[str]:
    """The warnings of ``published`` after a change: its own, the rota's ``explanations``, and
    `UNGRIDDED_PLAN` when the change kept the timing of a plan made before the time grid
    (`published_timing`)."""
    warnings = [*published.warnings, *explanations]
    if old_timing and UNGRIDDED_PLAN not in warnings:
        warnings.append(UNGRIDDED_PLAN)
    return warnings


def published_timing(instance: Instance, published: Plan) -> Instance:
    """``instance`` with the timing rules ``published`` was made with: its own, or — for a plan made
    before the time grid and the set-up time (sessions off the grid, shifts without set-up) — no
    grid and no set-up, so that its kept tours and past shifts stay valid as published."""
    rules = instance.rules
    tours = {t.key: t for t in published.tours}
    on_grid = all(t % rules.time_step == 0 for _, s in published.sessions() for t in (s.start, s.end))
    shifts_agree = all(
        (s.start, s.end) == shift_times(tours[s.tour_key], s.session, rules)
        for s in published.shifts
        if s.tour_key in tours and (s.session is None or 0 <= s.session < len(tours[s.tour_key].sessions))
    )
    if on_grid and shifts_agree:
        return instance
    return instance.replace(rules=replace(rules, time_step=1, setup_minutes=0))
