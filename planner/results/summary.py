"""What people read of a plan: the terminal summary and the KPI labels, figures and explanations."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from planner.crews.far_shifts import FAR_SHIFT_KM, describe, explain_far_shifts
from planner.domain.french import WEEKDAYS_FR, hhmm, number_fr, percent_fr
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.results.kpis import not_targeted
from planner.results.need_source import need_source_sentence
from planner.results.staff_load import staff_totals, staff_totals_text

KPI_EXPLANATIONS = {
    "sessions_per_week": "Séances de consultation proposées par semaine, toutes unités confondues.",
    "consultation_hours_per_week": "Heures de consultation proposées par semaine.",
    "need_served_share": (
        "Part du besoin pondéré couverte : visites prévues / visites visées, pondérées par le besoin de chaque commune."
    ),
    "communes_served": "Communes qui reçoivent au moins une visite sur l'horizon.",
    "communes_left_out": (
        "Communes à visiter (objectif au-dessus de 0) qui ne reçoivent aucune visite ; celles qui en reçoivent "
        "moins que visé sont dans la liste « communes sous leur objectif »."
    ),
    "population_within_15min": "Habitants dont la mairie est à 15 minutes de route ou moins d'un arrêt.",
    "population_within_30min": "Habitants dont la mairie est à 30 minutes de route ou moins d'un arrêt.",
    "drive_minutes_per_week": "Minutes de conduite par semaine (dépôt → arrêts → dépôt).",
    "drive_km_per_week": "Kilomètres parcourus par semaine.",
    "co2_kg_per_week": "CO₂ émis par semaine, à 0,25 kg/km (hypothèse véhicule utilitaire diesel).",
    "regularity": (
        "Part des visites le même jour de la semaine et à la même heure (±30 min) que d'habitude pour la commune."
    ),
    "shifts": "Nombre de gardes affectées (une personne, un rôle, une tournée).",
    "home_km_median": (
        "Distance médiane à vol d'oiseau entre le domicile et le lieu de prise de service (dépôt du bus ou lieu fixe), "
        "par garde sur place."
    ),
    "home_km_max": (
        "Plus longue distance à vol d'oiseau entre le domicile et le lieu de prise de service, parmi les gardes sur "
        "place."
    ),
    "far_shifts": (
        f"Gardes sur place qui commencent à plus de {number_fr(FAR_SHIFT_KM, 0)} km (à vol d'oiseau) de plus que le "
        "lieu de service le plus proche du domicile de la personne (dépôt ou lieu fixe d'une unité où elle a un "
        "rôle) ; le résumé donne le motif de chacune : aucune séance proche ce jour-là, équipe proche déjà complète, "
        "personne de plus proche libre."
    ),
    "priority_need_served_share": (
        "Part du besoin des communes en zone prioritaire couverte (servie avant tout autre besoin)."
    ),
    "uncrewed_tours": (
        "Tournées (ou séances d'un lieu fixe) que personne ne pouvait tenir : retirées du plan et expliquées ; le "
        "motif évite d'en prévoir (0 attendu quand l'équipe existe)."
    ),
    "inversions": (
        "Communes en zone prioritaire sous leur objectif alors qu'une séance qu'elles pourraient prendre (sans "
        "enfreindre aucune règle) sert une commune hors zone au besoin moindre : 0 attendu."
    ),
    "need_bound_share": (
        "Borne prouvée : aucun plan respectant les règles (régulier ou non, avec toutes les unités qui peuvent s'y "
        "rendre, les équipes disponibles) ne peut servir une plus grande part du besoin."
    ),
    "priority_bound_share": (
        "Borne prouvée en zones prioritaires : aucun plan respectant les règles ne peut y servir une plus grande part "
        "du besoin."
    ),
    "continuity_share": (
        "Part des visites d'une commune faites par son médecin (ou soignant) le plus fréquent : 100 % quand "
        "chaque commune voit toujours la même personne."
    ),
    "preferences_met_share": (
        "Part des gardes des personnes qui ont exprimé des préférences (communes, unités) qui y répondent."
    ),
    "idle_sessions": (
        "Séances qu'un bus aurait pu tenir (jour travaillé, équipe libre) alors qu'une commune à sa portée attend "
        "sous son objectif ; chacune est expliquée (la règle qui écarte chaque commune)."
    ),
    "pattern_bound_share": (
        "Borne du motif : aucun motif hebdomadaire régulier du modèle de recherche ne peut servir davantage, à ce "
        "niveau de zones prioritaires ; mesure l'aboutissement de la recherche."
    ),
}

KPI_LABELS = {
    "sessions_per_week": "Séances / semaine",
    "consultation_hours_per_week": "Heures de consultation / semaine",
    "need_served_share": "Besoin couvert",
    "communes_served": "Communes desservies",
    "communes_left_out": "Communes sans visite (objectif > 0)",
    "population_within_15min": "Population à ≤ 15 min d'un arrêt",
    "population_within_30min": "Population à ≤ 30 min d'un arrêt",
    "drive_minutes_per_week": "Conduite (min / semaine)",
    "drive_km_per_week": "Distance (km / semaine)",
    "co2_kg_per_week": "CO₂ (kg / semaine)",
    "regularity": "Régularité",
    "shifts": "Gardes",
    "home_km_median": "Domicile → service, médiane (km)",
    "home_km_max": "Domicile → service, maximum (km)",
    "far_shifts": "Gardes loin de chez soi",
    "need_bound_share": "Borne prouvée du besoin",
    "priority_bound_share": "Borne prouvée, zones prioritaires",
    "pattern_bound_share": "Borne du motif régulier",
    "continuity_share": "Continuité des soins",
    "preferences_met_share": "Préférences respectées",
    "idle_sessions": "Capacité inutilisée (séances)",
    "priority_need_served_share": "Part servie en zones prioritaires",
    "inversions": "Inversions de priorité",
    "uncrewed_tours": "Tournées ou séances sans équipe (retirées)",
}

#: KPIs whose value is a share (0–1), shown as a percentage.
SHARE_KPIS = {
    "need_served_share",
    "regularity",
    "need_bound_share",
    "priority_need_served_share",
    "priority_bound_share",
    "pattern_bound_share",
    "continuity_share",
    "preferences_met_share",
}

#: What the plan says of a commune whose target is 0 visits, wherever left-out communes are listed.
BY_CHOICE = "objectif 0 : jamais visitée, par choix"
#: The name of `Plan.unserved`, the same in the summary, the app and the version history.
BELOW_TARGET = "Communes sous leur objectif"


def kpi_explanations() -> dict[str, str]:
    """One French sentence per KPI key, for the app and the docs."""
    return dict(KPI_EXPLANATIONS)


def format_kpi(key: str, value: float) -> str:
    """A KPI's value in French (``308,4``, ``107 422``, ``92,0 %``); any key, known or not."""
    if key in SHARE_KPIS:
        return percent_fr(value)
    return number_fr(value, 0 if float(value).is_integer() else 1)


