"""The French names of the validator's rules, for messages a coordinator reads (a refused move ends
with « règle « heures de service » », never with the code ``HOURS``).

`RULE_NAMES_FR` names every code of `planner.check.validate.RULE_NAMES` (a test checks it).
"""

from __future__ import annotations

__all__ = ["RULE_NAMES_FR", "rule_fr"]

#: Code → French name, for every hard rule of the validator.
RULE_NAMES_FR: dict[str, str] = {
    # hard: tours
    "UNIT_DAY": "jours de l'unité",
    "HOLIDAY": "jour férié ou fermeture",
    "COMMUNE_CLOSED": "commune fermée",
    "UNIT_CLOSED": "unité hors service",
    "HOURS": "heures de service",
    "SESSION_TIMES": "horaires des séances",
    "TIME_GRID": "grille horaire",
    "TRAVEL": "temps de trajet",
    "SPEED": "vitesse plausible",
    "DRIVE_BETWEEN_SESSIONS": "trajet entre deux séances",
    "LUNCH": "pause déjeuner",
    "SITE_OPEN": "ouverture du site",
    "SITE_CLASH": "un site, une unité à la fois",
    "UNIT_PLACES": "communes desservies par l'unité",
    "FREQUENCY": "fréquence des visites",
    "MIN_GAP": "écart entre deux passages",
    "ONE_TOUR_PER_DAY": "une tournée par unité et par jour",
    "PIN": "épingle",
    "BANNED_DAY": "jour interdit",
    # hard: staff
    "CREW": "équipe complète",
    "ROLE": "rôle de la personne",
    "REMOTE": "rôle sur place ou à distance",
    "AVAILABILITY": "disponibilités",
    "SHIFT_TIMES": "horaires des gardes",
    "ONE_PLACE": "un seul lieu à la fois",
    "ONE_TOUR_PER_PERSON_PER_DAY": "une garde par personne et par jour",
    "MAX_WEEK": "maximum d'heures par semaine",
    "MAX_MONTH": "maximum d'heures par mois",
}


def rule_fr(code: str) -> str:
    """The French name of rule ``code`` (an unknown code is given as it is)."""
    return RULE_NAMES_FR.get(code, code)
