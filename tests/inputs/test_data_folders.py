"""Where built-in territories are read and files made for the user written (planner.inputs.data_folders)."""

from __future__ import annotations

from pathlib import Path

from planner.inputs import builtin_communes_dir, builtin_territories, data_dir, data_folders

ROOT = Path(__file__).resolve().parents[2]


def test_built_in_territories_are_package_data_linked_from_the_repository():
    """``planner/data`` holds them; ``data/`` of the repository is the same folder."""
    assert data_folders.package_data_dir() == ROOT / "planner" / "data"
    assert "medicobus-dieppe" in builtin_territories()
    assert (data_dir() / "communes" / "commune-extents.csv.gz").is_file()


def test_tournee_data_names_another_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("TOURNEE_DATA", str(tmp_path))
    assert data_dir() == tmp_path and builtin_territories() == []
    assert builtin_communes_dir() == tmp_path / "communes"


def test_files_made_for_the_user_never_go_into_an_installed_package(monkeypatch, tmp_path):
    """From a source checkout, the repository's data/communes; installed, the user's data folder."""
    monkeypatch.delenv("TOURNEE_DATA", raising=False)
    assert data_folders.is_source_checkout()
    assert builtin_communes_dir() == ROOT / "planner" / "data" / "communes"
    monkeypatch.setattr(data_folders, "is_source_checkout", lambda: False)
    monkeypatch.setenv("TOURNEE_USER_DATA", str(tmp_path))
    assert builtin_communes_dir() == tmp_path / "communes"
    monkeypatch.delenv("TOURNEE_USER_DATA")
    default = data_folders.user_data_dir()
    assert default.name == "tournee" and not default.is_relative_to(ROOT)