@dataclass(frozen=True)
class KpiLine:
    """One KPI as people read it: French label, French figure, explanation and a remark (or "")."""

    key: str
    label: str
    value: str
    explanation: str
    note: str = ""


def kpi_lines(plan: Plan) -> list[KpiLine]:
    """The plan's KPIs, in their order, as the summary and the app show them.

    Under the straight-line estimate the units drive at one constant speed, 60 km/h: the minutes of
    driving are then the kilometres, and "308,4" twice reads as a mistake. The driving time is then
    left out and the distance says why.
    """
    kpis = dict(plan.kpis)
    same_drive = (
        plan.travel_label.startswith("estimation")
        and "drive_minutes_per_week" in kpis
        and kpis.get("drive_km_per_week") == kpis["drive_minutes_per_week"]
    )
    lines = []
    for key, value in kpis.items():
        if same_drive and key == "drive_minutes_per_week":
            continue
        note = (
            "autant de minutes de conduite : trajets estimés à 60 km/h"
            if same_drive and key == "drive_km_per_week"
            else ""
        )
        lines.append(
            KpiLine(key, KPI_LABELS.get(key, key), format_kpi(key, value), KPI_EXPLANATIONS.get(key, ""), note)
        )
    return lines


def summary(instance: Instance, plan: Plan) -> str:
    """The plan in a few lines of French, for the terminal."""
    lines = [
        f"Plan « {instance.title or instance.name} » : {plan.weeks} semaine(s) à partir du {plan.start.isoformat()}",
        f"Temps de trajet : {plan.travel_label}",
        f"{len(plan.tours)} tournées, {len(plan.sessions())} séances, "
        f"calculé en {number_fr(plan.solver_seconds)} s (horloge, tout compris)",
    ]
    if "need_bound_share" in plan.kpis:
        served, bound = plan.kpis["need_served_share"], plan.kpis["need_bound_share"]
        lines.append(
            f"Besoin servi {format_kpi('need_served_share', served)} ; "
            f"borne prouvée {format_kpi('need_bound_share', bound)}"
        )
    if "priority_bound_share" in plan.kpis:
        served, bound = plan.kpis.get("priority_need_served_share", 0.0), plan.kpis["priority_bound_share"]
        lines.append(
            f"Zones prioritaires : besoin servi {format_kpi('priority_need_served_share', served)} ; "
            f"borne prouvée {format_kpi('priority_bound_share', bound)}"
        )
    lines.append(need_source_sentence(instance.communes))
    if plan.search:
        lines.append(plan.search)
    lines += ["", "Indicateurs :"]
    lines += [f"  {k.label:<38} {k.value}" + (f"  ({k.note})" if k.note else "") for k in kpi_lines(plan)]
    lines += _far_shift_lines(instance, plan)
    weekly = _weekly_pattern(instance, plan)
    if weekly:
        lines += ["", "Semaine type (première semaine) :"] + [f"  {line}" for line in weekly]
    if plan.shifts:
        lines += ["", "Gardes par personne :"]
        lines += [f"  {line}" for line in staff_totals_text(staff_totals(instance, plan)).splitlines()]
    if plan.unserved:
        lines += ["", f"{BELOW_TARGET} ({len(plan.unserved)}) :"]
        for u in plan.unserved[:15]:
            lines.append(
                f"  - {u.name} ({u.insee}) : {u.planned_visits} visite(s) sur {number_fr(u.target_visits, None)} "
                f"visées — {u.reason}"
            )
        if len(plan.unserved) > 15:
            lines.append(f"  … et {len(plan.unserved) - 15} autres (voir plan.json)")
    lines += _by_choice_lines(instance, plan)
    if plan.warnings:
        lines += ["", "Avertissements :"] + [f"  - {w}" for w in plan.warnings[:15]]
    return "\n".join(lines)


