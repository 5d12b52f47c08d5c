"""Hand-made territories for the ranking tests: communes with a population, a distance to the nearest
town and the share of their target a plan met, their need the proxy's under the default assumptions."""

from __future__ import annotations

from planner.inputs.need_proxy import need_proxy
from planner.studies.priority import CommuneNeed, TerritoryNeed


def commune(insee: str, population: int, town_km: float | None, *, served: float = 1.0, real_need: float | None = None):
    need = real_need if real_need is not None else float(need_proxy(population, town_km or 0.0))
    return CommuneNeed(
        insee, f"Commune {insee} (exemple)", population, 49.0 + int(insee[-2:]) / 100, 0.5, town_km, need,
        "proxy" if real_need is None else "sans-medecin", served,
    )  # fmt: skip


def territory(name: str, *communes: CommuneNeed) -> TerritoryNeed:
    return TerritoryNeed(name, 1, communes)


def one_commune(name: str, index: int, population: int, town_km: float) -> TerritoryNeed:
    """A territory of a single commune wholly served (its priority index is its need when far from care)."""
    return territory(name, commune(f"99{index:03d}", population, town_km))
