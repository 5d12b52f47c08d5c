"""A region study (planner.studies.region_study) on a 2-worker Dask `LocalCluster`: it equals the
serial run and the 1-worker run, with both cores busy too, reports a failing territory, and resumes
without planning finished ones again; on a hand-made region, the rural territory far from care ranks
first, and the ranking says its criterion, maps and charts it."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.inputs.need_proxy import need_proxy
from planner.studies.figures import COLUMNS, OK
from planner.studies.ranking import CRITERION, RANKING_COLUMNS
from planner.studies.region_study import RegionStudy, run_region_study
from planner.studies.study_run import Execution
from tests.support.paths import ROOT
from tests.support.processes import stop
from tests.support.studies import FAST, plan_data

pytestmark = pytest.mark.slow  # a region planned twice, once on a Dask cluster

DIEPPE_COMMUNES = ROOT / "planner" / "data" / "communes" / "medicobus-dieppe.csv"


# --- A region on Dask ----------------------------------------------------------------------------


BROKEN = "200000000"


def _region_file(folder: Path) -> Path:
    """Three real intercommunalities of the Dieppe area, four communes each, targets from need, and
    one whose commune has a latitude outside France: that territory's file is refused."""
    with DIEPPE_COMMUNES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kept = []
    for epci in sorted({r["epci"] for r in rows}):
        kept += [r | {"visits_per_week": ""} for r in rows if r["epci"] == epci][:4]
    kept.append(rows[0] | {"insee": "76999", "lat": "99.5", "epci": "CC Cassée (test)", "epci_siren": BROKEN})
    path = folder / "region.csv"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _without_seconds(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """The region run serially, then on a 2-worker LocalCluster."""
    folder = tmp_path_factory.mktemp("region")
    study = RegionStudy(str(_region_file(folder)), weeks=1, options=FAST)
    serial = run_region_study(study, folder / "serial", execution=Execution())
    parallel = run_region_study(study, folder / "dask", execution=Execution.local_cluster(2))
    return study, folder, serial, parallel


def test_region_on_a_two_worker_local_cluster_equals_the_serial_run(region):
    _, folder, serial, parallel = region
    assert len(parallel.run.peak_memory_mb) == 2  # both workers planned
    assert _without_seconds(parallel.ranking) == _without_seconds(serial.ranking)
    for row in serial.ranking:
        if row["status"] == OK:
            name = f"scenarios/{row['territory']}/plan.json"
            assert plan_data(folder / "dask" / name) == plan_data(folder / "serial" / name)
    assert [r["rank"] for r in serial.ranking] == [1, 2, 3, ""]
    best = serial.ranking[0]
    assert best["priority_index"] >= serial.ranking[1]["priority_index"]


def _tables(folder: Path) -> dict[str, object]:
    """What a study wrote: the ranking's lines as written with the plan-seconds cell cut out, each
    plan without its seconds, every other scenario file's bytes."""
    text = (folder / "classement.csv").read_bytes().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    seconds = lines[0].index(COLUMNS["seconds"])
    tables: dict[str, object] = {"classement.csv": [line[:seconds] + line[seconds + 1 :] for line in lines]}
    for path in sorted((folder / "scenarios").glob("*/*")):
        name = path.relative_to(folder).as_posix()
        tables[name] = plan_data(path) if path.name == "plan.json" else path.read_bytes()
    return tables


def test_one_worker_and_two_workers_on_busy_cores_write_the_same_results(region, tmp_path):
    """No wall clock reaches a plan: one worker, or two with every core kept busy by busy loops,
    write the same ranking, plans and scenario files as two workers on idle cores."""
    study, folder, _, _ = region
    alone = run_region_study(study, tmp_path / "one", execution=Execution.local_cluster(1))
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(max(2, os.cpu_count() or 2))]
    try:
        loaded = run_region_study(study, tmp_path / "busy", execution=Execution.local_cluster(2))
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert len(alone.run.peak_memory_mb) == 1 and len(loaded.run.peak_memory_mb) == 2
    reference = _tables(folder / "dask")
    assert len(reference) == 1 + 3 * 4  # the ranking, and 3 planned territories of 4 files
    assert _tables(tmp_path / "one") == reference
    assert _tables(tmp_path / "busy") == reference


def test_a_failing_territory_is_reported_and_the_others_complete(region):
    _, _, serial, parallel = region
    for report in (serial, parallel):
        assert [r["territory"] for r in report.failures] == [BROKEN]
        reason = report.failures[0]["status"]
        assert reason.startswith("échec :") and "ligne 2" in reason and "lat" in reason
        assert sum(r["status"] == OK for r in report.ranking) == 3
        assert BROKEN in report.summary and "En échec" in report.summary


def test_a_rerun_skips_finished_territories_and_retries_failed_ones(region, tmp_path):
    study, folder, serial, _ = region
    messages = []
    again = run_region_study(study, folder / "serial", execution=Execution(),
                             progress=lambda done, total, message: messages.append(message))  # fmt: skip
    assert again.run.skipped == 3
    planned_now = [m for m in messages if not m.startswith("reprise")]
    assert len(planned_now) == 1 and planned_now[0].startswith(BROKEN)  # only the failed one, again
    assert _without_seconds(again.ranking) == _without_seconds(serial.ranking)


