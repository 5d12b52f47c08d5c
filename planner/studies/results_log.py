"""The results file of a study, written row by row as scenarios finish, and read back to resume.

One CSV row per scenario (headers of `figures.COLUMNS`, formula-safe cells). A re-run keeps the rows
of scenarios planned (``ok``) and plans the others again, failed ones included: a failure may come
from the machine (memory, a killed worker) rather than from the scenario.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from planner.publish.safe_csv import csv_text, safe_cell
from planner.studies.figures import COLUMNS, OK

_KEYS = {header: key for key, header in COLUMNS.items()}
#: Columns read back as text even when they look like numbers (a SIREN is an identifier).
TEXT_KEYS = frozenset({"scenario", "territory", "title", "depots", "sessions_per_day", "status"})


def _unquote(text: str) -> str:
    """A cell as written, before `safe_cell` protected it from spreadsheets."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def _typed(text: str) -> Any:
    """A cell read back: numbers as numbers, the rest as text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _cell(key: str, text: str) -> Any:
    text = _unquote(text)
    return text if key in TEXT_KEYS else _typed(text)


def read_rows(path: str | Path, columns: Mapping[str, str] = COLUMNS) -> list[dict[str, Any]]:
    """The rows of a results file, or of another study table with ``columns`` (key → French header): keys
    of ``columns``, numbers as numbers; none when the file does not exist."""
    path = Path(path)
    if not path.is_file():
        return []
    keys = _KEYS if columns is COLUMNS else {header: key for key, header in columns.items()}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {keys[h]: _cell(keys[h], v or "") for h, v in row.items() if h in keys} for row in csv.DictReader(handle)
        ]


class ResultsLog:
    """Appends one row per finished scenario to ``path``; knows which scenarios are already done."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def finished(self) -> dict[str, dict[str, Any]]:
        """The rows of scenarios already planned, by scenario id (the last row wins)."""
        return {row["scenario"]: row for row in read_rows(self.path) if row.get("status") == OK}

    def start(self) -> dict[str, dict[str, Any]]:
        """Begin a run: keep only the planned rows (failed ones will be retried); returns them."""
        kept = self.finished()
        self._write_all(kept.values())
        return kept

    def _write_all(self, rows: Iterable[dict[str, Any]]) -> None:
        from planner.publish.files import write_atomic

        text = csv_text(list(COLUMNS.values()), [[row.get(k, "") for k in COLUMNS] for row in rows])
        write_atomic(self.path, text.encode("utf-8-sig"))

    def append(self, row: dict[str, Any]) -> None:
        """Add one scenario's row at the end of the file, flushed at once (a crash loses no finished row)."""
        with self.path.open("a", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerow([safe_cell(row.get(k, "")) for k in COLUMNS])
            handle.flush()
