"""Parsers for the values found in one cell of an input file (a day list, a time window, a role…).

Each parser takes the text a coordinator typed and returns a model value, or raises `FieldError`
whose French message says what is wrong and what is expected. The table loaders add the file, row
and column; the app can call these parsers directly on what a user typed in a form.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, timedelta

from planner.domain.instance import DateRange, HalfDay, Role, TimeWindow
from planner.domain.limits import DATE_RANGE_TEXT, date_problem, identifier_problem, normalise_identifier

__all__ = [
    "FieldError",
    "check_in_france",
    "fold",
    "parse_availability",
    "parse_bool",
    "parse_date",
    "parse_dates_off",
    "parse_days",
    "parse_float",
    "parse_frequency",
    "parse_insee",
    "parse_int",
    "parse_latitude",
    "parse_longitude",
    "parse_role",
    "parse_roles",
    "parse_time_window",
]


class FieldError(ValueError):
    """A value that cannot be read: ``problem`` says what is wrong, ``expected`` what would do."""

    def __init__(self, problem: str, expected: str, *, generic: bool = False) -> None:
        self.problem = problem
        self.expected = expected
        self.generic = generic  # the expectation is only a type ("un nombre"): a column may say better
        super().__init__(f"{problem} ; attendu : {expected}")

    def with_expected(self, expected: str | None) -> FieldError:
        """The same problem with the column's own description when this one is only generic."""
        return FieldError(self.problem, expected) if expected and self.generic else self


def fold(text: str) -> str:
    """Lower case, accents removed, dashes unified: how words typed by people are compared."""
    if text.isascii():  # no accent nor typographic dash to remove: the same result, faster on big files
        return text.strip().lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("–", "-").replace("—", "-").strip().lower()


# --- numbers, booleans, codes -----------------------------------------------------------------


