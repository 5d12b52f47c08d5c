"""Publishing beyond one POSIX machine and one territory: the code path of Windows (no symbolic links,
no fcntl; a pointer file readers follow), several territories side by side in one workspace, who
published, and forgetting a person (`planner.publish.publication`, `planner.publish.forget`)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.errors import TourneeError
from planner.planning.options import PlanOptions
from planner.planning.pipeline import plan as make_plan
from planner.publish import publication_folder, store_schema
from planner.publish.backups import list_backups
from planner.publish.forget import forget_person
from planner.publish.outputs import write_outputs
from planner.publish.plan_inputs import PlanInputs, TerritoryFiles
from planner.publish.publication import publish_version, recover
from planner.publish.publication_folder import (
    POINTER,
    TERRITORIES_DIR,
    VERSIONS_DIR,
    current_folder,
    current_path,
    published_file,
)
from planner.publish.publication_lock import publication_lock
from planner.publish.store import PlanStore
from tests.support.paths import ROOT, TINY

#: Tests that plan two territories and publish several times (about 3 to 7 s each).
slow = pytest.mark.slow


@dataclass(frozen=True)
class Territory:
    folder: Path
    inputs: PlanInputs
    plan_json: Path


@pytest.fixture(scope="module")
def territories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Territory]:
    """The tiny territory, and a copy of it named « littoral », each planned once (plan.json with inputs)."""
    root = tmp_path_factory.mktemp("territoires")
    shutil.copytree(TINY, root / "littoral")
    found = {}
    for name, folder in (("tiny", TINY), ("littoral", root / "littoral")):
        inputs = PlanInputs(TerritoryFiles.load(folder), options=PlanOptions(time_limit=1, rota_time_limit=1))
        plan_ = make_plan(inputs.instance(), inputs.options)
        write_outputs(inputs.instance(), plan_, root / f"plan-{name}", inputs=inputs)
        found[name] = Territory(folder, inputs, root / f"plan-{name}" / "plan.json")
    return found


def _save(store: PlanStore, territory: Territory) -> int:
    from planner.publish.plan_json import read_plan_file

    plan_, _ = read_plan_file(territory.plan_json)
    plan_ = replace(plan_, instance_name=territory.inputs.files.name)
    return store.save(plan_, territory.inputs.instance(), inputs=territory.inputs)


def _renamed(territories: dict[str, Territory]) -> PlanInputs:
    """The tiny territory's inputs under a third name."""
    inputs = territories["tiny"].inputs
    return replace(inputs, files=replace(inputs.files, name="bocage"))


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- Windows: no symbolic links, no fcntl ------------------------------------------------------------


def test_no_posix_only_call_in_the_library() -> None:
    """No fcntl anywhere; os.symlink only in publication_folder.py, behind the `POSIX` switch."""
    for path in (ROOT / "planner").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"import fcntl|\bfcntl\.", text), path
        if path.name != "publication_folder.py":
            assert "os.symlink" not in text and "os.readlink" not in text, path


@slow
@pytest.mark.skipif(os.name != "posix", reason="symbolic links of the earlier layout")
def test_a_folder_published_with_a_current_link_only_is_taken_over(territories, tmp_path: Path) -> None:
    """The layout before the pointer file (``current`` a symbolic link, no ``courante.txt``): read as it
    is, and given its pointer by the next run, on the same publication."""
    ws, out = tmp_path / "espace", tmp_path / "publication"
    store = PlanStore(ws)
    first = publish_version(store, _save(store, territories["tiny"]), out)
    (out / POINTER).unlink()
    assert current_folder(out) == first.folder and current_path(out) == first.path
    assert recover(store, out)
    assert (out / POINTER).read_text(encoding="utf-8").strip() == first.folder
    assert sorted(p.name for p in (out / VERSIONS_DIR).iterdir()) == [first.folder]


