"""Which communes' need is a real figure and which the proxy, in one French sentence that every output
showing need carries (the plan's summary, the territory and region studies).

The need's sources are the values of the communes file's ``need_source`` column (docs/formats.md):
``sans-medecin`` (the Assurance maladie's count of patients without a médecin traitant), ``apl`` (the
DREES's APL, turned into care missing below the zoning's threshold) and ``proxy`` (the estimate of
residents far from care, planner/inputs/need_proxy.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: How each real source is named in the sentence.
REAL_SOURCES = {
    "apl": "APL aux médecins généralistes de la DREES",
    "sans-medecin": "patients sans médecin traitant de l'Assurance maladie",
}
PROXY_WORDS = "indicateur de substitution (habitants éloignés d'une ville, estimés)"
#: At most this many commune names are listed per group.
MAX_NAMES = 8


def _pairs(communes: Any) -> list[tuple[str, str]]:
    """(name, need source) of Commune objects or of a DataFrame with ``name`` and ``need_source``
    columns (an absent or empty source is the proxy)."""
    if hasattr(communes, "columns"):
        sources = communes["need_source"] if "need_source" in communes.columns else ["proxy"] * len(communes)
        return [(str(n), str(s or "proxy")) for n, s in zip(communes["name"], sources)]
    return [(c.name, getattr(c, "need_source", "proxy") or "proxy") for c in communes]


def _names(names: list[str]) -> str:
    shown = ", ".join(sorted(names)[:MAX_NAMES])
    more = len(names) - MAX_NAMES
    return shown + (f" et {more} autre(s)" if more > 0 else "")


def need_source_sentence(communes: Iterable[Any]) -> str:
    """« Besoin : … » — how many communes have a real figure (by source) and which, and which the proxy.

    ``communes``: `planner.domain.Commune` objects, or a DataFrame with ``name`` and (optionally)
    ``need_source`` columns, as the region study has after merging indicators.
    """
    pairs = _pairs(communes)
    real = [(n, s) for n, s in pairs if s in REAL_SOURCES]
    proxy = [n for n, s in pairs if s not in REAL_SOURCES]
    if not real:
        return f"Besoin : {PROXY_WORDS} pour les {len(pairs)} communes, aucun chiffre réel (docs/formats.md)."
    by_source = "; ".join(
        f"{label} : {count}"
        for source, label in REAL_SOURCES.items()
        if (count := sum(1 for _, s in real if s == source))
    )
    if not proxy:
        return f"Besoin : chiffres réels pour les {len(pairs)} communes ({by_source})."
    return (
        f"Besoin : chiffres réels pour {len(real)} commune(s) sur {len(pairs)} ({by_source}) : "
        f"{_names([n for n, _ in real])} ; {PROXY_WORDS} pour les {len(proxy)} autres : {_names(proxy)}."
    )
