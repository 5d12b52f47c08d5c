"""How Tournée writes times, dates, weekdays and week lists in French, in one place.

Every output a person reads (summary, messages, calendars, posters, the app) formats through these
helpers, so that a date reads the same everywhere: ``mercredi 2 déc. 2026``, ``9 h 15``, ``1–3 et 5``,
and a number too: ``308,4``, ``107 422``, ``92,0 %`` (decimal comma, thin space between thousands).
Dates and numbers come from Babel (the Unicode CLDR's French, ``fr_FR``), not from hand-made tables;
``hhmm`` (``08:30``) stays for files that programs read and for the times a person types.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

#: The locale of every text a person reads (Babel, CLDR).
LOCALE = "fr_FR"

#: The time zone of every time a person reads (French territories of mainland France).
PARIS = ZoneInfo("Europe/Paris")

WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

MONTHS_FR_SHORT = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip


#: Between groups of three digits and before a unit sign: the narrow no-break space of French typography.
THIN_SPACE = "\u202f"


def number_fr(value: float, decimals: int | None = 1) -> str:
    """A number as French readers write it: ``308.4`` → ``"308,4"``, ``107422`` → ``"107 422"``.

    ``decimals`` digits after the comma; ``None`` gives as many as the value needs and no more
    (``0.5`` → ``"0,5"``, ``2.0`` → ``"2"``), for values a person typed, such as visit targets.
    """
    places = 6 if decimals is None else decimals
    value = round(value, places) or 0.0  # no "-0,0"
    pattern = "#,##0" + ("." + ("#" if decimals is None else "0") * places if places else "")
    return format_decimal(value, format=pattern, locale=LOCALE, decimal_quantization=True)


def percent_fr(share: float, decimals: int = 1) -> str:
    """A share (0–1) as a French percentage: ``0.92`` → ``"92,0 %"``."""
    return f"{number_fr(share * 100, decimals)}{THIN_SPACE}%"


def hhmm(minutes: int) -> str:
    """Format minutes after midnight as ``HH:MM`` (``510`` → ``"08:30"``)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def time_fr(minutes: int) -> str:
    """Minutes after midnight as French readers write a time: ``555`` → ``"9 h 15"``, ``540`` → ``"9 h 00"``."""
    return f"{minutes // 60} h {minutes % 60:02d}"


def parse_time(text: str) -> int:
    """Minutes after midnight from ``HH:MM`` or ``9h15``; ValueError (French) otherwise."""
    cleaned = text.strip().lower().replace("h", ":")
    hours, _, minutes = cleaned.partition(":")
    try:
        value = int(hours) * 60 + int(minutes or 0)
    except ValueError:
        raise ValueError(f"heure « {text} » illisible ; attendu : HH:MM (ex. 14:00)") from None
    if not (0 <= int(hours) < 24 and 0 <= int(minutes or 0) < 60):
        raise ValueError(f"heure « {text} » impossible ; attendu : HH:MM entre 00:00 et 23:59")
    return value


def setup_fr(minutes: int) -> str:
    """What a shift's hours include, for the staff: ``dont 15 min de mise en place avant et après``."""
    return f"dont {minutes} min de mise en place avant et après" if minutes else "sans temps de mise en place"


def date_fr(day: date) -> str:
    """A date as French readers write it: ``mercredi 2 déc. 2026``."""
    return format_date(day, "EEEE d MMM y", locale=LOCALE)


def moment_fr(moment: datetime) -> str:
    """An instant as a coordinator in France reads it, in Paris time: ``04/01/2027 à 13:05``."""
    local = moment.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local:%H:%M}"


def weekday_date_fr(day: date) -> str:
    """A weekday and an ISO date, for warnings that a reader may search for: ``lundi 2026-12-07``."""
    return f"{WEEKDAYS_FR[day.weekday()]} {day.isoformat()}"


def format_weeks(weeks: Iterable[int]) -> str:
    """``[1, 2, 3, 5]`` → ``"1–3 et 5"`` (1-based horizon weeks)."""
    nums = sorted(set(weeks))
    runs: list[tuple[int, int]] = []
    for n in nums:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def plural_fr(label: str, count: int) -> str:
    """A French label in the plural when ``count`` > 1, word by word (``médecin`` → ``médecins``)."""
    if count <= 1:
        return label
    return " ".join(w + "s" for w in label.split(" "))
