"""The solver settings a coordinator may change: time budgets, seed, road data, method."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from planner.domain.errors import TourneeError, describe_os_error
from planner.domain.limits import MAX_SEED, forbidden_character, seconds_problem, shown


@dataclass(frozen=True)
class PlanOptions:
    """Solver settings.

    time_limit: budget of the weekly-pattern search, in seconds of computing on a 2-core machine
        (spent as CP-SAT deterministic time: the same plan on any machine), rounded down to a power
        of two so that a larger budget never gives a worse pattern (from 16 s on a department);
        ``None`` sizes it to the territory (2 s, up to 32 s for a department).
    rota_time_limit: seconds of computing a large rota (over 3,000 assignment variables) may spend
        improving its greedy start, as a number of windows of deterministic budget (one per 2.5 s);
        a smaller rota is solved whole on fixed deterministic budgets and does not read it.
    seed: random seed of the solvers; with the same seed and inputs, the same plan.
    roads: ``"estimate"`` (great-circle, offline), ``"road"`` (OpenStreetMap, cached), ``"auto"``,
        or a path to a GraphML / OSM XML file.
    method: ``"cp-sat"`` (default) or ``"greedy"`` (the nearest-highest-need baseline).
    threads: CP-SAT threads of each search; ``None`` lets the planner choose per model (the default).
        A number fixes it for every search, so that plans running side by side (studies: 1 each)
        do not share cores; a different number may give a different, equally valid plan.
    compare_half_budget: with a ``time_limit`` above the territory's default, also plan with half of
        it and keep the better plan, so that more budget never gives a worse plan (the default);
        studies, which plan many territories at one budget and never double it, leave it off.
    """

    time_limit: float | None = None
    rota_time_limit: float = 1.0
    seed: int = 0
    roads: str = "estimate"
    method: str = "cp-sat"
    threads: int | None = None
    compare_half_budget: bool = True

    def __post_init__(self) -> None:
        for name in ("time_limit", "rota_time_limit"):
            if getattr(self, name) is None and name == "time_limit":
                continue  # sized to the territory
            problem = seconds_problem(getattr(self, name))
            if problem:
                raise ValueError(f"{name} : {problem}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed <= MAX_SEED:
            raise ValueError(f"seed : « {shown(self.seed)} » ; attendu : un nombre entier de 0 à {MAX_SEED}")
        if not isinstance(self.roads, str) or forbidden_character(self.roads) is not None:
            raise ValueError(
                f"roads : « {shown(self.roads)} » ; attendu : estimate, road, auto ou un chemin de fichier"
            )
        if self.threads is not None and (
            isinstance(self.threads, bool) or not isinstance(self.threads, int) or self.threads < 1
        ):
            raise ValueError(f"threads : « {shown(self.threads)} » ; attendu : un nombre entier de fils, 1 ou plus")
        if not isinstance(self.compare_half_budget, bool):
            raise ValueError(f"compare_half_budget : « {shown(self.compare_half_budget)} » ; attendu : true ou false")
        if self.method not in ("cp-sat", "greedy"):
            raise ValueError(f"method : « {shown(self.method)} » inconnue ; attendu : cp-sat ou greedy")

    @classmethod
    def from_file(cls, path: str | Path) -> PlanOptions:
        """Options from the ``[solver]`` table of a TOML file; a wrong file or key gets a French error."""
        try:
            with open(path, "rb") as fh:
                table = tomllib.load(fh).get("solver", {})
        except OSError as exc:
            msg = f"lecture impossible ({describe_os_error(exc)})"
            raise TourneeError(msg) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            msg = f"{path} : fichier TOML invalide ({exc})"
            raise TourneeError(msg) from None
        except RecursionError:
            msg = f"{path} : fichier TOML imbriqué trop profondément"
            raise TourneeError(msg) from None
        known = {f.name for f in fields(cls)}
        unknown = set(table) - known if isinstance(table, dict) else set()
        if not isinstance(table, dict) or unknown:
            msg = f"{path} : options inconnues {shown(sorted(unknown))} dans [solver] ; attendues : {sorted(known)}"
            raise TourneeError(msg)
        try:
            return cls(**table)
        except (TypeError, ValueError) as exc:
            msg = f"{path} : réglage invalide dans [solver] ({exc})"
            raise TourneeError(msg) from None
