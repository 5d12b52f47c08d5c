"""French formatting (planner.domain.french): decimal commas, thin spaces, dates."""

from __future__ import annotations

from datetime import date

import pytest

from planner.domain.french import THIN_SPACE, date_fr, number_fr, percent_fr


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
