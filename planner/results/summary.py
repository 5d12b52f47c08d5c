"""What people read of a plan: the terminal summary and the KPI labels and explanations."""

from __future__ import annotations

from planner.domain.french import WEEKDAYS_FR, hhmm
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.results.staff_load import staff_totals, staff_totals_text

KPI_EXPLANATIONS = {
    "sessions_per_week": "Séances de consultation proposées par semaine, toutes unités confondues.",
    "consultation_hours_per_week": "Heures de consultation proposées par semaine.",
    "need_served_share": "Part du besoin pondéré couverte : visites prévues / visites visées, pondérées par le besoin de chaque commune.",
    "communes_served": "Communes qui reçoivent au moins une visite sur l'horizon.",
    "communes_left_out": "Communes candidates qui ne reçoivent aucune visite (voir la liste et les raisons).",
    "population_within_15min": "Habitants dont la mairie est à 15 minutes de route ou moins d'un arrêt.",
    "population_within_30min": "Habitants dont la mairie est à 30 minutes de route ou moins d'un arrêt.",
    "drive_minutes_per_week": "Minutes de conduite par semaine (dépôt → arrêts → dépôt).",
    "drive_km_per_week": "Kilomètres parcourus par semaine.",
    "co2_kg_per_week": "CO₂ émis par semaine, à 0,25 kg/km (hypothèse véhicule utilitaire diesel).",
    "regularity": "Part des visites le même jour de la semaine et à la même heure (±30 min) que d'habitude pour la commune.",
    "shifts": "Nombre de gardes affectées (une personne, un rôle, une tournée).",
    "uncrewed_tours": "Tournées retirées du plan faute d'équipe (voir les avertissements).",
}

KPI_LABELS = {
    "sessions_per_week": "Séances / semaine",
    "consultation_hours_per_week": "Heures de consultation / semaine",
    "need_served_share": "Besoin couvert",
    "communes_served": "Communes desservies",
    "communes_left_out": "Communes non desservies",
    "population_within_15min": "Population à ≤ 15 min d'un arrêt",
    "population_within_30min": "Population à ≤ 30 min d'un arrêt",
    "drive_minutes_per_week": "Conduite (min / semaine)",
    "drive_km_per_week": "Distance (km / semaine)",
    "co2_kg_per_week": "CO₂ (kg / semaine)",
    "regularity": "Régularité",
    "shifts": "Gardes",
    "uncrewed_tours": "Tournées sans équipe",
}

SHARE_KPIS = {"need_served_share", "regularity"}


def kpi_explanations() -> dict[str, str]:
    """One French sentence per KPI key, for the app and the docs."""
    return dict(KPI_EXPLANATIONS)


def format_kpi(key: str, value: float) -> str:
    if key in SHARE_KPIS:
        return f"{value * 100:.1f} %"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.1f}".replace(",", " ")

def summary(instance: Instance, plan: Plan) -> str:
    """The plan in a few lines of French, for the terminal."""
    lines = [
        f"Plan « {instance.title or instance.name} » : {plan.weeks} semaine(s) à partir du {plan.start.isoformat()}",
        f"Temps de trajet : {plan.travel_label}",
        f"{len(plan.tours)} tournées, {len(plan.sessions())} séances, calculé en {plan.solver_seconds:.1f} s",
        "",
        "Indicateurs :",
    ]
    lines += [f"  {KPI_LABELS.get(k, k):<36} {format_kpi(k, v)}" for k, v in plan.kpis.items()]
    weekly = _weekly_pattern(instance, plan)
    if weekly:
        lines += ["", "Semaine type (première semaine) :"] + [f"  {line}" for line in weekly]
    if plan.shifts:
        lines += ["", "Gardes par personne :"]
        lines += [f"  {line}" for line in staff_totals_text(staff_totals(instance, plan)).splitlines()]
    if plan.unserved:
        lines += ["", f"Communes en dessous de leur objectif ({len(plan.unserved)}) :"]
        for u in plan.unserved[:15]:
            lines.append(f"  - {u.name} ({u.insee}) : {u.planned_visits} visite(s) sur {u.target_visits:g} visées — {u.reason}")
        if len(plan.unserved) > 15:
            lines.append(f"  … et {len(plan.unserved) - 15} autres (voir plan.json)")
    if plan.warnings:
        lines += ["", "Avertissements :"] + [f"  - {w}" for w in plan.warnings[:15]]
    return "\n".join(lines)


def _weekly_pattern(instance: Instance, plan: Plan) -> list[str]:
    if not plan.tours:
        return []
    first_week = [t for t in plan.tours if (t.date - plan.start).days < 7]
    lines = []
    for t in first_week:
        stops = ", ".join(
            f"{instance.commune(s.insee).name} {hhmm(s.start)}-{hhmm(s.end)}" for s in t.sessions
        )
        lines.append(f"{WEEKDAYS_FR[t.date.weekday()]:<9} {instance.unit(t.unit_id).name} : {stops}")
    return lines