@slow
def test_the_windows_path_publishes_through_the_pointer_file(
    territories, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `POSIX` off (as on Windows): no symbolic link is made, ``courante.txt`` names the publication
    in force, readers find its files through `current_path`/`published_file`; a pointer switched but
    not recorded (killed) is recorded by the next run, and a folder made on Linux loses its links."""
    ws, out = tmp_path / "espace", tmp_path / "publication"
    store = PlanStore(ws)
    v1 = _save(store, territories["tiny"])
    publish_version(store, v1, out)  # the POSIX layout first, with its links
    assert (out / "current").is_symlink()
    monkeypatch.setattr(publication_folder, "POSIX", False)
    monkeypatch.setattr(store_schema, "UNIX_MODES", False)
    first = publish_version(store, v1, out, published_by="Claire")
    assert not [p for p in out.rglob("*") if p.is_symlink()]
    assert (out / POINTER).read_text(encoding="utf-8").strip() == first.folder == current_folder(out)
    assert current_path(out) == out / VERSIONS_DIR / first.folder
    assert published_file(out, "public/horaires.csv") == first.path / "public" / "horaires.csv"
    assert published_file(out, "../espace/tournee.sqlite") is None and published_file(out, "public/rien") is None
    assert all(p.is_file() for p in (*first.public, *first.private))

    real_record = PlanStore.record_publication
    monkeypatch.setattr(PlanStore, "record_publication", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        publish_version(store, v1, out)
    monkeypatch.setattr(PlanStore, "record_publication", real_record)
    switched = current_folder(out)
    assert switched != first.folder and not store.is_recorded(switched)
    assert recover(store, out)
    assert store.last_publication().folder == switched
    assert sorted(p.name for p in (out / VERSIONS_DIR).iterdir()) == [switched]


def test_the_publication_lock_is_a_file_lock(tmp_path: Path) -> None:
    """While one holder has the lock, another waits, then gives up (False) when its time runs out."""
    store = PlanStore(tmp_path / "espace")
    (tmp_path / "publication" / VERSIONS_DIR).mkdir(parents=True)
    with publication_lock(store) as locked:
        assert locked
        assert recover(store, tmp_path / "publication", wait=0.2) is False
    assert recover(store, tmp_path / "publication", wait=0.2) is True


# --- Several territories, who published --------------------------------------------------------------


@slow
def test_another_territory_is_refused_unless_asked_and_then_published_beside(
    territories, tmp_path: Path, capsys
) -> None:
    ws, out = tmp_path / "espace", tmp_path / "publication"
    args = ["--workspace", str(ws), "--out", str(out)]
    assert main(["publish", str(territories["tiny"].plan_json), str(TINY), *args, "--par", "Claire Dupuis"]) == 0
    tiny_public = _files(out / "public")
    assert main(["publish", str(territories["littoral"].plan_json), str(territories["littoral"].folder), *args]) == 2
    err = capsys.readouterr().err
    assert "publie déjà « tiny »" in err and "« littoral »" in err and "--territoire-nouveau" in err
    assert len(PlanStore(ws).history()) == 1  # refused before it was saved

    littoral = [str(territories["littoral"].plan_json), str(territories["littoral"].folder)]
    assert main(["publish", *littoral, *args, "--territoire-nouveau", "--par", "Marc"]) == 0
    assert _files(out / "public") == tiny_public
    beside = out / TERRITORIES_DIR / "littoral"
    assert (beside / "public" / "horaires.csv").is_file()
    assert current_path(out, "littoral").parent == beside / "versions"
    assert current_path(out, "tiny") == current_path(out) == (out / "public").resolve().parent
    store = PlanStore(ws)
    assert store.published_by_territory() == {"tiny": 1, "littoral": 2}
    assert [v.published for v in store.history()] == [True, True]
    # a later publication of either goes to its own folder without the flag; recovery keeps both
    assert main(["publish", "--version", "1", *args]) == 0
    assert main(["publish", "--version", "2", *args]) == 0
    assert recover(store, out)
    assert current_folder(beside).startswith("v2-") and current_folder(out).startswith("v1-")
    with pytest.raises(TourneeError, match="publie déjà « tiny », « littoral »"):
        publish_version(store, _save(store, replace(territories["tiny"], inputs=_renamed(territories))), out)

    capsys.readouterr()
    assert main(["history", *args]) == 0
    listing = capsys.readouterr().out
    assert "publiée le" in listing and "par Claire Dupuis" in listing and "par Marc" in listing
    assert "(littoral)" in listing


# --- Forgetting a person ----------------------------------------------------------------------------


@slow
def test_forget_person_removes_name_contact_token_and_private_folder(territories, tmp_path: Path, capsys) -> None:
    """`forget_person` by id: the name and home leave every version (labels, stored roster), the ledger
    and the tokens; the private folder goes; public files are the same bytes; history keeps its versions."""
    ws, out = tmp_path / "espace", tmp_path / "publication"
    store = PlanStore(ws)
    tiny = territories["tiny"]
    v1 = _save(store, tiny)
    publish_version(store, v1, out, base_url="https://exemple.org/t/public")
    v2 = _save(store, tiny)
    publish_version(store, v2, out)
    name = tiny.inputs.instance().person("d1").name
    token = store.tokens()["staff:d1"]
    public = _files(out / "public")
    assert (out / "prive" / token).is_dir()

    report = forget_person(ws, "d1", out_dir=out)
    assert report.pseudonym == "Personne retirée (p01)" and report.versions == (v1, v2) and report.token_removed
    assert "Personne retirée (p01)" in report.text()
    with sqlite3.connect(store.path) as conn:
        dump = "\n".join(conn.iterdump())
        blobs = b"".join(bytes(r[0]) for r in conn.execute("SELECT content FROM files"))
    conn.close()
    assert [line[:300] for line in dump.splitlines() if name in line] == []
    assert name.encode() not in blobs
    assert "d1,Personne retirée (p01),medecin,lun-ven,2027-01-15,3,10,2,,,," in blobs.decode()
    assert "staff:d1" not in store.tokens() and "staff:d1" in store.forgotten()
    assert _files(out / "public") == public
    assert not (out / "prive" / token).exists()
    private_text = b"".join(_files(out / "prive").values()).decode()
    assert name not in private_text and "Personne retirée (p01)" in private_text
    assert [v.version for v in store.history()] == [v1, v2]
    assert store.rebuild(v1)[1].person("d1").name == "Personne retirée (p01)"
    assert all(name.encode() not in b.path.read_bytes() for b in list_backups(store.path))

    # a later publication makes no token nor folder for the forgotten person
    publish_version(store, v2, out)
    assert "staff:d1" not in store.tokens()

    # the command line, by exact name
    other = tiny.inputs.instance().person("d2").name
    assert main(["oublier", other, "--workspace", str(ws), "--out", str(out)]) == 0
    assert "Personne retirée (p02)" in capsys.readouterr().out
    assert main(["oublier", "personne-inconnue", "--workspace", str(ws), "--out", str(out)]) == 2
    assert "n'est ni un identifiant ni le nom exact" in capsys.readouterr().err
