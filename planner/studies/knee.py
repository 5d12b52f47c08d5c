"""The knee of a study: from how many units (or doctors) on does one more bring little?

The knee is the smallest value beyond which every further step gains less than `THRESHOLD` of the
need (in points of the need served, per unit or doctor added). Said in one French sentence.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from planner.domain.french import number_fr

#: One more unit (or doctor) that serves less than this share of the need more is past the knee.
THRESHOLD = 0.05


def knee(points: Sequence[tuple[int, float]], *, threshold: float = THRESHOLD) -> int | None:
    """The knee of (value, need served share) points, or None when the last step still gains enough
    (or there are fewer than two points)."""
    ordered = sorted(points)
    if len(ordered) < 2:
        return None
    gains = [(y2 - y1) / (x2 - x1) for (x1, y1), (x2, y2) in itertools.pairwise(ordered)]
    for index, (x, _) in enumerate(ordered[:-1]):
        if all(g < threshold for g in gains[index:]):
            return x
    return None


def _noun(count: int, singular: str, plural: str) -> str:
    return singular if count <= 1 else plural


def knee_sentence(
    points: Sequence[tuple[int, float]], singular: str, plural: str, *, threshold: float = THRESHOLD
) -> str:
    """``"Au-delà de 2 unités, chaque unité de plus sert moins de 5 % de besoin en plus (…)."``"""
    ordered = sorted(points)
    percent = f"{number_fr(threshold * 100, None)} %"
    if len(ordered) < 2:
        return f"Une seule valeur de {plural} étudiée : pas de coude à calculer."
    at = knee(ordered, threshold=threshold)
    share = dict(ordered)
    last = ordered[-1][0]
    if at is None:
        return (
            f"Jusqu'à {last} {_noun(last, singular, plural)}, chaque {singular} de plus sert encore au moins "
            f"{percent} de besoin en plus : pas de coude dans cette plage, étudiez-en davantage."
        )
    return (
        f"Au-delà de {at} {_noun(at, singular, plural)}, chaque {singular} de plus sert moins de {percent} "
        f"de besoin en plus (besoin couvert : {share[at] * 100:.0f} % avec {at}, "
        f"{share[last] * 100:.0f} % avec {last})."
    )
