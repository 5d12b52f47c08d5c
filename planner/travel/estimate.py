"""The great-circle estimate of travel: always available, labelled "estimation" wherever it is shown.

Straight-line distance × a detour factor, driven at an average speed (`planner.domain.geo`). The
road source of `planner.travel.roads` is the other `TravelSource`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from planner.domain.french import number_fr
from planner.domain.geo import (
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_SPEED_KMH,
    estimated_km_minutes,
)
from planner.domain.instance import Point
from planner.domain.travel_matrix import TravelMatrix


@dataclass(frozen=True)
class EstimateSource:
    """Straight-line distance × ``detour_factor`` driven at ``speed_kmh``: an estimate, said so."""

    detour_factor: float = DEFAULT_DETOUR_FACTOR
    speed_kmh: float = DEFAULT_SPEED_KMH

    def __post_init__(self) -> None:
        if self.detour_factor < 1 or self.speed_kmh <= 0:
            msg = "the estimate needs detour_factor >= 1 and speed_kmh > 0"
            raise ValueError(msg)

    @property
    def label(self) -> str:
        return (
            f"estimation (distance à vol d'oiseau × {number_fr(self.detour_factor, None)}, "
            f"{number_fr(self.speed_kmh, None)} km/h) — pas un temps routier"
        )

    def matrix(self, places: Sequence[Point]) -> TravelMatrix:
        km, minutes = estimated_km_minutes(places, detour_factor=self.detour_factor, speed_kmh=self.speed_kmh)
        return TravelMatrix(tuple(places), minutes, km, "estimate", self.label, rectangle=self.minutes_between)

    def minutes_between(self, origins: Sequence[Point], targets: Sequence[Point]) -> np.ndarray:
        """Estimated minutes from each origin to each target (the same arithmetic as `matrix`)."""
        _, minutes = estimated_km_minutes(origins, targets, detour_factor=self.detour_factor, speed_kmh=self.speed_kmh)
        return minutes
