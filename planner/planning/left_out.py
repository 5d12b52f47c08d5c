"""Why each candidate commune got fewer visits than its target, in French, date by date."""

from __future__ import annotations

from collections import Counter

from planner.domain.calendar import public_holidays
from planner.domain.instance import Instance
from planner.domain.plan import Tour
from planner.tours.pattern_problem import Pattern, PatternProblem, visits_per_period


def left_out_reasons(
    problem: PatternProblem, pattern: Pattern, tours: list[Tour], uncrewed: set[str]
) -> dict[str, str]:
    """Why each candidate commune got fewer visits than its target, in French, date by date."""
    instance = problem.instance
    in_pattern = Counter(v.insee for v in pattern.visits)
    threshold = min((instance.commune(i).need for i in in_pattern if not instance.commune(i).priority), default=0)
    allowed = problem.allowed
    reasons = {}
    for c in instance.communes:
        if c.visits_per_week <= 0:
            continue
        if c.insee in allowed and not allowed[c.insee]:
            reasons[c.insee] = (
                "aucun créneau possible : site fermé les jours de passage, trop loin du dépôt pour tenir "
                "dans la journée, ou commune hors des lieux de l'unité"
            )
        elif in_pattern[c.insee] < visits_per_period(c.visits_per_week):
            reasons[c.insee] = (
                f"capacité insuffisante : {len(problem.slots)} créneaux par semaine, attribués d'abord aux zones "
                f"prioritaires puis aux besoins les plus élevés (besoin {c.need:.0f}"
                f"{' estimé' if c.need_is_proxy else ''}, seuil retenu {threshold:.0f})"
            )
    reasons.update(_missed_dates(instance, pattern, tours, uncrewed))
    return reasons


def _missed_dates(instance: Instance, pattern: Pattern, tours: list[Tour], uncrewed: set[str]) -> dict[str, str]:
    """For communes whose weekly slot was in the pattern: which dates were lost, and to what."""
    rules = instance.rules
    holidays = public_holidays(rules)
    visited = {(t.date, s.insee) for t in tours for s in t.sessions}
    lost: dict[str, list[str]] = {}
    for day in rules.dates():
        week = rules.week_index(day) % pattern.cycle_weeks
        for unit in instance.units:
            if day.weekday() not in unit.days:
                continue
            for v in pattern.communes_on(unit.id, day.weekday(), week):
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
                elif f"{unit.id}/{day.isoformat()}" in uncrewed:
                    why = "aucune équipe complète disponible"
                else:
                    why = "ne tient pas dans la journée (horaires ou trajets)"
                lost.setdefault(v.insee, []).append(f"{day.strftime('%d/%m')} ({why})")
    return {insee: "visites manquées : " + ", ".join(days) for insee, days in lost.items()}
