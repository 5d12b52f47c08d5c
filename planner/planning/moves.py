"""The coordinator's manual moves: one session to another day, unit or time, the plan staying valid.

`move_session` takes the session out of its day and puts it into the target day, re-timing both days
with the day routing (`planner.tours.day_routing.route_day`, the requested start as the session's
only allowed start), keeps every other tour as it is, and re-crews with the plan's shifts kept (each
changed shift is costly; nothing before ``today`` changes), like a re-plan (`planner.planning.replan`).
A move that would break a hard rule is refused with `MoveRefused` (``rule``: the validator's code),
whose French message ends with the rule's French name (`planner.check.rule_fr`, e.g. « règle « heures
de service » »); a move to where the session already is (``NO_CHANGE``) is refused too. Quick checks
of the target day first, then the day's timing, the crews, and finally the independent validator on
the whole new plan.

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
from datetime import date, timedelta

from planner.check import RULE_NAMES_FR, rule_fr
from planner.crews.rota_search import assign_crews, shift_key
from planner.domain.calendar import public_holidays
from planner.domain.errors import MoveRefused
from planner.domain.french import WEEKDAYS_FR, date_fr, hhmm, time_fr
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

#: The rule of a refused move to where the session already is (same unit, day and start).
NO_CHANGE = "NO_CHANGE"


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
    began = time.perf_counter()
    check_published(instance, plan)
    gridded = instance
    instance = published_timing(instance, plan)  # a plan made before the time grid keeps its timing
    source = _source_tour(instance, plan, move)
    unit = _target_unit(instance, move)
    commune = instance.commune(move.insee)
    _check_changes(instance, move, source)
    for check in PRECHECKS:
        reason = check(instance, plan, move, unit, today)
        if reason:
            raise refused(*reason)
    travel = travel or published_travel(instance, plan)
    changed = _moved_tours(instance, plan, move, source, unit, commune, travel)
    affected = {source.key, f"{unit.id}/{move.to_day.isoformat()}"}
    headline = f"Séance déplacée — {move.text(instance)}"
    return _finished(instance, plan, changed, affected, headline, _Run(today, travel, time_limit, seed, began, gridded))


def swap_sessions(
    instance: Instance,
    plan: Plan,
    first: tuple[str, date, str],
    second: tuple[str, date, str],
    *,
    today: date,
    travel: TravelMatrix | None = None,
    time_limit: float | None = None,
    seed: int = 0,
) -> MoveResult:
    """Exchange two sessions (each a unit id, a day, an INSEE code): each goes to the other's day and
    unit, both days re-timed by the day routing (each session as close to its old time as it can),
    re-crewed and validated as in `move_session`; a swap that breaks a rule is refused the same way.

    Raises
    ------
    MoveRefused
        When either session is missing or a fixed place's, when both are of the same tour or commune
        (``NO_CHANGE``), or when the swap breaks a hard rule (its French name ends the message).
    """
    began = time.perf_counter()
    check_published(instance, plan)
    gridded = instance
    instance = published_timing(instance, plan)
    a = SessionMove(first[0], first[1], first[2], second[1], second[0])
    b = SessionMove(second[0], second[1], second[2], first[1], first[0])
    tour_a, tour_b = _source_tour(instance, plan, a), _source_tour(instance, plan, b)
    if tour_a.key == tour_b.key or a.insee == b.insee:
        why = "de la même tournée" if tour_a.key == tour_b.key else "de la même commune"
        msg = (
            f"Refusé : les deux séances sont {why} ; l'échange ne changerait rien "
            "(pour une autre heure, déplacez l'une des deux)"
        )
        raise MoveRefused(NO_CHANGE, msg)
    for move, other in ((a, b), (b, a)):
        without = replace(
            plan,
            tours=tuple(
                replace(t, sessions=tuple(s for s in t.sessions if s.insee != other.insee))
                if t.key == f"{other.unit_id}/{other.day.isoformat()}"
                else t
                for t in plan.tours
            ),
        )  # the other session has left its day
        for check in PRECHECKS:
            reason = check(instance, without, move, instance.unit(move.target_unit), today)
            if reason:
                raise refused(*reason)
    travel = travel or published_travel(instance, plan)
    usual = {s.insee: s.start for t in (tour_a, tour_b) for s in t.sessions}
    changed = []
    for tour, leaving, coming in ((tour_a, a.insee, b.insee), (tour_b, b.insee, a.insee)):
        day = [instance.commune(s.insee) for s in tour.sessions if s.insee != leaving] + [instance.commune(coming)]
        changed.append(_timed(instance, instance.unit(tour.unit_id), tour.date, day, usual, travel))
    headline = f"Séances échangées — {a.text(instance)} ; {b.text(instance)}"
    run = _Run(today, travel, time_limit, seed, began, gridded)
    return _finished(instance, plan, changed, {tour_a.key, tour_b.key}, headline, run)


@dataclass(frozen=True)
class _Run:
    """How a move or a swap is made: its ``today``, travel, rota time and seed, when it began, and the
    instance before the published timing (`published_timing`)."""

    today: date
    travel: TravelMatrix
    time_limit: float | None
    seed: int
    began: float
    gridded: Instance


def _finished(
    instance: Instance, plan: Plan, changed: list[Tour], affected: set[str], headline: str, run: _Run
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
    diff += _timing_lines(instance, [by_key[k] for k in sorted(affected) if k in by_key], changed)
    diff += [text for _, text in crew_diff(instance, new.tours, plan.shifts, new.shifts)]
    kept = {t.key for t in new.tours}
    for gone in (by_key[k] for k in sorted(affected) if k in by_key and k not in kept):
        cancelled = sum(1 for s in plan.shifts if s.tour_key == gone.key)
        diff.append(f"{date_fr(gone.date)} — {unit_name(instance, gone.unit_id)} : {cancelled} garde(s) annulée(s)")
    return MoveResult(new, tuple(diff), shifts_changed)


@dataclass(frozen=True)
class MoveOption:
    """A place a session may go: the day, the unit and the start the move gives it; ``move`` is the
    move that was tried and accepted (apply it with `move_session`), ``shifts_changed`` its cost."""

    to_day: date
    unit_id: str
    start: int
    move: SessionMove
    shifts_changed: int

    def text(self, instance: Instance) -> str:
        """« lundi 7 déc. 2026, Médicobus, 14 h 00 »."""
        return f"{date_fr(self.to_day)}, {unit_name(instance, self.unit_id)}, {time_fr(self.start)}"


#: At most this many other starts are tried on the session's own day and unit (nearest first).
OWN_DAY_TRIES = 6


def move_options(
    instance: Instance,
    plan: Plan,
    session: tuple[str, date, str],
    *,
    today: date,
    travel: TravelMatrix | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    carried: CarriedOver | None = None,
) -> list[MoveOption]:
    """Every move of ``session`` (unit id, day, INSEE code) that `move_session` accepts, by date.

    Candidates: each date from ``today`` (and the plan's start) to the end of the horizon, on each
    bus, the start being the one the day's routing gives (as close to the old time as it can); on
    the session's own day and unit, up to `OWN_DAY_TRIES` other starts of the time grid, nearest to
    the old one first. Each candidate is checked by the quick checks, then by `move_session` itself
    (re-timing, crews, the validator): an option listed is a move that is accepted as it stands.
    With ``carried`` (``plan`` is an older version), the options are those of ``plan`` re-planned with
    what the newer versions accepted; each option's move is then made with ``carried`` too.

    Raises
    ------
    MoveRefused
        When the session cannot move at all (no such session, a fixed place's).
    CarryOverRefused
        When ``carried`` cannot be carried over.
    """
    if carried:
        from planner.planning.replan import replan

        travel = travel or published_travel(instance, plan)
        plan = replan(
            instance, plan, [], today=today, time_limit=time_limit, travel=travel, seed=seed, carried=carried
        ).plan
        instance = apply_carried(instance, carried)
    check_published(instance, plan)
    timed = published_timing(instance, plan)
    unit_id, day, insee = session
    probe = SessionMove(unit_id, day, insee, day)
    source = _source_tour(timed, plan, probe)
    held = next(s for s in source.sessions if s.insee == insee)
    travel = travel or published_travel(instance, plan)
    buses = [u for u in timed.units if u.kind is not UnitKind.FIXED]
    first = max(today, timed.rules.start, plan.start)
    candidates: list[SessionMove] = []
    for offset in range((timed.rules.end - first).days + 1):
        to_day = first + timedelta(days=offset)
        for unit in buses:
            if unit.id == unit_id and to_day == day:
                candidates += [replace(probe, start=s) for s in _other_starts(timed, unit, held.start)]
            else:
                candidates.append(SessionMove(unit_id, day, insee, to_day, "" if unit.id == unit_id else unit.id))
    options = []
    for move in candidates:
        unit = timed.unit(move.target_unit)
        if any(check(timed, plan, move, unit, today) for check in PRECHECKS):
            continue
        try:
            result = move_session(instance, plan, move, today=today, travel=travel, time_limit=time_limit, seed=seed)
        except MoveRefused:
            continue
        key = f"{unit.id}/{move.to_day.isoformat()}"
        tour = next(t for t in result.plan.tours if t.key == key)
        start = next(s.start for s in tour.sessions if s.insee == insee)
        options.append(MoveOption(move.to_day, unit.id, start, move, result.shifts_changed))
    order = {u.id: i for i, u in enumerate(buses)}
    return sorted(options, key=lambda o: (o.to_day, order[o.unit_id], o.start))


def _other_starts(instance: Instance, unit: Unit, start: int) -> list[int]:
    """Up to `OWN_DAY_TRIES` starts of the grid within the unit's hours, other than ``start``, nearest first."""
    step, length = instance.rules.time_step, instance.rules.session_length(unit)
    first = unit.hours.start + (-unit.hours.start) % step
    grid = [s for s in range(first, unit.hours.end - length + 1, step) if s != start]
    return sorted(grid, key=lambda s: (abs(s - start), s))[:OWN_DAY_TRIES]


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


def refused(rule: str, text: str) -> MoveRefused:
    """A refusal whose message ends with the French name of the validator's ``rule`` (`rule_fr`):
    « Refusé : … (règle « heures de service ») »; a rule the validator lacks (``PAST``…) is not named."""
    if rule in RULE_NAMES_FR:
        text = f"{text} (règle « {rule_fr(rule)} »)"
    return MoveRefused(rule, text)


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


def _check_changes(instance: Instance, move: SessionMove, source: Tour) -> None:
    """A move to where the session already is (same unit, day and start) is refused: nothing to do."""
    held = next(s for s in source.sessions if s.insee == move.insee)
    if move.target_unit == source.unit_id and move.to_day == move.day and move.start in (None, held.start):
        msg = (
            f"Refusé : la séance de {instance.commune(move.insee).name} est déjà le {date_fr(move.day)} "
            f"sur {unit_name(instance, source.unit_id)} à {hhmm(held.start)} ; "
            "choisissez un autre jour, une autre unité ou une autre heure"
        )
        raise MoveRefused(NO_CHANGE, msg)


def _target_unit(instance: Instance, move: SessionMove) -> Unit:
    unit = next((u for u in instance.units if u.id == move.target_unit), None)
    if unit is None:
        raise refused("UNIT_DAY", f"Refusé : unité « {move.target_unit} » inconnue ; attendu : une unité du scénario")
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
        return "UNIT_DAY", f"Refusé : le {date_fr(move.to_day)} est hors de la période du plan"
    if move.to_day.weekday() not in unit.days:
        return (
            "UNIT_DAY",
            f"Refusé : {unit.name} ne travaille pas le {WEEKDAYS_FR[move.to_day.weekday()]}",
        )
    return None


def _check_holiday(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    holidays = public_holidays(instance.rules)
    if move.to_day in holidays:
        return "HOLIDAY", f"Refusé : le {date_fr(move.to_day)} est férié ({holidays[move.to_day]})"
    if move.to_day in instance.rules.closures:
        return "HOLIDAY", f"Refusé : le {date_fr(move.to_day)} est un jour de fermeture du scénario"
    return None


def _check_unit_closed(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    if instance.rules.unit_closed(unit.id, move.to_day):
        return "UNIT_CLOSED", f"Refusé : {unit.name} est hors service le {date_fr(move.to_day)}"
    return None


def _check_commune_open(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    commune = instance.commune(move.insee)
    if instance.rules.commune_closed(move.insee, move.to_day):
        return "COMMUNE_CLOSED", f"Refusé : {commune.name} est fermée le {date_fr(move.to_day)}"
    if move.to_day.weekday() not in commune.site.open_days:
        day = WEEKDAYS_FR[move.to_day.weekday()]
        return "SITE_OPEN", f"Refusé : le site de {commune.name} est fermé le {day}"
    if not unit.may_serve(move.insee):
        return "UNIT_PLACES", f"Refusé : {unit.name} ne dessert pas {commune.name}"
    return None


def _check_pin(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    rules, weekday = instance.rules, move.to_day.weekday()
    pin = rules.pin_of(move.insee)
    if pin is not None and not rules.day_allowed(move.insee, weekday, unit.id):
        return "PIN", f"Refusé : {instance.pin_text(pin)} ; retirez l'épingle pour la déplacer"
    if not rules.day_allowed(move.insee, weekday, unit.id):
        name = instance.commune(move.insee).name
        return "BANNED_DAY", f"Refusé : {name} est interdite le {WEEKDAYS_FR[weekday]}"
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
            f"Refusé : {gap} jour(s) au moins entre deux passages à {name} ; déjà un passage le {date_fr(near[0])}"
        )
    return None


def _check_sessions_per_day(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    key = f"{unit.id}/{move.to_day.isoformat()}"
    held = [s for t in plan.tours if t.key == key for s in t.sessions if s.insee != move.insee]
    if len(held) >= unit.sessions_per_day:
        return "SESSION_TIMES", (
            f"Refusé : {unit.name} tient déjà {len(held)} séance(s) le {date_fr(move.to_day)}, son maximum par jour"
        )
    return None


def _check_time_grid(instance: Instance, plan: Plan, move: SessionMove, unit: Unit, today: date) -> Refusal:
    step = instance.rules.time_step
    if move.start is not None and move.start % step:
        near = move.start - move.start % step
        return "TIME_GRID", (
            f"Refusé : {hhmm(move.start)} n'est pas sur la grille horaire de {step} min ; "
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
            f"(heures de service {unit.hours}, trajets, pause)"
        )
        raise refused("HOURS", msg)
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
