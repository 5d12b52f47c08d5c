"""What several commands print the same way: warnings about legal but odd inputs, the files written."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO


def print_warnings(found: Sequence[str], *, file: TextIO | None = None) -> None:
    """Each warning on a line of its own, "Attention : …", on ``file`` (default: standard output)."""
    for text in found:
        print(f"Attention : {text}", file=file or sys.stdout)


def print_files(paths: Sequence[Path]) -> None:
    """The files a command wrote, after a blank line."""
    print()
    print("Fichiers écrits : " + ", ".join(str(p) for p in paths))
