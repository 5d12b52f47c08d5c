"""A travel matrix: minutes and km between places, the one shape every stage reads travel in.

Built by `planner.travel` (an estimate or road times), read by the solvers, the KPIs and, when the
plan was made on roads, by the validator. Matrices may be asymmetric (one-way streets).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from planner.domain.instance import Point


@dataclass(frozen=True)
class TravelMatrix:
    """Minutes and km from every place to every other, in the order of ``places``.

    ``source`` is ``"road"`` or ``"estimate"``; ``label`` is the human description shown in outputs.
    ``legs`` optionally holds road polylines ``[(lat, lon), …]`` keyed by (from index, to index).
    ``rectangle`` (set by the source that built the matrix) gives minutes from any places to any
    others the same way: a matrix holds only the places a unit may drive between, and a figure such
    as the population near a stop reaches every commune of the territory (`minutes_between`).
    """

    places: tuple[Point, ...]
    minutes: np.ndarray
    km: np.ndarray
    source: str
    label: str
    legs: dict[tuple[int, int], list[tuple[float, float]]] = field(default_factory=dict, compare=False)
    rectangle: Callable[[Sequence[Point], Sequence[Point]], np.ndarray] | None = field(
        default=None, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_position", {p: i for i, p in reversed(list(enumerate(self.places)))})
        n = len(self.places)
        for name in ("minutes", "km"):
            arr = getattr(self, name)
            if arr.shape != (n, n):
                msg = f"travel matrix `{name}` has shape {arr.shape}, expected ({n}, {n})"
                raise ValueError(msg)

    def index(self, place: Point) -> int:
        """Position of ``place`` in the matrix (ValueError when it is not there)."""
        try:
            return self._position[place]  # type: ignore[attr-defined]
        except KeyError:
            msg = f"{place.name} is not a place of this travel matrix"
            raise ValueError(msg) from None

    def __contains__(self, place: object) -> bool:
        return place in self._position  # type: ignore[attr-defined]

    def minutes_between(self, origins: Sequence[Point], targets: Sequence[Point]) -> np.ndarray:
        """Minutes from each origin to each target: from the matrix when it holds them all, else
        from the source's ``rectangle`` (``inf`` where the source cannot reach a place)."""
        if all(p in self for p in origins) and all(p in self for p in targets):
            rows, cols = [self.index(p) for p in origins], [self.index(p) for p in targets]
            return self.minutes[np.ix_(rows, cols)]
        if self.rectangle is None:
            missing = next(p for p in (*origins, *targets) if p not in self)
            msg = f"{missing.name} is not a place of this travel matrix, which has no rectangle function"
            raise ValueError(msg)
        return np.asarray(self.rectangle(origins, targets), dtype=float)

    def route_totals(self, stops: Sequence[int]) -> tuple[float, float]:
        """Minutes and km of driving through ``stops`` (matrix indices) in order."""
        legs = list(itertools.pairwise(stops))
        return (
            float(sum(self.minutes[a, b] for a, b in legs)),
            float(sum(self.km[a, b] for a, b in legs)),
        )

    def geometry(self, i: int, j: int) -> list[tuple[float, float]]:
        """The leg's polyline; a straight segment when no road geometry is known."""
        if (i, j) in self.legs:
            return self.legs[(i, j)]
        a, b = self.places[i], self.places[j]
        return [(a.lat, a.lon), (b.lat, b.lon)]


def whole_minutes(minutes):
    """Drive minutes rounded up to whole minutes, as tours are timed (scalar or array).

    Every planning step rounds the same way, so what one step finds fits, the next finds fits too.
    """
    return np.ceil(np.asarray(minutes) - 1e-9)


class TravelSource(Protocol):
    """Anything that turns places into a travel matrix."""

    def matrix(self, places: Sequence[Point]) -> TravelMatrix: ...
