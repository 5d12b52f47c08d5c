"""French formatting (planner.domain.french): decimal commas, thin spaces, dates, times."""

from __future__ import annotations

from datetime import date

import pytest

from planner.domain.french import MONTHS_FR_SHORT, THIN_SPACE, WEEKDAYS_FR, date_fr, number_fr, percent_fr, time_fr


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (308.4, 1, "308,4"),
        (92.0, 1, "92,0"),
        (107422, 0, f"107{THIN_SPACE}422"),
        (1234567.891, 2, f"1{THIN_SPACE}234{THIN_SPACE}567,89"),
        (0.5, None, "0,5"),
        (2.0, None, "2"),
        (0.25, None, "0,25"),
        (-0.04, 1, "0,0"),  # never "-0,0"
        (-12.5, 1, "-12,5"),
    ],
)
def test_number_fr(value: float, decimals: int | None, expected: str) -> None:
    assert number_fr(value, decimals) == expected


def test_percent_fr_has_a_comma_and_a_thin_space_before_the_sign() -> None:
    assert percent_fr(0.92) == f"92,0{THIN_SPACE}%"
    assert percent_fr(0.5, 0) == f"50{THIN_SPACE}%"


def test_date_fr():
    assert date_fr(date(2026, 12, 2)) == "mercredi 2 déc. 2026"


def test_date_fr_has_every_month_and_weekday_of_the_french_tables():
    """Babel's French (CLDR) writes the same abbreviations as the tables the rest of the code uses."""
    for month in range(1, 13):
        day = date(2027, month, 1)
        expected = f"{WEEKDAYS_FR[day.weekday()]} 1 {MONTHS_FR_SHORT[month - 1]} 2027"
        assert date_fr(day) == expected


@pytest.mark.parametrize(("minutes", "expected"), [(555, "9 h 15"), (540, "9 h 00"), (825, "13 h 45"), (0, "0 h 00")])
def test_time_fr_is_the_style_the_docs_promise(minutes: int, expected: str) -> None:
    assert time_fr(minutes) == expected