def _far_shift_lines(instance: Instance, plan: Plan, shown: int = 10) -> list[str]:
    """The shifts that start far from home (KPI ``far_shifts``), the farthest first, each with why."""
    far = explain_far_shifts(instance, plan.tours, plan.shifts)
    if not far:
        return []
    far.sort(key=lambda f: (-f.extra_km, f.shift.date, f.shift.staff_id))
    lines = ["", f"{KPI_LABELS['far_shifts']} ({len(far)}), les plus loin d'abord :"]
    for f in far[:shown]:
        lines += textwrap.wrap(
            describe(instance, f),
            width=110,
            initial_indent="  - ",
            subsequent_indent="    ",
            break_on_hyphens=False,
        )
    if len(far) > shown:
        lines.append(f"  … et {len(far) - shown} autres")
    return lines


def _by_choice_lines(instance: Instance, plan: Plan, shown: int = 15) -> list[str]:
    """The communes never visited because their target is 0, so that nobody takes them for forgotten."""
    communes = not_targeted(instance, plan.tours)
    if not communes:
        return []
    names = ", ".join(c.name for c in communes[:shown])
    if len(communes) > shown:
        names += f" … et {len(communes) - shown} autres"
    head = f"Communes jamais visitées, par choix (objectif 0) : {len(communes)} — "
    return ["", *textwrap.wrap(head + names, width=100, subsequent_indent="  ", break_on_hyphens=False)]


def _weekly_pattern(instance: Instance, plan: Plan) -> list[str]:
    if not plan.tours:
        return []
    first_week = [t for t in plan.tours if (t.date - plan.start).days < 7]
    lines = []
    for t in first_week:
        stops = ", ".join(f"{instance.commune(s.insee).name} {hhmm(s.start)}-{hhmm(s.end)}" for s in t.sessions)
        lines.append(f"{WEEKDAYS_FR[t.date.weekday()]:<9} {instance.unit(t.unit_id).name} : {stops}")
    return lines
