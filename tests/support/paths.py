"""Where the tests find the repository and their data files."""

from __future__ import annotations

from pathlib import Path

#: The repository root (the folder of pyproject.toml) and the tests' own data (tests/data).
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
#: The tiny territory (five communes, one bus, two weeks): tests/data/tiny/README.md.
TINY = DATA / "tiny"
#: CC Andaine-Passais, which once gave two plans in two processes (tests/data/andaine-passais).
ANDAINE_PASSAIS = DATA / "andaine-passais"
#: A hand-written OpenStreetMap extract of a village (tests/data/roads).
VILLAGE = DATA / "roads" / "village.osm"
