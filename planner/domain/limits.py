"""The limits every input is held to, in one place, and the checks of text and dates that use them.

A careless or hostile input must get a clear French refusal, never a traceback, a hang or a blow-up
of memory: a horizon of 10,000 weeks, a date in year 9999, a population of 10^30, a 1 MB cell, a NUL
byte or a right-to-left override in a name. The loaders (`planner.inputs`), the plan reader
(`planner.publish.plan_json`), the solver options and the command line all read their bounds here;
docs/formats.md lists them for users.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, timedelta

#: Longest planning horizon, in weeks (two years).
MAX_WEEKS = 104
#: Every date of an input lies in these years (included).
FIRST_YEAR, LAST_YEAR = 2000, 2100
EARLIEST_DATE, LATEST_DATE = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
DATE_RANGE_TEXT = f"entre {FIRST_YEAR} et {LAST_YEAR}"

#: Largest population of a commune (Paris: 2.19 million in 2017).
MAX_POPULATION = 3_000_000
#: Largest straight-line distance to the nearest town, km (the size of French Guiana).
MAX_TOWN_KM = 1000.0
#: Largest APL (consultations per inhabitant per year); real values are below 10.
MAX_APL = 100.0
#: A person works at most one tour a day (docs/formats.md): 7 a week, 31 a month.
MAX_SHIFTS_PER_WEEK, MAX_SHIFTS_PER_MONTH = 7, 31

#: Rows of a communes file (France has about 35,000 communes) and of a roster, units of a scenario.
MAX_COMMUNES = 50_000
MAX_STAFF = 5_000
MAX_UNITS = 100
#: Items of one list in scenario.toml (closures, places…).
MAX_LIST_ITEMS = 5_000
#: Places (depots and sites of communes that can receive a visit) of one travel matrix.
MAX_TRAVEL_PLACES = 4_000

#: Characters of one cell of a CSV file or of one text of scenario.toml.
MAX_CELL_CHARS = 10_000
#: Bytes of an input file: a communes file of all of France is about 4 MB.
MAX_TABLE_BYTES = 16 * 1024 * 1024
MAX_SCENARIO_BYTES = 1024 * 1024
MAX_PLAN_BYTES = 256 * 1024 * 1024
#: Nesting of tables and lists in a TOML or JSON file (a plan needs 4).
MAX_NESTING = 32

#: Solver time budgets, seconds of CP-SAT deterministic time.
MAX_TIME_LIMIT = 3600.0
#: CP-SAT seeds are 32-bit integers.
MAX_SEED = 2**31 - 1

#: Refused in every name and text: control characters (C0, DEL, C1), the line and paragraph
#: separators (line breaks to many readers) and the bidirectional embeddings, overrides and isolates
#: (U+202A–U+202E, U+2066–U+2069: they make a name read differently from what it holds).
TEXT_EXPECTED = "du texte sur une ligne, sans caractère de contrôle (tabulation, retour à la ligne, NUL…)"


_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def forbidden_character(text: str) -> str | None:
    """The first character that must not appear in a name or text, or None.

    Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides:
    they break CSV, iCalendar and HTML outputs or make a name display as something else.
    """
    found = _FORBIDDEN.search(text)
    return found.group() if found else None


#: Identifiers (staff, unit and site ids, INSEE codes, EPCI, the keys of scenario.toml) are compared
#: character for character: ``m01`` and ``m01`` followed by a zero-width space would be two people.
#: Every control or format character (Unicode categories Cc and Cf: C0, DEL, C1, the zero-width space
#: and joiners U+200B–U+200D, the word joiner U+2060, the BOM U+FEFF, the soft hyphen, the bidirectional
#: controls…), the line and paragraph separators and the characters that draw nothing (variation
#: selectors, Hangul fillers, the combining grapheme joiner) are refused in them; what remains is
#: NFKC-normalised, so that a full-width ``７６００８`` typed by an input method is ``76008``.
IDENTIFIER_EXPECTED = (
    "un identifiant fait de caractères visibles, sans espace de largeur nulle ni caractère de contrôle "
    "(retapez-le au clavier plutôt que de le copier-coller)"
)
_BLANK = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]")


def invisible_character(text: str) -> str | None:
    """The first character of ``text`` that must not appear in an identifier (`IDENTIFIER_EXPECTED`),
    or None."""
    if text.isascii() and text.isprintable():
        return None
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or _BLANK.match(ch):
            return ch
    return None


def identifier_problem(text: str) -> str | None:
    """What is wrong with an identifier as typed (an invisible or control character), or None."""
    bad = invisible_character(text)
    if bad is None:
        return None
    name = character_name(bad)
    return f"caractère invisible ou de contrôle {name} dans un identifiant ; attendu : {IDENTIFIER_EXPECTED}"


def normalise_identifier(text: str) -> str:
    """An identifier as it is compared and kept: NFKC-normalised (``７６００８`` → ``76008``, ``ｍ０１`` →
    ``m01``), spaces around removed. Check it with `identifier_problem` first."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).strip()


