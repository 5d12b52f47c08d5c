"""What each value of scenario.toml may be: one converter per kind of TOML value, from the value as
`tomllib` gives it to the model's value, or a `FieldError` saying what was found and what was expected.

Apart from the reading of the tables (`planner.inputs.scenario`, `planner.inputs.scenario_units`),
so that a key's check is one converter named where the key is read, and a converter's ``expected``
text (`describe`) is what a missing key's problem says.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from planner.domain.instance import Role, TimeWindow, UnitKind, time_step_problem
from planner.domain.limits import IDENTIFIER_EXPECTED, MAX_WEEKS, identifier_problem, normalise_identifier, shown
from planner.inputs.fields import (
    DATE_EXPECTED,
    DAYS_EXPECTED,
    ROLES_EXPECTED,
    TIME_WINDOW_EXPECTED,
    FieldError,
    bounded_date,
    expand,
    parse_date,
    parse_dates_off,
    parse_days,
    parse_role,
    parse_time_window,
)


def describe(convert: Callable) -> str:
    """What ``convert`` expects, for the problem of a key that is missing."""
    return getattr(convert, "expected", "une valeur")


_Function = TypeVar("_Function", bound=Callable[..., Any])


def expects(text: str) -> Callable[[_Function], _Function]:
    """Decorator: the converter's ``expected`` text (read with `describe`)."""

    def mark(function: _Function) -> _Function:
        function.expected = text  # type: ignore[attr-defined]
        return function

    return mark


@expects("du texte entre guillemets")
def as_text(value: Any) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value).strip()
        if text:
            return text
    raise FieldError(f"« {shown(value)} » n'est pas un texte", "du texte entre guillemets, non vide")


@expects('une liste de textes, ex. ["76217", "76259"]')
def as_text_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [as_text(v) for v in value]
    raise FieldError(f"« {shown(value)} » n'est pas une liste", describe(as_text_list))


@expects('un identifiant entre guillemets (ex. "medicobus", "76217")')
def as_identifier(value: Any) -> str:
    """An identifier (a unit's id, an INSEE code, a commune's name as a reference): a text without
    invisible or control characters, NFKC-normalised (`planner.domain.limits.normalise_identifier`)."""
    text = as_text(value)
    problem = identifier_problem(text)
    if problem:
        raise FieldError(f"« {shown(text)} » : " + problem.split(" ; attendu : ")[0], IDENTIFIER_EXPECTED)
    return normalise_identifier(text)


@expects('une liste d\'identifiants, ex. ["76217", "76259"]')
def as_identifier_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [as_identifier(v) for v in value]
    raise FieldError(f"« {shown(value)} » n'est pas une liste", describe(as_identifier_list))


