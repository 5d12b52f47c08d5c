"""The coordinator's manual moves: one session to another day, unit or time, the plan staying valid.

`move_session` takes the session out of its day and puts it into the target day, re-timing both days
with the day routing (`planner.tours.day_routing.route_day`, the requested start as the session's
only allowed start), keeps every other tour as it is, and re-crews with the plan's shifts kept (each
changed shift is costly; nothing before ``today`` changes), like a re-plan (`planner.planning.replan`).
A move that would break a hard rule is refused with `MoveRefused`, whose French message names the
rule (the validator's rule names): quick checks of the target day first, then the day's timing, the
crews, and finally the independent validator on the whole new plan.

A plan made before the time grid keeps its own timing, as in a re-plan
(`planner.planning.replan.published_timing`), and says so in its warnings.

Moves are kept with a plan's inputs (`planner.publish.plan_inputs`) and re-applied after a re-plan by
`reapply_moves`: one that no longer applies is said in the plan's warnings, never dropped silently.

A move made from a version older than the newest one first carries over what the newer versions
accepted (``carried``: `planner.planning.changes.CarriedOver`, through `replan`), then moves the
session on that plan; what cannot be carried over, or a session the newer versions removed or moved,
is refused naming the versions and changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from planner.crews.rota_search import assign_crews, shift_key
from planner.domain.calendar import public_holidays
from planner.domain.errors import MoveRefused
from planner.domain.french import WEEKDAYS_FR, date_fr, hhmm
from planner.domain.instance import Commune, Instance, TimeWindow, Unit, UnitKind
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
from planner.planning.replan import (
    REPLAN_ROTA_SECONDS,
    changed_plan,
    changed_warnings,
    check_published,
    crew_diff,
    published_timing,
    published_travel,
)
from planner.tours.day_routing import route_day_by_rules


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
    from planner.check.validate import validate_as_made

    if carried:
        return _move_carrying(instance, plan, move, carried, today, travel, time_limit, seed)
    began = time.perf_counter()
    check_published(instance, plan)
    gridded = instance
    instance = published_timing(instance, plan)  # a plan made before the time grid keeps its timing
    source = _source_tour(instance, plan, move)
    unit = _target_unit(instance, move)
    commune = instance.commune(move.insee)
    for check in PRECHECKS:
        reason = check(instance, plan, move, unit, today)
        if reason:
            raise MoveRefused(*reason)
    travel = travel or published_travel(instance, plan)
    changed = _moved_tours(instance, plan, move, source, unit, commune, travel)
    by_key = {t.key: t for t in plan.tours}
    affected = {source.key, f"{unit.id}/{move.to_day.isoformat()}"}
    tours = [t for t in plan.tours if t.key not in affected] + changed
    rota = assign_crews(
        instance, tours, time_limit=time_limit or REPLAN_ROTA_SECONDS, seed=seed, keep=plan.shifts, frozen_before=today
    )
    if rota.uncrewed:
        names = ", ".join(_post_text(instance, key) for key in rota.uncrewed)
        raise MoveRefused("CREW", f"Refusé : aucune équipe complète pour {names} (règle CREW)")
    warnings = changed_warnings(plan, rota.explanations, old_timing=instance is not gridded)
    new = changed_plan(instance, plan, tours, rota.shifts, travel, warnings, began, search=plan.search)
    violations = validate_as_made(instance, new, travel)
    if violations:
        first = violations[0]
        raise MoveRefused(first.rule, f"Refusé : {first.message} (règle {first.rule})")
    new_keys = {shift_key(s) for s in new.shifts}
    shifts_changed = sum(1 for s in plan.shifts if shift_key(s) not in new_keys)
    diff = [f"Séance déplacée — {move.text(instance)}"]
    diff += _timing_lines(instance, [by_key[k] for k in sorted(affected) if k in by_key], changed)
    diff += [text for _, text in crew_diff(instance, new.tours, plan.shifts, new.shifts)]
    if source.key not in {t.key for t in new.tours}:
        cancelled = sum(1 for s in plan.shifts if s.tour_key == source.key)
        diff.append(f"{date_fr(source.date)} — {unit_name(instance, source.unit_id)} : {cancelled} garde(s) annulée(s)")
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
            notes.append(f"déplacement non réappliqué ({move.text(instance)}) : {refusal}")
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
    key = f"{move.unit_id}/{move.day.isoformat()}"
    had = any(t.key == key and any(s.insee == move.insee for s in t.sessions) for t in plan.tours)
    has = any(t.key == key and any(s.insee == move.insee for s in t.sessions) for t in again.plan.tours)
    if had and not has:
        culprits = _culprits(carried, move)
        why = f"ils suppriment ou déplacent la séance à déplacer, {move.text(instance)}"
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
        (c, today, v)
        for c, today, v in carried.changes
        if (isinstance(c, CommuneClosed) and c.insee == move.insee and move.day in c.dates)
        or (isinstance(c, UnitOutOfService) and c.unit_id == move.unit_id and c.first <= move.day <= c.last)
    )
    moves = tuple(
        (m, today, v)
        for m, today, v in carried.moves
        if (m.unit_id, m.day, m.insee) == (move.unit_id, move.day, move.insee)
    )
    return replace(carried, changes=changes, moves=moves)


# --- the session and the target --------------------------------------------------------------


def _source_tour(instance: Instance, plan: Plan, move: SessionMove) -> Tour:
    key = f"{move.unit_id}/{move.day.isoformat()}"
    tour = next((t for t in plan.tours if t.key == key), None)
    if tour is None or not any(s.insee == move.insee for s in tour.sessions):
        name = instance.commune(move.insee).name if instance.has_commune(move.insee) else move.insee
        msg = (
            f"Refusé : pas de séance de {unit_name(instance, move.unit_id)} à {name} "
            f"le {date_fr(move.day)} dans ce plan"
        )
        raise MoveRefused("SESSION", msg)
    if instance.unit(tour.unit_id).kind is UnitKind.FIXED:
        msg = "Refusé : les séances d'un lieu fixe ont des heures fixes ; seules les séances d'un bus se déplacent"
        raise MoveRefused("FIXED", msg)
    return tour


def _target_unit(instance: Instance, move: SessionMove) -> Unit:
    unit = next((u for u in instance.units if u.id == move.target_unit), None)
    if unit is None:
        raise MoveRefused(
            "UNIT_DAY", f"Refusé : unité « {move.target_unit} » inconnue ; attendu : une unité du scénario"
        )
    if unit.kind is UnitKind.FIXED:
        msg = f"Refusé : {unit.name} est un lieu fixe ; une séance de bus va sur un bus"
        raise MoveRefused("FIXED", msg)
    return unit


# --- quick checks of the target day, one rule each: (rule, message) or None ---------------------

Refusal = tuple[str, str] | None


def _check_past(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    if min(move.day, move.to_day) < today:
        past = move.day if move.day < today else move.to_day
        return (
            "PAST",
            f"Refusé : le {date_fr(past)} est passé (aujourd'hui : {date_fr(today)}) ; "
            "seules les séances à venir se déplacent",
        )
    return None


def _check_unit_day(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    rules = instance.rules
    if not rules.start <= move.to_day <= rules.end:
        return "UNIT_DAY", f"Refusé : le {date_fr(move.to_day)} est hors de la période du plan (règle UNIT_DAY)"
    if move.to_day.weekday() not in unit.days:
        return (
            "UNIT_DAY",
            f"Refusé : {unit.name} ne travaille pas le {WEEKDAYS_FR[move.to_day.weekday()]} (règle UNIT_DAY)",
        )
    return None


def _check_holiday(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    holidays = public_holidays(instance.rules)
    if move.to_day in holidays:
        return "HOLIDAY", f"Refusé : le {date_fr(move.to_day)} est férié ({holidays[move.to_day]}) (règle HOLIDAY)"
    if move.to_day in instance.rules.closures:
        return "HOLIDAY", f"Refusé : le {date_fr(move.to_day)} est un jour de fermeture du scénario (règle HOLIDAY)"
    return None


def _check_unit_closed(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    if instance.rules.unit_closed(unit.id, move.to_day):
        return "UNIT_CLOSED", f"Refusé : {unit.name} est hors service le {date_fr(move.to_day)} (règle UNIT_CLOSED)"
    return None


def _check_commune_open(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    commune = instance.commune(move.insee)
    if instance.rules.commune_closed(move.insee, move.to_day):
        return "COMMUNE_CLOSED", f"Refusé : {commune.name} est fermée le {date_fr(move.to_day)} (règle COMMUNE_CLOSED)"
    if move.to_day.weekday() not in commune.site.open_days:
        day = WEEKDAYS_FR[move.to_day.weekday()]
        return "SITE_OPEN", f"Refusé : le site de {commune.name} est fermé le {day} (règle SITE_OPEN)"
    if not unit.may_serve(move.insee):
        return "UNIT_PLACES", f"Refusé : {unit.name} ne dessert pas {commune.name} (règle UNIT_PLACES)"
    return None


def _check_pin(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    rules, weekday = instance.rules, move.to_day.weekday()
    pin = rules.pin_of(move.insee)
    if pin is not None and not rules.day_allowed(move.insee, weekday, unit.id):
        return "PIN", f"Refusé : {instance.pin_text(pin)} (règle PIN) ; retirez l'épingle pour la déplacer"
    if not rules.day_allowed(move.insee, weekday, unit.id):
        name = instance.commune(move.insee).name
        return "BANNED_DAY", f"Refusé : {name} est interdite le {WEEKDAYS_FR[weekday]} (règle BANNED_DAY)"
    return None


def _check_min_gap(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    gap = max(instance.rules.min_gap_days, 1)
    others = sorted(
        t.date
        for t in plan.tours
        if instance.unit(t.unit_id).kind is not UnitKind.FIXED
        and not (t.unit_id == move.unit_id and t.date == move.day)
        and any(s.insee == move.insee for s in t.sessions)
    )
    near = [d for d in others if abs((d - move.to_day).days) < gap]
    if near:
        name = instance.commune(move.insee).name
        return "MIN_GAP", (
            f"Refusé : {gap} jour(s) au moins entre deux passages à {name} (règle MIN_GAP) ; "
            f"déjà un passage le {date_fr(near[0])}"
        )
    return None


def _check_sessions_per_day(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    key = f"{unit.id}/{move.to_day.isoformat()}"
    held = [s for t in plan.tours if t.key == key for s in t.sessions if s.insee != move.insee]
    if len(held) >= unit.sessions_per_day:
        return "SESSION_TIMES", (
            f"Refusé : {unit.name} tient déjà {len(held)} séance(s) le {date_fr(move.to_day)}, "
            f"son maximum par jour (règle SESSION_TIMES)"
        )
    return None


def _check_time_grid(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    step = instance.rules.time_step
    if move.start is not None and move.start % step:
        near = move.start - move.start % step
        return "TIME_GRID", (
            f"Refusé : {hhmm(move.start)} n'est pas sur la grille horaire de {step} min (règle TIME_GRID) ; "
            f"attendu : par exemple {hhmm(near)} ou {hhmm(near + step)}"
        )
    return None


#: The quick checks, in the order their refusals are given.
PRECHECKS: tuple[Callable[[Instance, Plan, SessionMove, Unit, date], Refusal], ...] = (
    _check_past,
    _check_time_grid,
    _check_unit_day,
    _check_holiday,
    _check_unit_closed,
    _check_commune_open,
    _check_pin,
    _check_min_gap,
    _check_sessions_per_day,
)


# --- the two days, re-timed -------------------------------------------------------------------


def _moved_tours(
    instance: Instance,
    plan: Plan,
    move: SessionMove,
    source: Tour,
    unit: Unit,
    commune: Commune,
    travel: TravelMatrix,
) -> list[Tour]:
    """The source day without the session and the target day with it, both timed by `route_day`."""
    target_key = f"{unit.id}/{move.to_day.isoformat()}"
    target = next((t for t in plan.tours if t.key == target_key), None)
    usual = {s.insee: s.start for s in source.sessions}
    tours = []
    if target_key != source.key:
        rest = [instance.commune(s.insee) for s in source.sessions if s.insee != move.insee]
        if rest:
            tours.append(_timed(instance, instance.unit(source.unit_id), source.date, rest, usual, travel))
    staying = [] if target is None else [s for s in target.sessions if s.insee != move.insee]
    usual |= {s.insee: s.start for s in staying}
    moved = commune
    if move.start is not None:
        length = instance.rules.session_length(unit)
        moved = replace(commune, site=replace(commune.site, open_hours=TimeWindow(move.start, move.start + length)))
    day = [instance.commune(s.insee) for s in staying] + [moved]
    tours.append(_timed(instance, unit, move.to_day, day, usual, travel, moved=move))
    return tours


def _timed(
    instance: Instance,
    unit: Unit,
    day: date,
    communes: list[Commune],
    usual: Mapping[str, int],
    travel: TravelMatrix,
    *,
    moved: SessionMove | None = None,
) -> Tour:
    result = route_day_by_rules(unit, day, communes, instance.rules, travel=travel, usual_start=usual)
    if result.tour is None or result.dropped:
        at = f" à {hhmm(moved.start)}" if moved is not None and moved.start is not None else ""
        if moved is None or moved.insee in result.dropped:
            names = ", ".join(instance.commune(i).name for i in result.dropped) or "la journée"
            what = f"{names} ne tient pas{at}"
        else:
            names = ", ".join(instance.commune(i).name for i in result.dropped)
            what = f"avec {instance.commune(moved.insee).name}{at}, {names} ne tient plus"
        msg = (
            f"Refusé : {what} dans la journée de {unit.name} le {date_fr(day)} "
            f"(heures de service {unit.hours}, trajets, pause) (règle HOURS)"
        )
        raise MoveRefused("HOURS", msg)
    return result.tour


def _timing_lines(instance: Instance, before: Sequence[Tour], after: Sequence[Tour]) -> list[str]:
    """Sessions of the two days whose times changed (or that the day no longer holds)."""
    lines = []
    old = {(t.unit_id, t.date, s.insee): s for t in before for s in t.sessions}
    for tour in after:
        name = instance.unit(tour.unit_id).name
        for s in tour.sessions:
            was = old.get((tour.unit_id, tour.date, s.insee))
            if was is None or was.start != s.start:
                since = "" if was is None else f" (au lieu de {hhmm(was.start)})"
                commune = instance.commune(s.insee).name
                lines.append(f"{date_fr(tour.date)} — {name} : {commune} de {hhmm(s.start)} à {hhmm(s.end)}{since}")
    kept = {t.key for t in after}
    for tour in before:
        if tour.key not in kept:
            lines.append(
                f"{date_fr(tour.date)} — {instance.unit(tour.unit_id).name} : tournée supprimée (plus aucune séance)"
            )
    return lines


def _post_text(instance: Instance, key: str) -> str:
    unit_id, _, rest = key.partition("/")
    return f"{unit_name(instance, unit_id)} le {date_fr(date.fromisoformat(rest[:10]))}"
