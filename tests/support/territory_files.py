"""Copies of the tiny territory with some text replaced, and the problems loading one reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.domain.errors import InputError, Problem
from planner.inputs import (
    load_territory,
)
from tests.support.paths import TINY

# --- helpers --------------------------------------------------------------------------------------


def territory(tmp_path: Path, **edits: list[tuple[str, str]]) -> Path:
    """A copy of the tiny territory with text replacements per file (``communes=[(old, new)]``)."""
    folder = tmp_path / "terr"
    shutil.copytree(TINY, folder)
    for stem, replacements in edits.items():
        path = next(folder.glob(f"{stem}.*"))
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, f"fixture {path.name} no longer contains {old!r}"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        load_territory(folder)
    return info.value.problems


def only(problems: list[Problem], file: str, column: str | None) -> Problem:
    """The one problem of ``file`` at ``column``; fails with the whole list otherwise."""
    found = [p for p in problems if p.file == file and p.column == column]
    assert len(found) == 1, "\n".join(map(str, problems))
    return found[0]
