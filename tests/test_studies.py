"""Studies (planner.studies): ranges, depots, rosters, the knee, a territory study that `planner plan`
reproduces scenario by scenario, and a region run on a 2-worker Dask `LocalCluster` that equals the
serial run, reports a failing territory, and resumes without planning finished ones again."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner import PlanOptions, load_territory
from planner.cli import main
from planner.domain.instance import Point, Role
from planner.inputs import parse_roster, parse_territory
from planner.studies.depots import choose_depots
from planner.studies.figures import COLUMNS, OK
from planner.studies.grid import ScenarioParameters, StudyError, parse_range
from planner.studies.knee import knee, knee_sentence
from planner.studies.region_study import RegionStudy, run_region_study
from planner.studies.results_log import read_rows
from planner.studies.roster_scaling import scaled_roster
from planner.studies.scenario_files import read_territory_texts, scenario_files
from planner.studies.study_run import Execution
from planner.studies.territory_study import (
    TerritoryStudy,
    run_territory_study,
    study_options,
)
from tests.builders import commune

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny"
DIEPPE_COMMUNES = ROOT / "data" / "communes" / "medicobus-dieppe.csv"
#: Short budgets: the tests check what a study does, not how good its plans are.
FAST = study_options(0.5, 0.5)


# --- Ranges, knee, depots, rosters --------------------------------------------------------------


def test_ranges_accept_intervals_steps_and_lists_and_refuse_the_rest():
    assert parse_range("1..4", "--units") == (1, 2, 3, 4)
    assert parse_range("5..20:5", "--doctors") == (5, 10, 15, 20)
    assert parse_range("4,1,2,2", "--units") == (1, 2, 4)
    for wrong in ("0..2", "3..1", "a", "1..4:0", ""):
        with pytest.raises(StudyError, match="--units"):
            parse_range(wrong, "--units")


def test_knee_is_where_every_further_step_gains_less_than_five_points():
    points = [(1, 0.40), (2, 0.70), (3, 0.73), (4, 0.75)]
    assert knee(points) == 2
    assert knee_sentence(points, "unité", "unités").startswith(
        "Au-delà de 2 unités, chaque unité de plus sert moins de 5 % de besoin en plus"
    )
    assert knee([(1, 0.4), (2, 0.6), (3, 0.62), (4, 0.70)]) is None  # the last step still gains 8 points
    assert "pas de coude" in knee_sentence([(1, 0.4), (2, 0.6)], "unité", "unités")
    assert knee([(1, 0.9)]) is None
    assert knee([(1, 0.4), (3, 0.5)]) == 1  # two units added for 10 points: 5 per unit is not less than 5


def test_an_added_depot_goes_to_the_large_town_nearest_the_need():
    """West: eleven towns, little need; east: villages with all the need, one of them the tenth largest
    commune (4,000). Only the ten largest may host a depot: that village wins, not a nearer, smaller one."""
    west = [commune(f"760{i:02d}", 49.9 + 0.01 * i, 1.0, need=1, population=9000 - i) for i in range(9)]
    east_town = commune("76100", 49.9, 1.55, need=10, population=4000)
    villages = [commune(f"762{i:02d}", 49.9 + 0.01 * i, 1.62, need=500, population=100) for i in range(5)]
    communes = [*west, east_town, *villages]
    assert choose_depots(communes, [Point("Dépôt", 49.9, 1.0)], 1) == [east_town]
    assert choose_depots(communes, [], 1) == [east_town]  # no fixed depot: the same
    second = choose_depots(communes, [], 2)[1]
    assert second in west  # another of the ten largest


def test_an_added_fixed_place_serves_its_own_commune():
    """Orne's five consultation places, and a sixth: a fixed place at a new town, serving that town."""
    orne = read_territory_texts("orne-solidarite")
    files = scenario_files(orne, ScenarioParameters(6))
    instance = parse_territory(files.communes_csv, files.roster_csv, files.scenario_toml, name="orne-6")
    own = [u.places for u in load_territory("orne-solidarite").units]
    added = instance.units[-1]
    assert [u.places for u in instance.units[:5]] == own
    assert added.id == "passais-6" and added.kind.value == "fixed"
    assert len(added.places) == 1 and added.places not in own
    assert instance.commune(added.places[0]).name == added.depot.name


def _roster(text: str):
    return parse_roster(text, "roster.csv")


def test_roster_keeps_its_people_then_adds_invented_copies():
    dieppe = read_territory_texts("medicobus-dieppe")
    units = scenario_files(dieppe, ScenarioParameters(2)).scenario_toml  # two units: the roster doubles
    assert units.count("[[units]]") == 2
    two_units = [{"crew": {"doctor": 1, "driver": 1}}] * 2
    staff = _roster(scaled_roster(dieppe.roster_csv, two_units, base_units=1))
    own = _roster(dieppe.roster_csv)
    doctors = [p for p in staff if Role.DOCTOR in p.roles]
    drivers = [p for p in staff if Role.DRIVER in p.roles]
    assert len(doctors) == 2 * sum(Role.DOCTOR in p.roles for p in own)
    assert len(drivers) == 2 * sum(Role.DRIVER in p.roles for p in own)
    assert [p.id for p in staff[: len(own)]] == [p.id for p in own]  # the territory's people first, unchanged
    copy = next(p for p in staff if p.id == "etude-doctor-11")
    assert copy.name == "Dr Étude 11 (exemple)"
    assert copy.availability == own[0].availability and not copy.preferred_communes
    fewer = _roster(scaled_roster(dieppe.roster_csv, two_units[:1], base_units=1, doctors=4))
    assert [p.id for p in fewer if Role.DOCTOR in p.roles] == ["m01", "m02", "m03", "m04"]


