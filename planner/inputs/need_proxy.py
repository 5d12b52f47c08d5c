"""The need proxy of an imported commune: the patients without a regular doctor, estimated from its
population and its distance to the nearest town.

Real need figures (patients without a regular doctor, APL) are not available offline; ``need_proxy``
stands in for them, in the same unit (people). Its assumptions are the constants below, apart from
the reading of the source so that they are found, and changed, in one place (planner/data/communes/README.md
explains them).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from planner.domain.geo import chord_km, unit_vectors
from planner.inputs.data_source import SourceError

#: Assumption: national share of people without a "médecin traitant". The Assurance maladie counts
#: about 6 million people aged 17+ without one (≈ 11 %, 2022-2023); EPN's 13,000 patients without a
#: regular doctor out of ~111,000 inhabitants (≈ 12 %) agree.
SHARE_WITHOUT_GP = 0.11
#: A commune of at least this many inhabitants counts as a town that has GP practices.
TOWN_MIN_POPULATION = 5000
#: Remoteness multiplier: 1 at a town, rising linearly to 2 at this straight-line distance and beyond.
REMOTENESS_FULL_KM = 30.0


def nearest_town_km(lat: np.ndarray, lon: np.ndarray, town_lat: np.ndarray, town_lon: np.ndarray) -> np.ndarray:
    """Straight-line km from each point to the nearest town (a k-d tree over unit vectors)."""
    if len(town_lat) == 0:
        msg = "aucune commune de référence (≥ 5 000 habitants) pour calculer l'éloignement"
        raise SourceError(msg)
    tree = cKDTree(unit_vectors(np.asarray(town_lat), np.asarray(town_lon)))
    chord, _ = tree.query(unit_vectors(np.asarray(lat), np.asarray(lon)))
    return chord_km(np.asarray(chord))


def remoteness_multiplier(km: float | np.ndarray) -> float | np.ndarray:
    """1 at a town, rising linearly to 2 at `REMOTENESS_FULL_KM` km and beyond."""
    return 1.0 + np.minimum(np.asarray(km, dtype=float), REMOTENESS_FULL_KM) / REMOTENESS_FULL_KM


def need_proxy(population: float | np.ndarray, town_km: float | np.ndarray) -> float | np.ndarray:
    """Proxy for the patients without a regular doctor, in people.

    ``population × SHARE_WITHOUT_GP × remoteness_multiplier(town_km)``: the national share of people
    without a "médecin traitant" (an assumption, see `SHARE_WITHOUT_GP`), up to doubled for communes
    far from any town of `TOWN_MIN_POPULATION` inhabitants, where GPs are scarcer.
    """
    return np.asarray(population, dtype=float) * SHARE_WITHOUT_GP * remoteness_multiplier(town_km)
