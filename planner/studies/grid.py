"""The scenarios of a study: ranges given on the command line (``1..4``, ``5..20:5``, ``1,2``)
and their combinations, in a fixed order."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from planner.domain.errors import TourneeError


class StudyError(TourneeError):
    """A study cannot be set up: a wrong range, a missing extra, a territory without units…"""


RANGE_EXPECTED = "attendu : « 1..4 », « 5..20:5 » (de 5 en 5) ou une liste « 1,2,4 »"


def parse_range(text: str, what: str, *, maximum: int = 1000) -> tuple[int, ...]:
    """Whole numbers ≥ 1 from ``A..B``, ``A..B:STEP`` or ``a,b,c`` (sorted, without repeats).

    Raises `StudyError` naming ``what`` (``--units``) when the text is not such a range.
    """
    cleaned = text.replace(" ", "")
    try:
        if ".." in cleaned:
            bounds, _, step_text = cleaned.partition(":")
            low_text, _, high_text = bounds.partition("..")
            low, high, step = int(low_text), int(high_text), int(step_text or 1)
            if step < 1 or high < low:
                raise ValueError
            values = list(range(low, high + 1, step))
        else:
            values = [int(part) for part in cleaned.split(",") if part]
    except ValueError:
        msg = f"{what} « {text} » : plage invalide ; {RANGE_EXPECTED}"
        raise StudyError(msg) from None
    if not values or min(values) < 1 or max(values) > maximum:
        msg = f"{what} « {text} » : des nombres entre 1 et {maximum} sont attendus ; {RANGE_EXPECTED}"
        raise StudyError(msg)
    return tuple(sorted(set(values)))


@dataclass(frozen=True)
class ScenarioParameters:
    """What changes from one scenario of a study to the next.

    ``doctors`` None: the roster scaled with the units (docs/studies.md); ``sessions_per_day`` None:
    each unit keeps its own.
    """

    units: int
    doctors: int | None = None
    sessions_per_day: int | None = None

    @property
    def id(self) -> str:
        """The scenario's folder name: ``u2-m10-s2`` (``m``/``s`` left out when not set)."""
        parts = [f"u{self.units}"]
        if self.doctors is not None:
            parts.append(f"m{self.doctors}")
        if self.sessions_per_day is not None:
            parts.append(f"s{self.sessions_per_day}")
        return "-".join(parts)


def combinations(
    units: tuple[int, ...],
    doctors: tuple[int, ...] | None = None,
    sessions_per_day: tuple[int, ...] | None = None,
) -> list[ScenarioParameters]:
    """Every combination, units first, then doctors, then sessions per day, each ascending."""
    return [
        ScenarioParameters(u, d, s)
        for u, d, s in itertools.product(units, doctors or (None,), sessions_per_day or (None,))
    ]