def test_roster_without_people_is_generated_to_crew_every_weekday():
    staff = _roster(scaled_roster(None, [{"crew": {"doctor": 1, "driver": 1}}], base_units=1))
    assert [p.name for p in staff] == [
        "Dr Étude 1 (exemple)", "Dr Étude 2 (exemple)", "Dr Étude 3 (exemple)", "Chauffeur Étude 1 (exemple)",
    ]  # fmt: skip
    assert all(len(p.availability) == 10 for p in staff)  # Monday to Friday, mornings and afternoons
    assert sum(p.max_shifts_per_week for p in staff if Role.DOCTOR in p.roles) >= 5


def test_plan_options_threads_must_be_a_positive_whole_number():
    assert PlanOptions(threads=1).threads == 1
    for wrong in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="threads"):
            PlanOptions(threads=wrong)


# --- A territory study ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_study(tmp_path_factory):
    study = TerritoryStudy(TINY, units=(1, 2), sessions_per_day=(1, 2), weeks=1, options=FAST)
    folder = tmp_path_factory.mktemp("study")
    return study, folder, run_territory_study(study, folder)


def _plan_data(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("solver_seconds")  # a time, not part of the plan
    data.pop("inputs", None)  # what `planner plan` records of its call (file digests, options), not the plan
    return data


def test_each_scenario_of_a_study_is_the_plan_that_planner_plan_gives(tiny_study, tmp_path):
    """For every scenario: `planner plan SCENARIO_FOLDER --options options.toml` writes the same plan."""
    _, folder, report = tiny_study
    assert [r["scenario"] for r in report.rows] == ["u1-s1", "u1-s2", "u2-s1", "u2-s2"]
    assert all(r["status"] == OK for r in report.rows)
    for row in report.rows:
        scenario = folder / "scenarios" / row["scenario"]
        out = tmp_path / row["scenario"]
        assert main(["plan", str(scenario), "--options", str(folder / "options.toml"), "--out", str(out)]) == 0
        assert _plan_data(out / "plan.json") == _plan_data(scenario / "plan.json")
    two = parse_territory(*(p.read_text(encoding="utf-8") for p in [folder / "scenarios" / "u2-s2" / n for n in
                            ("communes.csv", "roster.csv", "scenario.toml")]))  # fmt: skip
    assert [u.sessions_per_day for u in two.units] == [2, 2]
    assert len({u.depot for u in two.units}) == 2


def test_a_study_writes_its_table_spreadsheet_chart_and_knee(tiny_study):
    _, folder, report = tiny_study
    rows = read_rows(folder / "etude.csv")
    assert [r["scenario"] for r in rows] == [r["scenario"] for r in report.rows]
    assert rows[0]["need_served_share"] == report.rows[0]["need_served_share"]
    sheet = load_workbook(folder / "etude.xlsx")["étude"]
    assert [c.value for c in sheet[1]] == list(COLUMNS.values())
    assert sheet.max_row == 1 + len(report.rows)
    assert (folder / "graphique.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (folder / "graphique.html").read_text(encoding="utf-8")
    assert "coude" in html or "pas de coude" in report.summary
    assert "cdn.jsdelivr" not in html  # opens offline
    assert report.sentences and report.sentences[0] in (folder / "resume.txt").read_text(encoding="utf-8")
    served = {(r["units"], r["sessions_per_day"]): r["need_served_share"] for r in report.rows}
    assert served[(2, "2")] >= served[(1, "1")]  # more capacity never serves less here


def test_a_study_refuses_a_folder_made_with_other_settings_or_files(tiny_study, tmp_path):
    _, folder, _ = tiny_study
    other = TerritoryStudy(TINY, units=(1,), weeks=2, options=FAST)
    with pytest.raises(StudyError, match="autres réglages"):
        run_territory_study(other, folder)
    territory = tmp_path / "tiny"
    shutil.copytree(TINY, territory)
    study = TerritoryStudy(territory, units=(1,), weeks=1, options=FAST)
    run_territory_study(study, tmp_path / "study")
    communes = territory / "communes.csv"
    communes.write_text(communes.read_text(encoding="utf-8").replace(",900,", ",950,"), encoding="utf-8")
    with pytest.raises(StudyError, match="autres réglages"):  # same settings, other need: not resumed
        run_territory_study(study, tmp_path / "study")


def test_cli_refuses_wrong_study_arguments_with_code_2(capsys):
    assert main(["study", "--region", "14"]) == 2
    assert "--each-epci" in capsys.readouterr().err
    assert main(["study", str(TINY), "--units", "3..1"]) == 2
    err = capsys.readouterr().err
    assert "--units « 3..1 »" in err and "Traceback" not in err


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
            assert _plan_data(folder / "dask" / name) == _plan_data(folder / "serial" / name)
    assert [r["rank"] for r in serial.ranking] == [1, 2, 3, ""]
    best = serial.ranking[0]
    assert best["need_served_per_unit"] >= serial.ranking[1]["need_served_per_unit"]


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


def test_an_existing_dask_cluster_is_used_unchanged(region, tmp_path):
    """`--scheduler ADDRESS`: the tasks go to that cluster (here an in-process one); same results."""
    from distributed import LocalCluster

    study, _, serial, _ = region
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster:
        remote = run_region_study(study, tmp_path / "remote", execution=Execution(scheduler=cluster.scheduler_address))
        assert cluster.scheduler_address in remote.summary
    assert _without_seconds(remote.ranking) == _without_seconds(serial.ranking)
