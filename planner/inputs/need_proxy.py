"""The need proxy of a commune: its residents without a regular doctor who are far from existing care,
estimated from its population and its distance to the nearest town.

The planner's need is unmet need, in people (docs/formats.md, « Le besoin »): the Assurance maladie's
count of patients without a médecin traitant, or the care missing below the zoning's APL threshold
(`planner.inputs.need_indicators`). Neither is available offline for every commune, so ``need_proxy``
estimates the same thing::

    need = population × share_without_gp × remoteness factor(nearest_town_km)

The share is the national share of residents without a médecin traitant; the factor is small at a
town of `TOWN_MIN_POPULATION` inhabitants (it has practices: a resident without a doctor of their own
still finds one nearby) and grows linearly with the straight-line distance to such a town, up to
``far_factor`` at ``full_km`` and beyond (far from practices, the share without a doctor is larger and
nothing makes up for it). Every assumption is a field of `ProxyAssumptions`, with its plausible range
in `plausible_variants`, so that a study can show how much its results depend on them.
Sanity check: summed over all of France, the default proxy is close to the Assurance maladie's
published total (bench/need_proxy_france.py prints it; docs/formats.md gives the figures).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

from planner.domain.geo import chord_km, unit_vectors

if TYPE_CHECKING:  # NumPy is imported where arrays are used: reading a communes file does not pay for it
    import numpy as np

#: A commune of at least this many inhabitants counts as a town that has GP practices: the input
#: ``nearest_town_km`` is the distance to the nearest such commune (`nearest_town_km`).
TOWN_MIN_POPULATION = 5000


@dataclass(frozen=True)
class ProxyAssumptions:
    """Every assumption of the need proxy (docs/formats.md, « Le besoin estimé »)."""

    #: Share of residents without a médecin traitant: the Assurance maladie counts about 6 million
    #: people aged 17+ without one (2023), ≈ 11 % of the adults; plausible 9 % to 13 %.
    share_without_gp: float = 0.11
    #: Remoteness factor at a town (0 km): half of its residents without a doctor of their own lack
    #: care, the others find it nearby (centres de santé, doctors taking new patients); plausible 0.25 to 0.75.
    near_factor: float = 0.5
    #: Remoteness factor at ``full_km`` and beyond: far from practices, the share without a doctor is
    #: about twice the national one (zones d'intervention prioritaire); plausible 1.5 to 2.5.
    far_factor: float = 2.0
    #: Straight-line km from a town at which ``far_factor`` is reached (about 30-40 min by road);
    #: plausible 20 to 40 km.
    full_km: float = 30.0

    def __post_init__(self) -> None:
        if not 0 < self.share_without_gp <= 1 or self.full_km <= 0:
            msg = "hypothèses du besoin estimé : part entre 0 et 1, distance > 0"
            raise ValueError(msg)
        if not 0 <= self.near_factor <= self.far_factor or self.share_without_gp * self.far_factor > 1:
            msg = "hypothèses du besoin estimé : 0 ≤ facteur près ≤ facteur loin, et part × facteur loin ≤ 1"
            raise ValueError(msg)


DEFAULT_ASSUMPTIONS = ProxyAssumptions()

#: The plausible range of each assumption (low, high) and its French name, as documented on the fields.
PLAUSIBLE_RANGES: dict[str, tuple[float, float, str]] = {
    "share_without_gp": (0.09, 0.13, "part sans médecin traitant"),
    "near_factor": (0.25, 0.75, "facteur près d'une ville"),
    "far_factor": (1.5, 2.5, "facteur loin d'une ville"),
    "full_km": (20.0, 40.0, "distance du facteur loin (km)"),
}


def plausible_variants() -> dict[str, ProxyAssumptions]:
    """French label -> assumptions with ONE parameter at an end of its plausible range (`PLAUSIBLE_RANGES`),
    the others at their defaults: what a sensitivity study varies."""
    variants = {}
    for field in fields(ProxyAssumptions):
        low, high, label = PLAUSIBLE_RANGES[field.name]
        for value in (low, high):
            variants[f"{label} = {value:g}"] = replace(DEFAULT_ASSUMPTIONS, **{field.name: value})
    return variants


def nearest_town_km(lat: np.ndarray, lon: np.ndarray, town_lat: np.ndarray, town_lon: np.ndarray) -> np.ndarray:
    """Straight-line km from each point to the nearest town (a k-d tree over unit vectors)."""
    import numpy as np
    from scipy.spatial import cKDTree

    from planner.inputs.data_source import SourceError

    if len(town_lat) == 0:
        msg = "aucune commune de référence (≥ 5 000 habitants) pour calculer l'éloignement"
        raise SourceError(msg)
    tree = cKDTree(unit_vectors(np.asarray(town_lat), np.asarray(town_lon)))
    chord, _ = tree.query(unit_vectors(np.asarray(lat), np.asarray(lon)))
    return chord_km(np.asarray(chord))


def remoteness_factor(
    km: float | np.ndarray, assumptions: ProxyAssumptions = DEFAULT_ASSUMPTIONS
) -> float | np.ndarray:
    """``near_factor`` at a town, rising linearly to ``far_factor`` at ``full_km`` km and beyond."""
    a = assumptions
    if isinstance(km, (int, float)):
        reach: float | np.ndarray = min(float(km), a.full_km) / a.full_km
    else:
        import numpy as np

        reach = np.minimum(np.asarray(km, dtype=float), a.full_km) / a.full_km
    return a.near_factor + (a.far_factor - a.near_factor) * reach


def need_proxy(
    population: float | np.ndarray, town_km: float | np.ndarray, assumptions: ProxyAssumptions = DEFAULT_ASSUMPTIONS
) -> float | np.ndarray:
    """Estimated residents without a regular doctor and far from existing care, in people:
    ``population × share_without_gp × remoteness_factor(town_km)`` (see the module's docstring); floats
    give a float, arrays an array."""
    if not isinstance(population, (int, float)):
        import numpy as np

        population = np.asarray(population, dtype=float)
    return population * assumptions.share_without_gp * remoteness_factor(town_km, assumptions)
