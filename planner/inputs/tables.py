"""Reading a CSV table (file, text, bytes or DataFrame) into rows numbered as a spreadsheet shows them.

Values stay strings until a column's parser reads them, so INSEE codes keep their leading zeros
(``01004``) and letters (``2A004``). Problems are gathered in a `Problems` list rather than raised,
so that one run reports every problem of every file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from planner.domain.errors import InputError, Problem
from planner.inputs.fields import FieldError

T = TypeVar("T")

#: What can be given to a ``parse_*`` loader: a path, the text, the bytes of an upload, or a DataFrame.
TableSource = Any


@dataclass
class Problems:
    """Problems gathered while reading one or more files."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.items.append(Problem(file, row, column, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Column:
    """One column of a table format: its name, whether it is required, what a value should look like.

    A required column may still have empty cells when ``may_be_empty`` (e.g. ``dates_off``).
    """

    name: str
    required: bool
    expected: str
    may_be_empty: bool = False


@dataclass
class Table:
    """The rows of one CSV file; ``rows`` pairs each spreadsheet row number with its values."""

    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); files saved by a French Excel (Windows-1252) are read too."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text(path: Path, label: str, problems: Problems) -> str | None:
    """The text of a file, or None (with a problem) when it cannot be read."""
    try:
        return decode(path.read_bytes())
    except FileNotFoundError:
        problems.add(label, None, None, f"fichier introuvable : {path}")
    except OSError as exc:
        problems.add(label, None, None, f"fichier illisible : {path} ({exc.strerror})")
    return None


def _normalise_header(name: object) -> str:
    return str(name).replace("\ufeff", "").strip().lower()


def _cell(value: object) -> str:
    """A DataFrame cell as the text a CSV file would hold (``12.0`` → ``12``, NaN → empty)."""
    import pandas as pd  # only DataFrames get here

    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def _from_text(text: str, label: str, problems: Problems) -> Table | None:
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        problems.add(label, reader.line_num or None, None, f"fichier CSV illisible ({exc}) ; attendu : un CSV UTF-8")
        return None
    if not records or not any(cell.strip() for cell in records[0]):
        problems.add(label, 1, None, "fichier vide ; attendu : une ligne d'en-tête avec les noms de colonnes")
        return None
    header = [_normalise_header(h) for h in records[0]]
    rows = []
    for index, record in enumerate(records[1:]):
        number = index + 2
        if not any(cell.strip() for cell in record):
            continue
        extra = [cell for cell in record[len(header) :] if cell.strip()]
        if extra:
            problems.add(
                label,
                number,
                None,
                f"{len(record)} valeurs pour {len(header)} colonnes (une virgule non protégée ?) ; "
                "attendu : une valeur par colonne, entre guillemets si elle contient une virgule",
            )
        rows.append((number, {h: c.strip() for h, c in zip(header, record) if h}))
    return Table(label, header, rows)


def _from_dataframe(frame: Any, label: str) -> Table:
    header = [_normalise_header(c) for c in frame.columns]
    rows = []
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = {h: _cell(v) for h, v in zip(header, values) if h}
        if any(cells.values()):
            rows.append((index + 2, cells))
    return Table(label, header, rows)


def read_table(source: TableSource, label: str, problems: Problems) -> Table | None:
    """A table from a path, text, bytes or a pandas DataFrame; None when it cannot be read at all."""
    if isinstance(source, Path):
        text = read_text(source, label, problems)
        return None if text is None else _from_text(text, label, problems)
    if isinstance(source, bytes):
        return _from_text(decode(source), label, problems)
    if isinstance(source, str):
        return _from_text(source, label, problems)
    if hasattr(source, "columns") and hasattr(source, "itertuples"):
        return _from_dataframe(source, label)
    msg = f"cannot read a table from {type(source).__name__}: give a Path, text, bytes or a DataFrame"
    raise TypeError(msg)


def check_columns(table: Table, columns: Mapping[str, Column], problems: Problems) -> set[str]:
    """Report missing required and duplicated columns; return the names of the required ones missing."""
    missing = set()
    for column in columns.values():
        if column.required and column.name not in table.columns:
            missing.add(column.name)
            problems.add(
                table.file,
                1,
                column.name,
                f"colonne obligatoire absente ; attendu : une colonne « {column.name} » ({column.expected})",
            )
    seen = set()
    for name in table.columns:
        if name and name in seen:
            problems.add(table.file, 1, name, "colonne en double ; attendu : chaque nom de colonne une seule fois")
        seen.add(name)
    return missing


@dataclass
class Row:
    """One row being read: fetches and parses its cells, recording a problem for each bad one."""

    table: Table
    number: int
    values: dict[str, str]
    columns: Mapping[str, Column]
    problems: Problems
    ok: bool = True

    def error(self, column: str | None, message: str) -> None:
        self.ok = False
        self.problems.add(self.table.file, self.number, column, message)

    def text(self, name: str) -> str:
        return self.values.get(name, "") or ""

    def get(self, name: str, parser: Callable[[str], T], default: T | None = None) -> T | None:
        """The parsed cell, ``default`` when empty (a problem if the column is required), None when bad."""
        value = self.text(name)
        column = self.columns.get(name)
        if not value:
            if column is not None and column.required and not column.may_be_empty and name in self.table.columns:
                self.error(name, f"valeur manquante ; attendu : {column.expected}")
            return default
        try:
            return parser(value)
        except FieldError as exc:
            self.error(name, str(exc.with_expected(column.expected if column else None)))
            return None


def rows_of(table: Table, columns: Mapping[str, Column], problems: Problems) -> list[Row]:
    return [Row(table, number, values, columns, problems) for number, values in table.rows]