def character_name(ch: str) -> str:
    """``U+0000 (NUL)``, ``U+202E (RIGHT-TO-LEFT OVERRIDE)``: a character named for a message."""
    names = {"\x00": "NUL", "\t": "tabulation", "\n": "retour à la ligne", "\r": "retour chariot"}
    name = names.get(ch) or unicodedata.name(ch, "caractère de contrôle")
    return f"U+{ord(ch):04X} ({name})"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def text_problem(text: str, *, max_chars: int = MAX_CELL_CHARS, what: str = "cellule trop longue") -> str | None:
    """What is wrong with a text typed in an input (too long, a forbidden character), or None."""
    if len(text) > max_chars:
        return f"{what} ({_thousands(len(text))} caractères) ; attendu : au plus {_thousands(max_chars)} caractères"
    bad = forbidden_character(text)
    if bad is not None:
        return f"caractère interdit {character_name(bad)} ; attendu : {TEXT_EXPECTED}"
    return None


def shown(value: object, *, max_chars: int = 60) -> str:
    """A value as it may be echoed in a message: forbidden and invisible characters escaped, long text cut."""
    text = str(value)
    if len(text) > max_chars:
        text = text[:max_chars] + "…"
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if forbidden_character(ch) or invisible_character(ch) else ch
        for ch in text
    )


def date_problem(day: date) -> str | None:
    """Why a date cannot be planned (outside `FIRST_YEAR`–`LAST_YEAR`), or None."""
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return None
    return f"la date {day.isoformat()} est hors des années {FIRST_YEAR} à {LAST_YEAR}"


def horizon_problem(start: date, weeks: int) -> str | None:
    """Why a horizon of ``weeks`` weeks from ``start`` cannot be planned (too long, or it leaves the
    years `FIRST_YEAR`–`LAST_YEAR`), or None."""
    if not 0 < weeks <= MAX_WEEKS:
        return f"un horizon de {weeks} semaines ; attendu : de 1 à {MAX_WEEKS} semaines"
    end = start + timedelta(days=7 * weeks - 1)
    return date_problem(start) or (
        f"l'horizon finirait le {end.isoformat()}, après {LAST_YEAR} ; "
        f"attendu : un horizon qui finit en {LAST_YEAR} au plus tard"
        if date_problem(end)
        else None
    )


def seconds_problem(value: object) -> str | None:
    """Why a solver time budget is unusable (not a finite number in (0, `MAX_TIME_LIMIT`]), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"« {shown(value)} » n'est pas un nombre de secondes"
    if not math.isfinite(value):
        return f"« {value} » n'est pas un nombre fini de secondes"
    if not 0 < value <= MAX_TIME_LIMIT:
        return f"{value:g} s est hors de 0 (exclu) à {MAX_TIME_LIMIT:g} s"
    return None
