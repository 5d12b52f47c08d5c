"""Reading a CSV table (file, text, bytes or DataFrame) into rows numbered as a spreadsheet shows them.

Values stay strings until a column's parser reads them, so INSEE codes keep their leading zeros
(``01004``) and letters (``2A004``). Problems are gathered in a `Problems` list rather than raised,
so that one run reports every problem of every file.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from planner.domain.errors import InputError, Problem, describe_os_error
from planner.domain.limits import (
    MAX_CELL_CHARS,
    MAX_COMMUNES,
    MAX_TABLE_BYTES,
    identifier_problem,
    normalise_identifier,
    shown,
    text_problem,
)
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

    A required column may still have empty cells when ``may_be_empty`` (e.g. ``dates_off``). The cells
    of an ``identifier`` column (ids, INSEE codes, references to them) are NFKC-normalised, and refused
    when they hold an invisible or control character (`planner.domain.limits.identifier_problem`).
    """

    name: str
    required: bool
    expected: str
    may_be_empty: bool = False
    identifier: bool = False


@dataclass
class Table:
    """The rows of one CSV file; ``rows`` pairs each spreadsheet row number with its values.

    ``refused`` holds the (row, column) of cells already reported (too long, a control character):
    their value is blanked and their row is not used.
    """

    file: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    refused: set[tuple[int, str]] = field(default_factory=set)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); files saved by a French Excel (Windows-1252) are read too."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text(path: Path, label: str, problems: Problems, *, max_bytes: int = MAX_TABLE_BYTES) -> str | None:
    """The text of a file, or None (with a problem) when it cannot be read or is too big."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            problems.add(
                label,
                None,
                None,
                f"fichier trop volumineux ({size / 1e6:.1f} Mo) ; attendu : au plus {max_bytes / 1e6:.0f} Mo",
            )
            return None
        return decode(path.read_bytes())
    except FileNotFoundError:
        problems.add(label, None, None, f"fichier introuvable : {path}")
    except OSError as exc:
        problems.add(label, None, None, f"fichier illisible : {describe_os_error(exc)}")
    return None


def normalise_header(name: object) -> str:
    return unicodedata.normalize("NFKC", str(name).replace("\ufeff", "")).strip().lower()


def _header_problem(name: object) -> str | None:
    """What is wrong with a header cell: a control character, or an invisible one (a column name is
    an identifier: ``id`` followed by a zero-width space would not be ``id``)."""
    text = str(name).replace("\ufeff", "")
    problem = text_problem(text)
    if problem is None and (problem := identifier_problem(text)) is not None:
        problem = f"colonne « {shown(text)} » : {problem}"
    return problem


def _cell(value: object) -> str:
    """A DataFrame cell as the text a CSV file would hold (``12.0`` → ``12``, NaN → empty)."""
    import pandas as pd  # only DataFrames get here

    # pandas-stubs' isna takes no `object`: is_scalar has just made ``value`` a scalar
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):  # type: ignore[call-overload]
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def delimiter_of(text: str) -> str:
    """``;`` when the header holds more ``;`` than ``,`` (as French spreadsheets export), else ``,``."""
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _records(text: str, label: str, problems: Problems, max_rows: int) -> list[list[str]] | None:
    """The CSV records of ``text`` (header first), or None with a problem when it cannot be read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > max_rows + 1:
                problems.add(
                    label,
                    None,
                    None,
                    f"trop de lignes (plus de {max_rows}) ; attendu : au plus {max_rows} lignes sous l'en-tête",
                )
                return None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            message = f"cellule trop longue (plus de {csv.field_size_limit()} caractères)"
            problems.add(
                label, reader.line_num or None, None, f"{message} ; attendu : au plus {MAX_CELL_CHARS} caractères"
            )
        else:
            problems.add(
                label, reader.line_num or None, None, f"fichier CSV illisible ({exc}) ; attendu : un CSV UTF-8"
            )
        return None
    return records


def _refuse_bad_cells(table: Table, problems: Problems) -> Table:
    """Report every cell that is too long or holds a control character, and blank it (see `Table`)."""
    for number, values in table.rows:
        for name, value in values.items():
            problem = text_problem(value) if value else None
            if problem:
                problems.add(table.file, number, name, problem)
                table.refused.add((number, name))
                values[name] = ""
    return table