def _started(command: list[str], ready: Path) -> subprocess.Popen:
    """``python -m command``, once it has written ``ready`` (at most a minute, or it failed)."""
    process = subprocess.Popen([sys.executable, "-m", *command])
    for _ in range(600):
        if ready.exists() or process.poll() is not None:
            break
        time.sleep(0.1)
    assert process.poll() is None and ready.exists(), f"{command[0]} did not start"
    return process


@pytest.fixture
def dask_cluster(tmp_path):
    """A scheduler and one single-threaded worker, each its own process as `dask scheduler` and
    `dask worker` start them: the cluster a coordinator's ``--scheduler ADDRESS`` names. Another
    process, not threads of this one: an in-process worker would plan in pytest's own process."""
    from distributed import Client

    file = tmp_path / "scheduler.json"
    processes = [_started(["distributed.cli.dask_scheduler", "--port", "0", "--no-dashboard",
                           "--scheduler-file", str(file)], file)]  # fmt: skip
    try:
        worker = ["distributed.cli.dask_worker", "--scheduler-file", str(file), "--nthreads", "1", "--no-nanny"]
        processes.append(subprocess.Popen([sys.executable, "-m", *worker, "--no-dashboard"]))
        with Client(scheduler_file=str(file), timeout="60s") as client:
            client.wait_for_workers(1, timeout=120)
            address = client.scheduler.address
        yield address
    finally:
        for process in reversed(processes):
            stop(process, 30)


def test_an_existing_dask_cluster_is_used_unchanged(region, dask_cluster, tmp_path):
    """`--scheduler ADDRESS`: the tasks go to that cluster; same results."""
    study, _, serial, _ = region
    remote = run_region_study(study, tmp_path / "remote", execution=Execution(scheduler=dask_cluster))
    assert dask_cluster in remote.summary
    (process,) = remote.run.peak_memory_mb  # planned by the cluster's one worker, not here
    assert not process.endswith(f":{os.getpid()}")
    assert _without_seconds(remote.ranking) == _without_seconds(serial.ranking)


# --- A hand-made region: a city's suburbs against villages far from care -------------------------


def _commune(insee, name, population, lat, lon, town_km, epci, siren):
    need = round(float(need_proxy(population, town_km)), 1)
    return [insee, name, population, lat, lon, epci, siren, need, town_km, ""]


def _city_and_country(folder: Path) -> Path:
    """A city of 60,000 (not visited: it has practices) with five suburbs of 4,000 people 3 km away, and
    five villages of 800 people 25 km from any town: population would rank the city's territory first."""
    city, rural = ("CA de la Ville (exemple)", "200000010"), ("CC des Villages (exemple)", "200000020")
    rows = [_commune("14001", "Grande-Ville (exemple)", 60_000, 49.18, -0.37, 0.0, *city)]
    rows += [_commune(f"1401{i}", f"Faubourg {i} (exemple)", 4_000, 49.18 + 0.027 * (i - 2), -0.33, 3.0, *city)
             for i in range(5)]  # fmt: skip
    rows += [_commune(f"6102{i}", f"Village {i} (exemple)", 800, 48.60 + 0.03 * i, 0.30, 25.0, *rural)
             for i in range(5)]  # fmt: skip
    header = "insee,name,population,lat,lon,epci,epci_siren,need_proxy,nearest_town_km,visits_per_week"
    path = folder / "ville-et-campagne.csv"
    path.write_text("\n".join([header, *(",".join(map(str, r)) for r in rows)]) + "\n", encoding="utf-8")
    return path


def test_the_rural_territory_far_from_care_ranks_first_and_the_outputs_say_why(tmp_path):
    study = RegionStudy(str(_city_and_country(tmp_path)), weeks=1, options=FAST)
    report = run_region_study(study, tmp_path / "etude", execution=Execution())
    rural, city = report.ranking
    assert (rural["territory"], city["territory"]) == ("200000020", "200000010")
    assert city["need_served_per_unit"] > rural["need_served_per_unit"]  # more people served near the city…
    assert city["share_far"] == 0 and rural["share_far"] == 100  # … but nobody there is far from care
    assert CRITERION in report.summary and "indicateur de substitution" in report.summary
    names = {p.name for p in report.files}
    assert {"classement.csv", "carte.html", "carte.png", "classement-graphique.html", "resume.txt"} <= names
    header = (tmp_path / "etude" / "classement.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert RANKING_COLUMNS["priority_index"] in header and "rang sensible" in header
    page = (tmp_path / "etude" / "carte.html").read_text(encoding="utf-8")
    assert len(re.findall("<circle", page)) == 11  # a communes file has no outlines: one point per commune
    assert "un point par commune" in page and "indicateur de substitution" in page
