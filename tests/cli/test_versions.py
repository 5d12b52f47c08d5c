"""Versions keep their inputs and the command line uses them: `planner publish` refuses a plan that
does not fit its territory before saving anything, `replan --version` and `publish --version` work
from a fresh process, `history` shows territory, horizon and settings in Paris time, old workspaces
open, private addresses are secret and revocable, published files have web-server modes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest

from planner.cli import main
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan as make_plan
from planner.publish.plan_inputs import PlanInputs, TerritoryFiles
from planner.publish.publication_folder import CURRENT
from planner.publish.store import PlanStore
from tests.support.paths import ROOT, TINY


@pytest.fixture(scope="module")
def tiny_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PlanInputs]:
    """`planner plan` of the tiny territory over 3 weeks (the scenario says 2): out/plan.json."""
    out = tmp_path_factory.mktemp("plan")
    assert main(["plan", str(TINY), "--weeks", "3", "--time-limit", "1", "--out", str(out)]) == 0
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    inputs = PlanInputs.from_dict(data["inputs"], {d: b for d, b in _by_digest(TerritoryFiles.load(TINY)).items()}.get)
    return out / "plan.json", inputs


def _by_digest(files: TerritoryFiles) -> dict[str, bytes]:
    return {files.digests()[name]: content for name, content in files.by_name().items()}


def _planner(*args: str) -> subprocess.CompletedProcess[str]:
    """`planner …` in a new process: nothing of this one is known to it."""
    return subprocess.run(
        [sys.executable, "-m", "planner.cli", *args], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_plan_json_records_what_the_plan_was_made_from(tiny_plan) -> None:
    """plan.json of `planner plan --weeks 3` carries the files' digests, the horizon setting and the options."""
    _, inputs = tiny_plan
    assert inputs.territory == "tiny" and inputs.settings.rules == {"weeks": 3}
    assert inputs.options == PlanOptions(time_limit=1) and inputs.instance().rules.weeks == 3


# --- Refusals before anything is saved ---------------------------------------------------------------


def test_publish_refuses_a_plan_made_from_other_files(tiny_plan, tmp_path: Path, capsys) -> None:
    """Given another territory than the plan's: refused (exit 2, French), nothing saved nor written."""
    path, _ = tiny_plan
    ws, out = tmp_path / "espace", tmp_path / "publication"
    assert main(["publish", str(path), "medicobus-dieppe", "--workspace", str(ws), "--out", str(out)]) == 2
    assert "n'est plus le fichier avec lequel ce plan a été calculé" in capsys.readouterr().err
    assert PlanStore(ws).history() == [] and not out.exists()