@expects("un nombre (ex. 49.92)")
def as_number(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise FieldError(f"« {shown(value)} » n'est pas un nombre fini", describe(as_number))


def int_between(low: int, high: int) -> Callable[[Any], int]:
    expected = f"un nombre entier de {low} à {high}"

    @expects(expected)
    def convert(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise FieldError(f"« {shown(value)} » n'est pas un nombre entier", expected)
        if not low <= value <= high:
            raise FieldError(f"{value} est hors de {low} à {high}", expected)
        return value

    return convert


@expects("un nombre entier > 0")
def as_positive_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldError(f"« {shown(value)} » n'est pas un nombre entier", "un nombre entier > 0")
    if value <= 0:
        raise FieldError(f"{value} est nul ou négatif", "un nombre entier > 0")
    return value


@expects("un pas en minutes qui divise l'heure (1, 5, 10, 15, 20, 30, 60…)")
def as_time_step(value: Any) -> int:
    step = as_positive_int(value)
    if time_step_problem(step):
        raise FieldError(time_step_problem(step).split(" ; ")[0], describe(as_time_step))
    return step


@expects(f"un nombre entier de semaines de 1 à {MAX_WEEKS}")
def as_weeks(value: Any) -> int:
    weeks = as_positive_int(value)
    if weeks > MAX_WEEKS:
        raise FieldError(f"{shown(weeks)} semaines dépassent la limite de {MAX_WEEKS} (deux ans)", describe(as_weeks))
    return weeks


@expects("true ou false")
def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise FieldError(f"« {shown(value)} » n'est ni true ni false", "true ou false (sans guillemets)")


@expects(DATE_EXPECTED)
def as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return bounded_date(value.date())
    if isinstance(value, date):
        return bounded_date(value)
    if isinstance(value, str):
        return parse_date(value)
    raise FieldError(f"« {shown(value)} » n'est pas une date", "une date sans guillemets, ex. 2027-01-04")


@expects('une liste de dates, ex. [2027-01-15, "2027-02-08..2027-02-12"]')
def as_dates(value: Any) -> frozenset[date]:
    if not isinstance(value, list):
        raise FieldError(f"« {shown(value)} » n'est pas une liste", describe(as_dates))
    result: set[date] = set()
    for item in value:
        if isinstance(item, str):
            result |= expand(parse_dates_off(item))
        else:
            result.add(as_date(item))
    return frozenset(result)


@expects("une liste de fréquences décroissantes entre 0 et 7, ex. [1.0, 0.5, 0.25]")
def as_frequencies(value: Any) -> tuple[float, ...]:
    if not isinstance(value, list) or not value:
        raise FieldError(f"« {shown(value)} » n'est pas une liste non vide", describe(as_frequencies))
    numbers = tuple(as_number(v) for v in value)
    if any(not 0 <= n <= 7 for n in numbers):
        raise FieldError(f"{list(numbers)} contient une fréquence hors de 0 à 7", describe(as_frequencies))
    return numbers


@expects("un code de subdivision du paquet holidays (ex. 6AE pour l'Alsace-Moselle), ou vide")
def as_subdivision(value: Any) -> str:
    import holidays

    text = as_text(value) if value != "" else ""
    known = set(holidays.France.subdivisions) | set(getattr(holidays.France, "subdivisions_aliases", {}))
    if text and text not in known:
        raise FieldError(f"« {text} » n'est pas une subdivision connue", describe(as_subdivision))
    return text


@expects("bus ou fixed")
def as_kind(value: Any) -> UnitKind:
    try:
        return UnitKind(str(value).strip().lower())
    except ValueError:
        raise FieldError(f"« {shown(value)} » n'est pas un type d'unité", "bus ou fixed") from None


@expects(DAYS_EXPECTED)
def as_days(value: Any) -> frozenset[int]:
    if isinstance(value, list):
        value = ",".join(as_text(v) for v in value)
    return parse_days(as_text(value))


@expects("un jour de la semaine (lun, mardi…)")
def as_one_day(value: Any) -> int:
    days = as_days(value)
    if len(days) != 1:
        raise FieldError(f"« {shown(value)} » n'est pas un seul jour", "un jour de la semaine (lun, mardi…)")
    return next(iter(days))


@expects(TIME_WINDOW_EXPECTED)
def as_window(value: Any) -> TimeWindow:
    return parse_time_window(as_text(value))


@expects("une table rôle → nombre, ex. { doctor = 1, driver = 1 }")
def as_crew(value: Any) -> dict[Role, int]:
    if not isinstance(value, dict):
        raise FieldError(f"« {shown(value)} » n'est pas une table", describe(as_crew))
    crew: dict[Role, int] = {}
    for key, count in value.items():
        role = parse_role(key)
        crew[role] = crew.get(role, 0) + int_between(0, 50)(count)
    if not any(crew.values()):
        raise FieldError("équipage vide", "au moins une personne, ex. { doctor = 1 }")
    return crew


@expects(f"une liste de rôles parmi {ROLES_EXPECTED}")
def as_roles(value: Any) -> frozenset[Role]:
    return frozenset(parse_role(v) for v in as_text_list(value))
