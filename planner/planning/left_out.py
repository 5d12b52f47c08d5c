"""Why each commune got fewer visits than its target, in French, computed from the final plan.

Every reason is a fact of the plan and the instance that anyone can check (`Reason.kind` says which
fact; tests check each against the plan):

- ``no_slot``: no unit may serve it, reach it, or find its site open on a working day its pin and
  banned days allow (a pinned commune's reason always starts with its pin);
- ``shortlist``: communes ranked before it already asked for several times the units' slots;
- ``outranked``: every session it could take is held by a commune that comes first (priority
  zones, then need);
- ``rules``: the sessions held by communes that come after it cannot be given to it without
  breaking a rule (the rules are named);
- ``possible``: one of them could have been given to it: the plan traded it for less driving
  (within the need tolerance) or the search did not find it in its time;
- ``missed``: its weekly slot exists but some dates were lost, each with its cause (holiday,
  closure, commune closed, no crew that day, the day's timing);
- ``place``: a fixed place held fewer sessions than its target: the rest had no crew.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from planner.domain.calendar import public_holidays
from planner.domain.instance import Commune, Instance, UnitKind
from planner.domain.plan import Tour
from planner.domain.travel_matrix import TravelMatrix
from planner.results.inversions import below_target, blocking_rules, commune_swaps
from planner.results.kpis import Targets
from planner.tours.pattern_problem import SHORTLIST_FACTOR, Crews, Pattern, PatternProblem, reachable


@dataclass(frozen=True)
class Reason:
    """Why a commune is below its target: the kind of fact, the French sentence, and the plan's
    sessions or dates it rests on (tour keys, or ISO dates with their cause)."""

    kind: str
    text: str
    facts: tuple[str, ...] = ()


def left_out_reasons(
    problem: PatternProblem,
    pattern: Pattern,
    tours: list[Tour],
    uncrewed: set[str],
    travel: TravelMatrix,
    crews: Crews,
    targets: Targets,
) -> dict[str, Reason]:
    """The reason of every commune (or fixed place) below its target (``targets``), by INSEE code."""
    instance = problem.instance
    per_week = targets.per_week
    visits: dict[str, list[date]] = defaultdict(list)
    for t in tours:
        for s in t.sessions:
            visits[s.insee].append(t.date)
    missed = _missed_dates(instance, pattern, tours, uncrewed, crews)
    reasons = {}
    for c in instance.communes:
        if c.insee not in per_week or not below_target(per_week[c.insee], len(visits[c.insee]), instance.rules.weeks):
            continue
        if c.insee in targets.places:
            reasons[c.insee] = _place(instance, c, len(visits[c.insee]), per_week[c.insee], missed.get(c.insee))
        elif c.insee in missed:
            reasons[c.insee] = missed[c.insee]
        elif not problem.allowed.get(c.insee) and c.insee not in {k.insee for k in problem.candidates}:
            reasons[c.insee] = _not_placed(problem, c, travel)
        elif not problem.allowed.get(c.insee):
            reasons[c.insee] = _no_slot(instance, travel, c)
        else:
            reasons[c.insee] = _outranked_or_blocked(instance, tours, travel, c, visits[c.insee])
        reasons[c.insee] = _with_pin(instance, c, reasons[c.insee])
    return reasons


def _with_pin(instance: Instance, c: Commune, reason: Reason) -> Reason:
    """A pinned commune below its target says so first: the pin is why it had only one weekday."""
    pin = instance.rules.pin_of(c.insee)
    if pin is None:
        return reason
    return Reason(reason.kind, f"{instance.pin_text(pin)} : {reason.text}", reason.facts)


def _place(instance: Instance, c: Commune, held: int, per_week: float, missed: Reason | None) -> Reason:
    """A fixed place below its target: what its rooms could hold, and that crews decided the rest."""
    capacity = sum(
        u.rooms * u.sessions_per_day * len(u.days)
        for u in instance.units
        if u.kind is UnitKind.FIXED and c.insee in u.places
    )
    text = (
        f"lieu de consultation : {held} séances tenues sur {per_week * instance.rules.weeks:g} visées "
        f"(au plus {capacity} par semaine : salles × séances × jours) ; les autres n'ont pas d'équipe "
        f"(personnes indisponibles ou à leur maximum de gardes)"
    )
    if missed is not None:
        text += " ; " + missed.text
    return Reason("place", text, (str(held), str(capacity)))


def _not_placed(problem: PatternProblem, c: Commune, travel: TravelMatrix) -> Reason:
    """Not in the model: no slot at all, or below the shortlist."""
    instance = problem.instance
    no_slot = _no_slot(instance, travel, c)
    if no_slot.kind == "no_slot":
        return no_slot
    demand = problem.demand
    ahead = [
        k
        for k in problem.candidates
        if k.insee in demand
        and (demand[k.insee].priority_need, demand[k.insee].need)
        > (demand[c.insee].priority_need, demand[c.insee].need)
    ]
    asked = sum(demand[k.insee].per_week for k in ahead)
    text = (
        f"non retenue : {len(ahead)} communes passant avant elle (zones prioritaires, puis besoin plus élevé) "
        f"demandaient déjà {asked:.1f} visites par semaine, plus de {SHORTLIST_FACTOR} fois les {len(problem.slots)} "
        f"créneaux hebdomadaires (besoin {c.need:.0f}{' estimé' if c.need_is_proxy else ''})"
    )
    return Reason("shortlist", text, (f"{asked:.2f}", str(len(problem.slots))))


def _no_slot(instance: Instance, travel: TravelMatrix, c: Commune) -> Reason:
    """Why no unit can ever visit it, unit by unit (or ``no_slot`` is not the reason)."""
    causes = []
    for unit in instance.units:
        if not unit.may_serve(c.insee):
            causes.append(f"{unit.name} ne dessert pas cette commune")
        elif c.site.point not in travel or not reachable(instance, travel, unit, c):
            causes.append(f"{unit.name} : trop loin du dépôt pour une séance dans la journée")
        elif not set(unit.days) & set(c.site.open_days):
            causes.append(f"{unit.name} : site fermé tous ses jours de passage")
        elif not any(instance.rules.day_allowed(c.insee, d, unit.id) for d in set(unit.days) & set(c.site.open_days)):
            causes.append(f"{unit.name} : jours de passage exclus par l'épingle ou les jours interdits")
        elif c.site.open_hours is not None and c.site.open_hours.minutes < instance.rules.session_length(unit):
            causes.append(f"{unit.name} : site ouvert trop peu d'heures pour une séance")
    if len(causes) < len(instance.units):
        return Reason("reachable", "")
    return Reason("no_slot", "aucun créneau possible : " + " ; ".join(causes))


def _outranked_or_blocked(
    instance: Instance, tours: list[Tour], travel: TravelMatrix, c: Commune, dates: list[date]
) -> Reason:
    swaps = commune_swaps(instance, tours, travel, c, dates)
    need = f"besoin {c.need:.0f}{' estimé' if c.need_is_proxy else ''}"
    behind = [s for s in swaps if s.outranks]
    if not behind:
        text = (
            f"capacité : les {len(swaps)} séances qu'elle pourrait prendre sont tenues par des communes qui passent "
            f"avant elle (zones prioritaires, puis besoin plus élevé ; {need})"
        )
        return Reason("outranked", text, tuple(sorted({s.tour_key for s in swaps})))
    free = [s for s in behind if s.blocked_by is None]
    if free:
        first = free[0]
        holder = instance.commune(first.holder)
        tolerance = instance.rules.need_tolerance_percent
        why = (
            f"écartée pour moins de route (tolérance de {tolerance} % sur le besoin) "
            "ou non trouvée dans le temps de calcul"
            if tolerance
            else "non trouvée dans le temps de calcul"
        )
        text = (
            f"une séance restait possible ({first.tour_key}, tenue par {holder.name}, "
            f"besoin {holder.need:.0f}) : {why} ({need})"
        )
        return Reason("possible", text, (first.tour_key, first.holder))
    listed = ", ".join(f"{rule} ({n})" for rule, n in blocking_rules(behind, c.insee))
    text = f"les séances tenues par des communes passant après elle ne peuvent lui revenir : {listed} ({need})"
    return Reason("rules", text, tuple(sorted({s.tour_key for s in behind})))


def _missed_dates(
    instance: Instance, pattern: Pattern, tours: list[Tour], uncrewed: set[str], crews: Crews
) -> dict[str, Reason]:
    """For communes whose weekly slot is in the pattern: which dates were lost, and to what. A bus
    day that holds a commune its pattern did not put there gave it the session (a swap for a
    commune worth more, a dated visit, a fill): on the Orne département, Alençon's three monthly
    visits went to priority-zone communes, and their reason once read « ne tient pas dans la
    journée »."""
    rules = instance.rules
    holidays = public_holidays(rules)
    visited = {(t.date, s.insee) for t in tours for s in t.sessions}
    held = {(t.unit_id, t.date): t for t in tours}
    lost: dict[str, list[tuple[date, str]]] = {}
    for day in rules.dates():
        week = rules.week_index(day) % pattern.cycle_weeks
        for unit in instance.units:
            if day.weekday() not in unit.days:
                continue
            planned = pattern.communes_on(unit.id, day.weekday(), week)
            codes = {v.insee for v in planned}
            tour = held.get((unit.id, day))
            instead = [s.insee for s in tour.sessions if s.insee not in codes] if tour else []
            for v in planned:
                if (day, v.insee) in visited:
                    continue
                if day in holidays:
                    why = f"{holidays[day]}, jour férié"
                elif day in rules.closures:
                    why = "fermeture prévue au scénario"
                elif rules.commune_closed(v.insee, day):
                    why = "commune fermée ce jour-là"
                elif rules.unit_closed(unit.id, day):
                    why = "unité hors service ce jour-là"
                elif crews(unit, day, v.slot.session) <= v.slot.room:
                    why = "aucune équipe possible ce jour-là"
                elif any(k.startswith(f"{unit.id}/{day.isoformat()}") for k in uncrewed):
                    why = "aucune équipe complète trouvée"
                elif unit.kind is UnitKind.FIXED:
                    why = "séance non tenue"
                elif instead:
                    why = "séance tenue ce jour-là par " + ", ".join(instance.commune(i).name for i in instead)
                else:
                    why = "ne tient pas dans la journée (horaires ou trajets)"
                lost.setdefault(v.insee, []).append((day, why))
    return {
        insee: Reason(
            "missed",
            "visites manquées : " + ", ".join(f"{d.strftime('%d/%m')} ({why})" for d, why in days),
            tuple(f"{d.isoformat()} {why}" for d, why in days),
        )
        for insee, days in lost.items()
    }
