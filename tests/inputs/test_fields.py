"""Cell parsers (planner.inputs.fields): availability, days, time windows, dates off, roles."""

from __future__ import annotations

from datetime import date

import pytest

from planner.domain.instance import DateRange, HalfDay, Role, TimeWindow
from planner.inputs import (
    FieldError,
    parse_availability,
    parse_dates_off,
    parse_days,
    parse_roles,
    parse_time_window,
)

# --- cell parsers ---------------------------------------------------------------------------------


def test_parse_availability_forms():
    every_half = frozenset(HalfDay)
    assert parse_availability("lun-ven") == frozenset((d, h) for d in range(5) for h in every_half)
    assert parse_availability("Lundi matin; jeudi après-midi") == {(0, HalfDay.MORNING), (3, HalfDay.AFTERNOON)}
    assert parse_availability("mon-am, fri-pm") == {(0, HalfDay.MORNING), (4, HalfDay.AFTERNOON)}
    assert parse_availability("lun-mer-aprem") == {(d, HalfDay.AFTERNOON) for d in range(3)}
    assert parse_availability("ven-lun") == frozenset((d, h) for d in (4, 5, 6, 0) for h in every_half)
    assert parse_availability("aucun") == frozenset()
    with pytest.raises(FieldError, match="disponibilités vides"):
        parse_availability(" ")


def test_parse_days_and_time_windows():
    assert parse_days("lun-ven") == frozenset(range(5))
    assert parse_days("mar, jeudi, Sat") == frozenset({1, 3, 5})
    assert parse_days("tous") == frozenset(range(7))
    with pytest.raises(FieldError, match="demi-journée"):
        parse_days("lun-matin")
    assert parse_time_window("08:30-17:30") == TimeWindow(510, 1050)
    assert parse_time_window("8h30 – 12h") == TimeWindow(510, 720)
    for bad in ("17:30-08:30", "25:00-26:00", "midi"):
        with pytest.raises(FieldError):
            parse_time_window(bad)


def test_parse_dates_off_and_roles():
    assert parse_dates_off("") == ()
    assert parse_dates_off("2027-01-15; 01/02/2027..05/02/2027") == (
        DateRange(date(2027, 1, 15), date(2027, 1, 15)),
        DateRange(date(2027, 2, 1), date(2027, 2, 5)),
    )
    assert parse_roles("Médecin; CHAUFFEUR;infirmière;travailleur social;psychologist") == {
        Role.DOCTOR,
        Role.DRIVER,
        Role.NURSE,
        Role.SOCIAL_WORKER,
        Role.PSYCHOLOGIST,
    }