def parse_float(
    text: str, *, minimum: float | None = None, maximum: float | None = None, expected: str = "un nombre (ex. 12.5)"
) -> float:
    """A decimal number; a decimal comma (``49,92``) and spaces between thousands are accepted."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise FieldError(f"« {text} » n'est pas un nombre", expected, generic=True) from None
    if not math.isfinite(value):
        raise FieldError(f"« {text} » n'est pas un nombre fini", expected, generic=True)
    if minimum is not None and value < minimum:
        raise FieldError(f"« {text} » est inférieur à {minimum:g}", expected, generic=True)
    if maximum is not None and value > maximum:
        raise FieldError(f"« {text} » dépasse {maximum:g}, ce qui n'est pas plausible", expected, generic=True)
    return value


def parse_int(
    text: str, *, minimum: int | None = None, maximum: int | None = None, expected: str = "un nombre entier (ex. 3)"
) -> int:
    """A whole number; ``12.0`` (as spreadsheets write it) is accepted, ``12.5`` is not."""
    value = parse_float(text, expected=expected)
    if not value.is_integer():
        raise FieldError(f"« {text} » n'est pas un nombre entier", expected, generic=True)
    if minimum is not None and value < minimum:
        what = "négatif" if minimum == 0 else f"inférieur à {minimum}"
        raise FieldError(f"« {text} » est {what}", expected, generic=True)
    if maximum is not None and value > maximum:
        raise FieldError(f"« {text} » dépasse {maximum}, ce qui n'est pas plausible", expected, generic=True)
    return int(value)


_TRUE = {"1", "oui", "o", "true", "vrai", "yes", "y", "x"}
_FALSE = {"0", "non", "n", "false", "faux", "no", ""}


def parse_bool(text: str) -> bool:
    """``1``/``0``, ``oui``/``non``, ``true``/``false`` (and ``vrai``/``faux``, ``yes``/``no``)."""
    word = fold(text)
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise FieldError(f"« {text} » n'est ni oui ni non", "1 ou 0, oui ou non, true ou false", generic=True)


_INSEE = re.compile(r"^([0-9]{5}|2[AB][0-9]{3})$")
INSEE_EXPECTED = "un code INSEE de 5 caractères (ex. 76217, 2A004)"


def parse_insee(text: str) -> str:
    """An INSEE commune code as a string: five digits, or ``2A``/``2B`` and three digits (Corsica).

    The text is NFKC-normalised first: full-width digits (``７６００８``) are the code ``76008``. Other
    digits (Arabic-Indic…) are not a code."""
    problem = identifier_problem(text)
    if problem:
        raise FieldError(problem.split(" ; attendu : ")[0], INSEE_EXPECTED)
    code = normalise_identifier(text).upper()
    if _INSEE.match(code):
        return code
    if re.fullmatch(r"[0-9]{4}", code):
        raise FieldError(
            f"« {text} » n'a que 4 chiffres (zéro initial perdu par un tableur ?)",
            f"{INSEE_EXPECTED} ; ici sans doute « 0{code} »",
        )
    raise FieldError(f"« {text} » n'est pas un code INSEE", INSEE_EXPECTED)


# --- frequency -----------------------------------------------------------------------------------

FREQUENCY_WORDS = {
    "hebdo": 1.0,
    "hebdomadaire": 1.0,
    "weekly": 1.0,
    "quinzaine": 0.5,
    "fortnightly": 0.5,
    "mensuel": 0.25,
    "monthly": 0.25,
    "jamais": 0.0,
    "never": 0.0,
}
FREQUENCY_EXPECTED = (
    "un nombre de visites par semaine entre 0 et 7 (ex. 1, 0.5), ou hebdo/weekly, quinzaine/fortnightly, "
    "mensuel/monthly"
)


def parse_frequency(text: str) -> float:
    """Target visits per week: a number in [0, 7] or a word (``hebdo`` 1, ``quinzaine`` 0.5, ``mensuel`` 0.25)."""
    value = FREQUENCY_WORDS.get(fold(text))
    if value is None:
        try:
            value = parse_float(text)
        except FieldError:
            raise FieldError(f"« {text} » n'est pas une fréquence", FREQUENCY_EXPECTED) from None
    if not 0 <= value <= 7:
        raise FieldError(f"« {text} » visites par semaine est hors de 0 à 7", FREQUENCY_EXPECTED)
    return value


# --- weekdays and half-days ----------------------------------------------------------------------

_DAY_WORDS = {
    0: ("lun", "lundi", "mon", "monday"),
    1: ("mar", "mardi", "tue", "tues", "tuesday"),
    2: ("mer", "mercredi", "wed", "wednesday"),
    3: ("jeu", "jeudi", "thu", "thur", "thursday"),
    4: ("ven", "vendredi", "fri", "friday"),
    5: ("sam", "samedi", "sat", "saturday"),
    6: ("dim", "dimanche", "sun", "sunday"),
}
DAYS = {word: day for day, words in _DAY_WORDS.items() for word in words}
_HALF_WORDS = {
    "matin": HalfDay.MORNING,
    "am": HalfDay.MORNING,
    "morning": HalfDay.MORNING,
    "aprem": HalfDay.AFTERNOON,
    "apresmidi": HalfDay.AFTERNOON,
    "pm": HalfDay.AFTERNOON,
    "afternoon": HalfDay.AFTERNOON,
}
_EVERY_DAY = {"tous", "tout", "tous-les-jours", "all", "every-day", "everyday"}
_NO_DAY = {"aucun", "aucune", "none", "jamais"}
DAYS_EXPECTED = (
    "des jours comme lun, mar, mer, jeu, ven, sam, dim (ou lundi…, mon…), un intervalle comme lun-ven, ou tous"
)
AVAILABILITY_EXPECTED = (
    "des jours séparés par des virgules, comme lun,mar-matin,jeu-aprem ; jours : lun mar mer jeu ven sam dim "
    "(ou lundi…, mon…) ; -matin/-am pour le matin, -aprem/-pm pour l'après-midi ; lun-ven pour un intervalle ; "
    "tous ; aucun"
)


def _day(word: str, token: str, expected: str) -> int:
    if word in DAYS:
        return DAYS[word]
    raise FieldError(f"« {word or token} » n'est pas un jour de la semaine", expected)


def _day_range(first: int, last: int) -> list[int]:
    """Days from ``first`` to ``last`` included; ``ven-lun`` wraps over the weekend."""
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def _tokens(text: str) -> list[str]:
    cleaned = fold(text).replace("apres-midi", "apresmidi").replace("apres midi", "apresmidi")
    cleaned = re.sub(r"\s*-\s*", "-", cleaned)
    cleaned = re.sub(r"\s+", "-", cleaned.strip())
    return [t.strip("-") for t in re.split(r"[,;]", cleaned) if t.strip("-")]


def _parse_day_token(token: str, expected: str) -> tuple[list[int], frozenset[HalfDay]]:
    """One token: ``lun``, ``lun-matin``, ``lun-ven``, ``lun-ven-aprem`` or ``tous``."""
    if token in _EVERY_DAY:
        return list(range(7)), frozenset(HalfDay)
    parts = token.split("-")
    halves = frozenset(HalfDay)
    if len(parts) >= 2 and parts[-1] in _HALF_WORDS:
        halves = frozenset({_HALF_WORDS[parts[-1]]})
        parts = parts[:-1]
    if len(parts) == 1:
        return [_day(parts[0], token, expected)], halves
    if len(parts) == 2:
        return _day_range(_day(parts[0], token, expected), _day(parts[1], token, expected)), halves
    raise FieldError(f"« {token} » n'est pas un jour ni un intervalle de jours", expected)


def parse_days(text: str) -> frozenset[int]:
    """Weekdays (0 = Monday) from ``lun-ven``, ``lun,mer,ven``, ``tous``… (half-days are refused here)."""
    tokens = _tokens(text)
    if not tokens:
        raise FieldError("aucun jour donné", DAYS_EXPECTED)
    days: set[int] = set()
    for token in tokens:
        token_days, halves = _parse_day_token(token, DAYS_EXPECTED)
        if halves != frozenset(HalfDay):
            raise FieldError(f"« {token} » : une demi-journée n'a pas de sens ici", DAYS_EXPECTED)
        days.update(token_days)
    return frozenset(days)


def parse_availability(text: str) -> frozenset[tuple[int, HalfDay]]:
    """Weekly availability as (weekday, half-day) pairs from ``lun,mar-matin,jeu-aprem``, ``lun-ven``, ``tous``.

    ``aucun`` means available on no day (useful for someone on leave for the whole horizon); an empty
    text is refused so that a forgotten cell is not read as "never available".
    """
    tokens = _tokens(text)
    if not tokens:
        raise FieldError("disponibilités vides", AVAILABILITY_EXPECTED)
    if len(tokens) == 1 and tokens[0] in _NO_DAY:
        return frozenset()
    slots: set[tuple[int, HalfDay]] = set()
    for token in tokens:
        token_days, halves = _parse_day_token(token, AVAILABILITY_EXPECTED)
        slots.update((d, h) for d in token_days for h in halves)
    return frozenset(slots)


def format_days(days: Iterable[int]) -> str:
    """Weekdays as short French names (``lun, mar``) for messages."""
    return ", ".join(_DAY_WORDS[d][0] for d in sorted(days))


# --- times and dates -----------------------------------------------------------------------------

_TIME = r"(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?"
_WINDOW = re.compile(rf"^{_TIME}\s*(?:-|à|a)\s*{_TIME}$")
TIME_WINDOW_EXPECTED = "une plage HH:MM-HH:MM dont le début précède la fin (ex. 08:30-17:30)"


def parse_time_window(text: str, *, expected: str = TIME_WINDOW_EXPECTED) -> TimeWindow:
    """A stretch of one day from ``08:30-17:30`` (``8h30-17h30`` and ``8h-12h`` are accepted too)."""
    match = _WINDOW.match(fold(text))
    if not match:
        raise FieldError(f"« {text} » n'est pas une plage horaire", expected)
    h1, m1, h2, m2 = (int(g) if g else 0 for g in match.groups())
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59 or (h1 == 24 and m1) or (h2 == 24 and m2):
        raise FieldError(f"« {text} » contient une heure impossible", expected)
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        raise FieldError(f"la plage « {text} » se termine avant de commencer", expected)
    return TimeWindow(start, end)


DATE_EXPECTED = f"une date AAAA-MM-JJ (ex. 2027-01-04) ou JJ/MM/AAAA, {DATE_RANGE_TEXT}"
DATES_OFF_EXPECTED = (
    "des dates AAAA-MM-JJ ou des périodes AAAA-MM-JJ..AAAA-MM-JJ séparées par des points-virgules "
    "(ex. 2027-01-15;2027-02-08..2027-02-19)"
)


def parse_date(text: str, *, expected: str = DATE_EXPECTED) -> date:
    """A date as ``2027-01-04`` (ISO) or ``04/01/2027`` (French order), within the years of
    `planner.domain.limits`."""
    value = text.strip()
    day = None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value)
        elif match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value):
            number, month, year = (int(g) for g in match.groups())
            day = date(year, month, number)
    except ValueError:
        raise FieldError(f"« {text} » n'est pas une date du calendrier", expected) from None
    if day is None:
        raise FieldError(f"« {text} » n'est pas une date", expected)
    return bounded_date(day, expected)


def bounded_date(day: date, expected: str = DATE_EXPECTED) -> date:
    """``day`` when it lies in the years Tournée plans for, else a `FieldError`."""
    problem = date_problem(day)
    if problem:
        raise FieldError(problem, expected)
    return day


def parse_dates_off(text: str) -> tuple[DateRange, ...]:
    """Dates and periods (``2027-01-15;2027-02-08..2027-02-19``); an empty text means none."""
    ranges: list[DateRange] = []
    for item in re.split(r"[;,]", text):
        item = item.strip()
        if not item:
            continue
        if ".." in item:
            first_text, _, last_text = item.partition("..")
            first = parse_date(first_text, expected=DATES_OFF_EXPECTED)
            last = parse_date(last_text, expected=DATES_OFF_EXPECTED)
            if last < first:
                raise FieldError(
                    f"la période « {item} » se termine avant de commencer",
                    "une période AAAA-MM-JJ..AAAA-MM-JJ dont la première date précède la seconde",
                )
            ranges.append(DateRange(first, last))
        else:
            day = parse_date(item, expected=DATES_OFF_EXPECTED)
            ranges.append(DateRange(day, day))
    return tuple(ranges)


def expand(ranges: Iterable[DateRange]) -> frozenset[date]:
    """Every date of some ranges; overlapping ranges are merged first, so that many long periods
    cost no more than the days they cover."""
    merged: list[list[date]] = []
    for r in sorted(ranges, key=lambda r: r.first):
        if merged and r.first <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], r.last)
        else:
            merged.append([r.first, r.last])
    return frozenset(first + timedelta(days=i) for first, last in merged for i in range((last - first).days + 1))


# --- roles ---------------------------------------------------------------------------------------

_ROLE_WORDS = {
    Role.DOCTOR: ("medecin", "docteur", "generaliste", "medecin_generaliste", "gp"),
    Role.DRIVER: ("chauffeur", "chauffeuse", "conducteur", "conductrice"),
    Role.NURSE: ("infirmier", "infirmiere", "ide"),
    Role.SOCIAL_WORKER: ("travailleur_social", "travailleuse_sociale", "assistant_social", "assistante_sociale"),
    Role.PSYCHOLOGIST: ("psychologue", "psy"),
    Role.SECRETARY: ("secretaire", "secretaire_medicale"),
}


def _role_key(word: str) -> str:
    return re.sub(r"[\s\-]+", "_", fold(word).replace("·", ""))


ROLE_VOCABULARY = {
    **{_role_key(w): role for role, words in _ROLE_WORDS.items() for w in words},
    **{_role_key(role.label_fr): role for role in Role},
    **{role.value: role for role in Role},
}
ROLES_EXPECTED = (
    "medecin, chauffeur, infirmier, travailleur_social, psychologue ou secretaire "
    "(ou doctor, driver, nurse, social_worker, psychologist, secretary)"
)


def parse_role(word: str) -> Role:
    """One role, French or English, accents and case ignored (``Médecin``, ``doctor``…)."""
    key = _role_key(word)
    if key in ROLE_VOCABULARY:
        return ROLE_VOCABULARY[key]
    raise FieldError(f"« {word.strip()} » n'est pas un rôle connu", ROLES_EXPECTED)


def parse_roles(text: str) -> frozenset[Role]:
    """Roles separated by ``;`` (or ``,``), e.g. ``medecin;chauffeur``."""
    words = [w for w in re.split(r"[;,]", text) if w.strip()]
    if not words:
        raise FieldError("aucun rôle donné", f"au moins un rôle parmi {ROLES_EXPECTED}")
    return frozenset(parse_role(w) for w in words)


# --- coordinates ---------------------------------------------------------------------------------

#: (lat min, lat max, lon min, lon max) of metropolitan France and the overseas departments.
FRANCE_BOXES = {
    "France métropolitaine": (41.0, 51.5, -5.5, 10.0),
    "Guadeloupe": (15.8, 16.6, -61.9, -60.9),
    "Martinique": (14.3, 14.95, -61.3, -60.75),
    "Guyane": (2.0, 5.9, -54.7, -51.5),
    "La Réunion": (-21.45, -20.8, 55.15, 55.9),
    "Mayotte": (-13.1, -12.55, 44.9, 45.35),
}
POINT_EXPECTED = (
    "latitude puis longitude en degrés décimaux, en France métropolitaine (latitude 41 à 51.5, longitude -5.5 à 10) "
    "ou dans un département d'outre-mer"
)


def parse_latitude(text: str) -> float:
    """A latitude in decimal degrees (−90 to 90)."""
    return parse_float(text, minimum=-90, maximum=90)


def parse_longitude(text: str) -> float:
    """A longitude in decimal degrees (−180 to 180)."""
    return parse_float(text, minimum=-180, maximum=180)


def _in_box(lat: float, lon: float) -> bool:
    return any(a <= lat <= b and c <= lon <= d for a, b, c, d in FRANCE_BOXES.values())


def check_in_france(lat: float, lon: float) -> tuple[str, FieldError] | None:
    """None when the point lies in France; else which of ``"lat"``/``"lon"`` is wrong and why.

    A point that would lie in France with its two numbers exchanged is reported as swapped.
    """
    if _in_box(lat, lon):
        return None
    if _in_box(lon, lat):
        return "lat", FieldError(
            f"le point (lat {lat:g}, lon {lon:g}) est hors de France : latitude et longitude inversées ?",
            POINT_EXPECTED,
        )
    lat_plausible = any(a <= lat <= b for a, b, _, _ in FRANCE_BOXES.values())
    column = "lon" if lat_plausible else "lat"
    value = lon if lat_plausible else lat
    return column, FieldError(f"« {value:g} » place le point (lat {lat:g}, lon {lon:g}) hors de France", POINT_EXPECTED)
