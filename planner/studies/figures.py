"""The figures of one scenario's plan: one row of a study's table.

Mostly the plan's own KPIs (planner.results.kpis); added here what a funder asks that a single
plan does not say: the need served counted in people, the doctor half-days used, the population.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from planner.domain.instance import Instance, Role, half_days_of
from planner.domain.plan import Plan

#: Columns of a study's table, in order: key → French header (CSV, spreadsheet, app).
COLUMNS: dict[str, str] = {
    "scenario": "scénario",
    "territory": "territoire",
    "title": "nom",
    "units": "unités",
    "doctors": "médecins",
    "staff": "personnes",
    "sessions_per_day": "séances par jour",
    "depots": "dépôts",
    "communes": "communes",
    "population": "habitants",
    "need_total": "besoin total (personnes)",
    "proxy_communes": "communes au besoin estimé (indicateur de substitution)",
    "need_served_share": "besoin couvert (part)",
    "need_served_people": "besoin servi (personnes)",
    "population_within_15min": "habitants à 15 min d'un arrêt",
    "population_within_30min": "habitants à 30 min d'un arrêt",
    "communes_served": "communes desservies",
    "sessions_per_week": "séances par semaine",
    "drive_km_per_week": "km par semaine",
    "co2_kg_per_week": "CO2 kg par semaine",
    "doctor_half_days_per_week": "demi-journées de médecin par semaine",
    "uncrewed_tours": "tournées sans équipe",
    "seconds": "secondes de calcul",
    "status": "statut",
}
OK = "ok"


def need_served_people(instance: Instance, plan: Plan) -> float:
    """People (need proxy or real count) of the communes served, each counted pro rata of the visits
    it got against its target over the horizon: a commune visited as often as targeted counts whole."""
    weeks = instance.rules.weeks
    visits = Counter(s.insee for _, s in plan.sessions())
    return sum(
        c.need * min(1.0, visits[c.insee] / (c.visits_per_week * weeks))
        for c in instance.communes
        if c.visits_per_week > 0
    )


def doctor_half_days(plan: Plan) -> int:
    """Half-days of doctors' time the plan uses (a whole-day tour is two), remote ones included."""
    return sum(len(half_days_of(s.start, s.end)) for s in plan.shifts if s.role is Role.DOCTOR)


def scenario_row(instance: Instance, plan: Plan, **identity: Any) -> dict[str, Any]:
    """The table row of ``plan``; ``identity`` gives ``scenario``, ``territory``, ``sessions_per_day``…"""
    k = plan.kpis
    weeks = instance.rules.weeks
    depots = "; ".join(dict.fromkeys(u.depot.name for u in instance.units))
    sessions = sorted({u.sessions_per_day for u in instance.units})
    row = {
        "title": instance.title or instance.name,
        "units": len(instance.units),
        "doctors": sum(Role.DOCTOR in p.roles for p in instance.staff),
        "staff": len(instance.staff),
        "sessions_per_day": "/".join(str(s) for s in sessions),
        "depots": depots,
        "communes": len(instance.communes),
        "population": sum(c.population for c in instance.communes),
        "need_total": round(sum(c.need for c in instance.communes if c.visits_per_week > 0)),
        "proxy_communes": sum(c.need_is_proxy for c in instance.communes),
        "need_served_share": k["need_served_share"],
        "need_served_people": round(need_served_people(instance, plan)),
        "population_within_15min": int(k["population_within_15min"]),
        "population_within_30min": int(k["population_within_30min"]),
        "communes_served": int(k["communes_served"]),
        "sessions_per_week": k["sessions_per_week"],
        "drive_km_per_week": k["drive_km_per_week"],
        "co2_kg_per_week": k["co2_kg_per_week"],
        "doctor_half_days_per_week": round(doctor_half_days(plan) / weeks, 1),
        "uncrewed_tours": int(k.get("uncrewed_tours", 0)),
        "seconds": plan.solver_seconds,
        "status": OK,
    }
    return row | identity


def failed_row(reason: str, **identity: Any) -> dict[str, Any]:
    """The row of a scenario that could not be planned: its identity and why."""
    return {key: "" for key in COLUMNS} | identity | {"status": f"échec : {reason}"}