def test_publish_refuses_a_plan_that_does_not_fit_the_territory(tiny_plan, tmp_path: Path, capsys) -> None:
    """A plan.json without inputs (an earlier Tournée) published for a territory it was not made for:
    the validator refuses it before saving; no "enregistrée et publiée", no KeyError, no version."""
    path, _ = tiny_plan
    old_style = tmp_path / "ancien.json"
    plan = json.loads(path.read_text(encoding="utf-8"))
    del plan["inputs"]
    old_style.write_text(json.dumps(plan), encoding="utf-8")
    ws, out = tmp_path / "espace", tmp_path / "publication"
    assert main(["publish", str(old_style), "medicobus-dieppe", "--workspace", str(ws), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "ce plan ne peut pas être publié pour « medicobus-dieppe »" in err and "rien n'a été publié" in err
    assert PlanStore(ws).history() == [] and not out.exists()


# --- Versions from a fresh process --------------------------------------------------------------------


@pytest.mark.slow  # three `planner` processes
def test_replan_and_publish_a_version_from_a_fresh_process(tiny_plan, tmp_path: Path) -> None:
    """Publish a 3-week plan; then, each in a new process: `replan --version 1` (the 3 weeks come from
    the store, no plan.json, no territory given), `publish` of its plan.json (files from the store),
    `publish --version 1` again. The change is part of version 2's inputs."""
    path, _ = tiny_plan
    ws, out, replanned = tmp_path / "espace", tmp_path / "publication", tmp_path / "replan"
    assert main(["publish", str(path), str(TINY), "--workspace", str(ws), "--out", str(out)]) == 0

    done = _planner("replan", "--version", "1", "--workspace", str(ws), "--unavailable", "d1:2027-01-11..2027-01-15",
                    "--today", "2027-01-06", "--time-limit", "2", "--out", str(replanned))  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = _planner("publish", str(replanned / "plan.json"), "--workspace", str(ws), "--out", str(out))
    assert done.returncode == 0, done.stderr
    store = PlanStore(ws)
    inputs, instance, plan = store.rebuild(2)
    assert store.published_version() == 2 and instance.rules.weeks == 3
    assert [c.change.staff_id for c in inputs.changes] == ["d1"]
    assert not [s for s in plan.shifts if s.staff_id == "d1" and "2027-01-11" <= s.date.isoformat() <= "2027-01-15"]

    done = _planner("publish", "--version", "1", "--workspace", str(ws), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert PlanStore(ws).published_version() == 1


def test_history_shows_territory_horizon_and_settings_in_paris_time(tiny_plan, tmp_path: Path, capsys) -> None:
    """Each version's territory, horizon and settings; times in Europe/Paris (12:00 UTC in January
    is 13:00 in Paris)."""
    _, inputs = tiny_plan
    store = PlanStore(tmp_path, clock=lambda: datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    plan = make_plan(inputs.instance(), inputs.options)
    store.save(plan, inputs.instance(), inputs=inputs, note="janvier")
    assert main(["history", "--workspace", str(tmp_path), "--out", str(tmp_path / "publication")]) == 0
    out = capsys.readouterr().out
    assert "04/01/2027 à 13:00" in out and "tiny" in out and "3 sem. dès le 04/01/2027" in out
    assert "optimisation CP-SAT 1 s, graine 0, trajets : estimation" in out and "janvier" in out


# --- Publication: modes, public address, private addresses ---------------------------------------------


def _modes(root: Path) -> set[tuple[str, int]]:
    return {("d" if p.is_dir() else "f", stat.S_IMODE(p.stat().st_mode)) for p in root.rglob("*")}


@pytest.mark.parametrize("umask", [0o077, 0o002])
def test_public_files_are_world_readable_and_private_ones_private(tiny_plan, tmp_path: Path, umask: int) -> None:
    """Whatever the umask: public/ 0644 files in 0755 folders (a web server running as another user
    can serve them), prive/ 0600 files in 0700 folders."""
    path, _ = tiny_plan
    out = tmp_path / "publication"
    old = os.umask(umask)
    try:
        assert main(["publish", str(path), str(TINY), "--workspace", str(tmp_path / "espace"), "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert _modes(out / "public" / ".") == {("f", 0o644)}
    assert stat.S_IMODE((out / "public").stat().st_mode) == 0o755
    assert stat.S_IMODE(out.stat().st_mode) == 0o755 and stat.S_IMODE((out / "versions").stat().st_mode) == 0o755
    assert _modes(out / "prive" / ".") == {("f", 0o600), ("d", 0o700)}
    assert stat.S_IMODE((out / "prive").stat().st_mode) == 0o700


def test_publish_without_a_public_address_warns_and_posters_say_where_to_ask(tiny_plan, tmp_path: Path, capsys) -> None:
    """No --base-url: a French warning, posters without QR code; with one: no warning, a QR code."""
    path, _ = tiny_plan
    ws, out = tmp_path / "espace", tmp_path / "publication"
    assert main(["publish", str(path), str(TINY), "--workspace", str(ws), "--out", str(out)]) == 0
    assert "publié sans adresse web (--base-url)" in capsys.readouterr().err
    posters = sorted((out / "public").glob("affiche-*.html"))
    assert posters and all("<svg" not in p.read_text(encoding="utf-8") for p in posters)
    url = "https://exemple.org/tournee/public"
    assert main(["publish", "--version", "1", "--workspace", str(ws), "--out", str(out), "--base-url", url]) == 0
    assert "sans adresse web" not in capsys.readouterr().err
    assert all("<svg" in p.read_text(encoding="utf-8") for p in (out / "public").glob("affiche-*.html"))


def test_private_addresses_are_secret_personal_and_revocable(tiny_plan, tmp_path: Path, capsys) -> None:
    """Each person's calendar is at prive/<token>/planning.ics (≥ 128 random bits), holds only their
    shifts, is listed by `planner tokens list`; `tokens revoke` gives a new address and republishes, so
    that the old one leads nowhere."""
    path, inputs = tiny_plan
    ws, out = tmp_path / "espace", tmp_path / "publication"
    assert main(["publish", str(path), str(TINY), "--workspace", str(ws), "--out", str(out)]) == 0
    store = PlanStore(ws)
    tokens = store.tokens()
    plan = store.load(1)
    assert set(tokens) == {"coordination", "unit:medicobus", *(f"staff:{p.id}" for p in inputs.instance().staff)}
    assert all(len(t) >= 22 for t in tokens.values()) and len(set(tokens.values())) == len(tokens)
    assert sorted(p.name for p in (out / "prive").iterdir()) == sorted([*tokens.values(), "index.html"])
    for person in inputs.instance().staff:
        cal = icalendar.Calendar.from_ical((out / "prive" / tokens[f"staff:{person.id}"] / "planning.ics").read_bytes())
        assert len(cal.events) == sum(1 for s in plan.shifts if s.staff_id == person.id)
    capsys.readouterr()
    assert main(["tokens", "list", "--workspace", str(ws), "--url", "https://exemple.org/tournee"]) == 0
    listing = capsys.readouterr().out
    assert "Dr A. Martin (exemple) (d1)" in listing
    assert f"https://exemple.org/tournee/prive/{tokens['staff:d1']}/planning.ics" in listing

    assert main(["tokens", "revoke", "d1", "--workspace", str(ws), "--out", str(out)]) == 0
    new = PlanStore(ws).tokens()["staff:d1"]
    assert new != tokens["staff:d1"]
    assert not (out / "prive" / tokens["staff:d1"]).exists() and (out / "prive" / new / "planning.ics").is_file()
    assert (out / CURRENT).is_symlink() and PlanStore(ws).published_version() == 1
    assert main(["tokens", "revoke", "zz", "--workspace", str(ws), "--out", str(out)]) == 2


def test_cli_history_and_diff(tmp_path, small_instance, capsys, sample_plan, replanned_sample_plan):
    """`planner history` marks the published version; `planner diff` prints the French diff; an unknown
    version is an error message with exit code 2."""
    from planner.cli import main

    store = PlanStore(tmp_path)
    v1 = store.save(sample_plan(small_instance), small_instance, note="essai")
    v2 = store.save(replanned_sample_plan(small_instance), small_instance)
    store.record_publication(v2, "v2-a")
    assert main(["history", "--workspace", str(tmp_path), "--out", str(tmp_path / "publication")]) == 0
    out = capsys.readouterr().out
    assert "essai" in out and f"*{v2:>6}" in out and f" {v1:>6}" in out
    assert main(["diff", str(v1), str(v2), "--workspace", str(tmp_path)]) == 0
    assert "passage déplacé" in capsys.readouterr().out
    assert main(["diff", "1", "5", "--workspace", str(tmp_path)]) == 2
    assert "la version 5 n'existe pas" in capsys.readouterr().err


def test_history_shows_who_published(tmp_path, small_instance, capsys, sample_plan):
    """Each publication's territory, time and publisher (`publish --par NOM`, the app's coordinator)."""
    store = PlanStore(tmp_path, clock=lambda: datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    version = store.save(sample_plan(small_instance), small_instance)
    store.record_publication(version, "v1-a", published_by="Claire Dupuis")
    store.record_publication(version, "v1-b")
    assert [p.published_by for p in store.publications()] == ["Claire Dupuis", None]
    assert main(["history", "--workspace", str(tmp_path), "--out", str(tmp_path / "publication")]) == 0
    out = capsys.readouterr().out
    assert f"version 1 ({small_instance.name}) publiée le 04/01/2027 à 13:00 par Claire Dupuis" in out
