"""The coordinator's manual moves: one session to another day, unit or time, the plan staying valid.

`move_session` takes the session out of its day and puts it into the target day, re-timing both days
with the day routing (`planner.tours.day_routing.route_day`, the requested start as the session's
only allowed start), keeps every other tour as it is, and re-crews with the plan's shifts kept (each
changed shift is costly; nothing before ``today`` changes), like a re-plan (`planner.planning.replan`).
A move that would break a hard rule is refused with `MoveRefused` (``rule``: the validator's code),
whose French message ends with the rule's French name (`planner.check.rule_fr`, e.g. « règle « heures
de service » »); a move to where the session already is (``NO_CHANGE``) is refused too. Quick checks
of the target day first, then the day's timing, the crews, and finally the independent validator on
the whole new plan. The quick checks and the refusals are `planner.planning.move_checks`, the
re-timing of the two days `planner.planning.move_timing`; a swap of two sessions is
`planner.planning.swap` and the list of the places a session may go `planner.planning.move_candidates`,
both finished here (`finish_move`).

A plan made before the time grid keeps its own timing, as in a re-plan
(`planner.planning.published_plan.published_timing`), and says so in its warnings.

Moves are kept with a plan's inputs (`planner.publish.plan_inputs`) and re-applied after a re-plan by
`reapply_moves`: one that no longer applies is said in the plan's warnings, never dropped silently.
A swap is a `SessionMove` with ``swap_with`` (`SessionMove.swap`): `move_session` hands it to
`planner.planning.swap`, so it is kept, carried over and re-applied like any move.

A move made from a version older than the newest one first carries over what the newer versions
accepted (``carried``: `planner.planning.changes.CarriedOver`, through `replan`), then moves the
session on that plan; what cannot be carried over, or a session the newer versions removed or moved,
is refused naming the versions and changes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from planner.crews.rota_search import assign_crews, shift_key
from planner.domain.errors import MoveRefused
from planner.domain.french import date_fr
from planner.domain.instance import Instance
from planner.domain.plan import Plan, Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.planning.changes import (
    CarriedOver,
    CarryOverRefused,
    CommuneClosed,
    SessionMove,
    UnitOutOfService,
    apply_carried,
    refusal_text,
    unit_name,
)
from planner.planning.move_checks import PRECHECKS, check_no_change, refused, source_tour, target_unit_of
from planner.planning.move_timing import moved_tours, timing_lines
from planner.planning.published_plan import (
    changed_plan,
    changed_warnings,
    check_published,
    published_timing,
    published_travel,
)
from planner.planning.replan import REPLAN_ROTA_SECONDS
from planner.planning.replan_text import crew_diff


@dataclass(frozen=True)
class MoveResult:
    """The new plan and, in French, what changed: the move, re-timed sessions, crews.

    ``shifts_changed`` counts the plan's shifts that the new plan no longer has (given to someone
    else, or of a tour that no longer exists). ``carried`` says what was carried over from newer
    versions (one line per version, `CarriedOver.lines`).
    """

    plan: Plan
    diff: tuple[str, ...]
    shifts_changed: int
    carried: tuple[str, ...] = ()


def move_session(
    instance: Instance,
    plan: Plan,
    move: SessionMove,
    *,
    today: date,
    travel: TravelMatrix | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    carried: CarriedOver | None = None,
) -> MoveResult:
    """Move one session of ``plan`` as ``move`` says; the result has passed the validator.

    Parameters
    ----------
    instance
        The instance the plan was made for (with its accepted changes, pins and banned days).
    today
        Nothing dated before it moves, nor is re-crewed.
    travel
        The plan's travel matrix; ``None`` uses the default (great-circle estimate).
    time_limit
        Seconds for the rota (``None``: `REPLAN_ROTA_SECONDS`).
    carried
        What the versions newer than ``plan`` accepted (`changes_since`): carried over first (see
        `replan`), the move then made on that plan.

    Raises
    ------
    MoveRefused
        When the move breaks a hard rule (the message, in French, names the rule).
    CarryOverRefused
        When ``carried`` cannot be carried over, or the newer versions removed or moved the session.
    InputError
        When the plan names a unit, commune or person the instance lacks.
    """
    if carried:
        return _move_carrying(instance, plan, move, carried, today, travel, time_limit, seed)
    if move.swap_with:
        from planner.planning.swap import swap_sessions

        first, second = move.sessions
        return swap_sessions(
            instance, plan, first, second, today=today, travel=travel, time_limit=time_limit, seed=seed
        )
    began = time.perf_counter()
    check_published(instance, plan)
    gridded = instance
    instance = published_timing(instance, plan)  # a plan made before the time grid keeps its timing
    source = source_tour(instance, plan, move)
    unit = target_unit_of(instance, move)
    commune = instance.commune(move.insee)
    check_no_change(instance, move, source)
    for check in PRECHECKS:
        reason = check(instance, plan, move, unit, today)
        if reason:
            raise refused(*reason)
    travel = travel or published_travel(instance, plan)
    changed = moved_tours(instance, plan, move, source, unit, commune, travel)
    affected = {source.key, f"{unit.id}/{move.to_day.isoformat()}"}
    headline = f"Séance déplacée — {move.text(instance)}"
    run = MoveRun(today, travel, time_limit, seed, began, gridded)
    return finish_move(instance, plan, changed, affected, headline, run)


@dataclass(frozen=True)
class MoveRun:
    """How a move or a swap is made: its ``today``, travel, rota time and seed, when it began, and the
    instance before the published timing (`published_timing`)."""

    today: date
    travel: TravelMatrix
    time_limit: float | None
    seed: int
    began: float
    gridded: Instance


def finish_move(
    instance: Instance, plan: Plan, changed: list[Tour], affected: set[str], headline: str, run: MoveRun
) -> MoveResult:
    """``plan`` with the ``affected`` tours replaced by ``changed``, re-crewed (the plan's shifts kept
    where they can be) and validated; what changed, after ``headline``."""
    from planner.check.validate import validate_as_made

    by_key = {t.key: t for t in plan.tours}
    tours = [t for t in plan.tours if t.key not in affected] + changed
    rota = assign_crews(
        instance, tours, time_limit=run.time_limit or REPLAN_ROTA_SECONDS, seed=run.seed, keep=plan.shifts,
        frozen_before=run.today,
    )  # fmt: skip
    if rota.uncrewed:
        names = ", ".join(_post_text(instance, key) for key in rota.uncrewed)
        raise refused("CREW", f"Refusé : aucune équipe complète pour {names}")
    warnings = changed_warnings(plan, rota.explanations, old_timing=instance is not run.gridded)
    new = changed_plan(instance, plan, tours, rota.shifts, run.travel, warnings, run.began, search=plan.search)
    violations = validate_as_made(instance, new, run.travel)
    if violations:
        first = violations[0]
        raise refused(first.rule, f"Refusé : {first.message}")
    new_keys = {shift_key(s) for s in new.shifts}
    shifts_changed = sum(1 for s in plan.shifts if shift_key(s) not in new_keys)
    diff = [headline]
    diff += timing_lines(instance, [by_key[k] for k in sorted(affected) if k in by_key], changed)
    diff += [text for _, text in crew_diff(instance, new.tours, plan.shifts, new.shifts)]
    kept = {t.key for t in new.tours}
    for gone in (by_key[k] for k in sorted(affected) if k in by_key and k not in kept):
        cancelled = sum(1 for s in plan.shifts if s.tour_key == gone.key)
        diff.append(f"{date_fr(gone.date)} — {unit_name(instance, gone.unit_id)} : {cancelled} garde(s) annulée(s)")
    return MoveResult(new, tuple(diff), shifts_changed)


def reapply_moves(
    instance: Instance,
    plan: Plan,
    moves: Sequence[tuple[SessionMove, date]],
    *,
    travel: TravelMatrix | None = None,
    time_limit: float | None = None,
) -> tuple[Plan, tuple[SessionMove, ...]]:
    """``plan`` with each of ``moves`` (a move and the ``today`` it was made on) applied in turn, and
    the moves that still applied.

    A move that no longer applies (its session is gone, or the new plan refuses it) is skipped and
    said in the plan's warnings, with the reason.
    """
    kept, notes = [], []
    travel = travel or (published_travel(instance, plan) if moves else None)  # moves keep the same places
    for move, today in moves:
        try:
            plan = move_session(instance, plan, move, today=today, travel=travel, time_limit=time_limit).plan
            kept.append(move)
        except MoveRefused as refusal:
            what = "échange" if move.swap_with else "déplacement"
            notes.append(f"{what} non réappliqué ({move.text(instance)}) : {refusal}")
    if notes:
        plan = replace(plan, warnings=(*plan.warnings, *notes))
    return plan, tuple(kept)


def _move_carrying(
    instance: Instance,
    plan: Plan,
    move: SessionMove,
    carried: CarriedOver,
    today: date,
    travel: TravelMatrix | None,
    time_limit: float | None,
    seed: int,
) -> MoveResult:
    """`move_session` from an older version: ``plan`` re-planned with what ``carried`` holds, then
    the move made on it; the diff starts with what the carrying over changed."""
    from planner.planning.replan import replan

    travel = travel or published_travel(instance, plan)
    again = replan(instance, plan, [], today=today, time_limit=time_limit, travel=travel, seed=seed, carried=carried)
    had, has = (
        all(_holds(p, session) for session in move.sessions) for p in (plan, again.plan)
    )  # a swap needs both of its sessions
    if had and not has:
        culprits = _culprits(carried, move)
        what = "l'une des séances à échanger" if move.swap_with else "la séance à déplacer"
        why = f"ils suppriment ou déplacent {what}, {move.text(instance)}"
        named = culprits or carried
        raise CarryOverRefused(named.versions, refusal_text(named, named.texts(instance), why))
    try:
        moved = move_session(
            apply_carried(instance, carried), again.plan, move, today=today, travel=travel,
            time_limit=time_limit, seed=seed,
        )  # fmt: skip
    except MoveRefused as refusal:
        note = f" ; ce plan reprend d'abord {' ; '.join(carried.texts(instance))}"
        raise MoveRefused(refusal.rule, f"{refusal}{note}") from None
    new_keys = {shift_key(s) for s in moved.plan.shifts}
    shifts_changed = sum(1 for s in plan.shifts if shift_key(s) not in new_keys)
    return MoveResult(moved.plan, (*again.diff, *moved.diff), shifts_changed, again.carried)


def _culprits(carried: CarriedOver, move: SessionMove) -> CarriedOver:
    """The carried changes and moves that remove or move the session ``move`` names (none found: the
    session lost its crew to a carried absence, or its day to several changes together)."""
    changes = tuple(
        dict.fromkeys(
            (c, today, v)
            for c, today, v in carried.changes
            for unit_id, day, insee in move.sessions
            if (isinstance(c, CommuneClosed) and c.insee == insee and day in c.dates)
            or (isinstance(c, UnitOutOfService) and c.unit_id == unit_id and c.first <= day <= c.last)
        )
    )  # a change that touches both sessions of a swap is named once
    moves = tuple((m, today, v) for m, today, v in carried.moves if set(m.sessions) & set(move.sessions))
    return replace(carried, changes=changes, moves=moves)


def _holds(plan: Plan, session: tuple[str, date, str]) -> bool:
    """Whether ``plan`` has ``session`` (unit id, day, INSEE code)."""
    key = f"{session[0]}/{session[1].isoformat()}"
    return any(t.key == key and any(s.insee == session[2] for s in t.sessions) for t in plan.tours)


def _post_text(instance: Instance, key: str) -> str:
    unit_id, _, rest = key.partition("/")
    return f"{unit_name(instance, unit_id)} le {date_fr(date.fromisoformat(rest[:10]))}"
