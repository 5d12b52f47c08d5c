"""The checks a manual move passes first, and how a move is refused.

Kept apart from the moves themselves because re-planning (`planner.planning.replan`) runs the same
quick checks, `PRECHECKS`, on the days it moves lost visits to: each is one rule of the target day,
cheap, before any re-timing or crewing. A refusal (`refused`) is a `MoveRefused` whose French message
ends with the rule's French name (`planner.check.rule_fr`); a move to where the session already is
is refused as ``NO_CHANGE``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from planner.check import RULE_NAMES_FR, rule_fr
from planner.domain.calendar import public_holidays
from planner.domain.errors import MoveRefused
from planner.domain.french import WEEKDAYS_FR, date_fr, hhmm
from planner.domain.instance import Instance, Unit, UnitKind
from planner.domain.plan import Plan, Tour
from planner.planning.changes import SessionMove, unit_name

#: The rule of a refused move to where the session already is (same unit, day and start).
NO_CHANGE = "NO_CHANGE"


def refused(rule: str, text: str) -> MoveRefused:
    """A refusal whose message ends with the French name of the validator's ``rule`` (`rule_fr`):
    « Refusé : … (règle « heures de service ») »; a rule the validator lacks (``PAST``…) is not named."""
    if rule in RULE_NAMES_FR:
        text = f"{text} (règle « {rule_fr(rule)} »)"
    return MoveRefused(rule, text)


# --- the session and the target --------------------------------------------------------------


def source_tour(instance: Instance, plan: Plan, move: SessionMove) -> Tour:
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


def check_no_change(instance: Instance, move: SessionMove, source: Tour) -> None:
    """A move to where the session already is (same unit, day and start) is refused: nothing to do."""
    held = next(s for s in source.sessions if s.insee == move.insee)
    if move.target_unit == source.unit_id and move.to_day == move.day and move.start in (None, held.start):
        msg = (
            f"Refusé : la séance de {instance.commune(move.insee).name} est déjà le {date_fr(move.day)} "
            f"sur {unit_name(instance, source.unit_id)} à {hhmm(held.start)} ; "
            "choisissez un autre jour, une autre unité ou une autre heure"
        )
        raise MoveRefused(NO_CHANGE, msg)


def target_unit_of(instance: Instance, move: SessionMove) -> Unit:
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