def _from_text(text: str, label: str, problems: Problems, max_rows: int = MAX_COMMUNES) -> Table | None:
    text = text.lstrip("\ufeff")
    records = _records(text, label, problems, max_rows)
    if records is None:
        return None
    if not records or not any(cell.strip() for cell in records[0]):
        problems.add(label, 1, None, "fichier vide ; attendu : une ligne d'en-tête avec les noms de colonnes")
        return None
    for cell in records[0]:
        problem = _header_problem(cell)
        if problem:
            problems.add(label, 1, None, f"en-tête : {problem}")
            return None
    header = [normalise_header(h) for h in records[0]]
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
    return _refuse_bad_cells(Table(label, header, rows), problems)


def _from_dataframe(frame: Any, label: str, problems: Problems, max_rows: int = MAX_COMMUNES) -> Table | None:
    if len(frame) > max_rows:
        problems.add(label, None, None, f"trop de lignes ({len(frame)}) ; attendu : au plus {max_rows} lignes")
        return None
    for name in frame.columns:
        problem = _header_problem(name)
        if problem:
            problems.add(label, 1, None, f"en-tête : {problem}")
            return None
    header = [normalise_header(c) for c in frame.columns]
    rows = []
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = {h: _cell(v) for h, v in zip(header, values) if h}
        if any(cells.values()):
            rows.append((index + 2, cells))
    return _refuse_bad_cells(Table(label, header, rows), problems)


def read_table(source: TableSource, label: str, problems: Problems, *, max_rows: int = MAX_COMMUNES) -> Table | None:
    """A table from a path, text, bytes or a pandas DataFrame; None when it cannot be read at all.

    Files and uploads bigger than `MAX_TABLE_BYTES` or with more than ``max_rows`` rows are refused.
    """
    if isinstance(source, Path):
        text = read_text(source, label, problems)
        return None if text is None else _from_text(text, label, problems, max_rows)
    if isinstance(source, bytes | str) and len(source) > MAX_TABLE_BYTES:
        problems.add(label, None, None, f"fichier trop volumineux ; attendu : au plus {MAX_TABLE_BYTES / 1e6:.0f} Mo")
        return None
    if isinstance(source, bytes):
        return _from_text(decode(source), label, problems, max_rows)
    if isinstance(source, str):
        return _from_text(source, label, problems, max_rows)
    if hasattr(source, "columns") and hasattr(source, "itertuples"):
        return _from_dataframe(source, label, problems, max_rows)
    msg = f"cannot read a table from {type(source).__name__}: give a Path, text, bytes or a DataFrame"
    raise TypeError(msg)


def rows_csv(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """Rows (by column name) as the text of a CSV file these readers read back: missing cells empty,
    other keys left out. Not for exports a spreadsheet opens (see `planner.publish.safe_csv`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


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
        if (self.number, name) in self.table.refused:
            return None
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


def normalise_identifiers(table: Table, columns: Mapping[str, Column], problems: Problems) -> None:
    """Normalise the cells of the identifier columns in place (NFKC, `Column.identifier`); report and
    blank those holding an invisible or control character (as `Table.refused`)."""
    names = [c.name for c in columns.values() if c.identifier and c.name in table.columns]
    for number, values in table.rows:
        for name in names:
            value = values.get(name, "")
            if not value or (number, name) in table.refused:
                continue
            problem = identifier_problem(value)
            if problem:
                problems.add(table.file, number, name, problem)
                table.refused.add((number, name))
                values[name] = ""
            else:
                values[name] = normalise_identifier(value)


def rows_of(table: Table, columns: Mapping[str, Column], problems: Problems) -> list[Row]:
    """The rows to read, their identifiers normalised (`normalise_identifiers`); a row with a refused
    cell starts as wrong (already reported)."""
    normalise_identifiers(table, columns, problems)
    refused_rows = {number for number, _ in table.refused}
    return [
        Row(table, number, values, columns, problems, ok=number not in refused_rows) for number, values in table.rows
    ]
