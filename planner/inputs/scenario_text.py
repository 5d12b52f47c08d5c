"""The text of a scenario.toml, read safely before any key is: TOML syntax, size, nesting depth, and
texts and lists within the limits every input is held to; and the line of each key, which `tomllib`
does not give, for problems to point at.

Apart from the reading of the keys (`planner.inputs.scenario`): a text refused here is never read
further, so no check of a key has to guard against a value too long, too deep or holding control
characters.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from planner.domain.limits import MAX_LIST_ITEMS, MAX_NESTING, MAX_SCENARIO_BYTES, identifier_problem, text_problem
from planner.inputs.scenario import ScenarioReader
from planner.inputs.tables import Problems


def key_lines(text: str) -> dict[tuple, int]:
    """Line number of each key and table header: ``("units", 0, "hours") -> 17``.

    A light scan, good for files written by hand; keys inside multi-line values may be missed,
    in which case problems point at the enclosing table.
    """
    lines: dict[tuple, int] = {}
    table: tuple = ()
    counts: dict[str, int] = {}
    in_string = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        quotes = line.count('"""') + line.count("'''")
        was_in_string, in_string = in_string, in_string != (quotes % 2 == 1)
        if was_in_string:
            continue
        if line.startswith("[["):
            name = line[2:].split("]]", 1)[0].strip()
            counts[name] = counts.get(name, -1) + 1
            table = (name, counts[name])
            lines.setdefault(table, number)
        elif line.startswith("["):
            table = tuple(part.strip() for part in line[1:].split("]", 1)[0].split("."))
            lines.setdefault(table, number)
        else:
            match = re.match(r'^([A-Za-z0-9_\-."\s]+?)\s*=', line)
            if match:
                key = tuple(part.strip().strip('"') for part in match.group(1).split("."))
                lines.setdefault(table + key, number)
    return lines


def _parse(text: str, file: str, problems: Problems) -> dict[str, Any] | None:
    """The TOML document of ``text``, or None with a problem: invalid, too big or too deeply nested."""
    if len(text) > MAX_SCENARIO_BYTES:
        problems.add(file, None, None, f"fichier trop volumineux ; attendu : au plus {MAX_SCENARIO_BYTES // 1024} Kio")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        problems.add(
            file,
            int(match.group(1)) if match else None,
            None,
            f"syntaxe TOML invalide ({exc}) ; attendu : un fichier TOML comme dans docs/formats.md "
            "(textes entre guillemets, dates sans guillemets)",
        )
    except RecursionError:
        problems.add(
            file, None, None, f"tables ou listes imbriquées trop profondément ; attendu : au plus {MAX_NESTING} niveaux"
        )
    return None


def _check_values(reader: ScenarioReader) -> None:
    """Report every text too long or holding a control character, every list too long and every
    nesting too deep, in keys and values alike: they would reach the outputs or blow up the run."""
    stack: list[tuple[tuple, Any]] = [((), reader.doc)]
    while stack:
        path, value = stack.pop()
        if len(path) > MAX_NESTING:
            reader.error(path[:MAX_NESTING], f"imbrication trop profonde ; attendu : au plus {MAX_NESTING} niveaux")
            continue
        if isinstance(value, str):
            problem = text_problem(value, what="texte trop long")
            if problem:
                reader.error(path, problem)
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = text_problem(key, what="nom de clé trop long") or identifier_problem(key)
                if problem:
                    reader.error(path, f"nom de clé : {problem}")
                else:
                    stack.append((path + (key,), item))
        elif isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS:
                reader.error(path, f"liste de {len(value)} éléments ; attendu : au plus {MAX_LIST_ITEMS}")
            else:
                stack.extend((path + (i,), item) for i, item in enumerate(value))


def read_scenario_text(text: str | None, file: str, problems: Problems) -> ScenarioReader | None:
    """A reader over a TOML text, or None (with problems) when the text cannot be read safely:
    invalid TOML, too big or too deeply nested, or holding control characters."""
    if text is None:
        return None
    doc = _parse(text, file, problems)
    if doc is None:
        return None
    reader = ScenarioReader(doc, file, key_lines(text), problems)
    before = len(problems)
    _check_values(reader)
    return reader if len(problems) == before else None
