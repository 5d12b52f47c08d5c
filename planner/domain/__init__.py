"""The domain: what an instance and a plan are, the errors, and the helpers every stage shares.

Owns the frozen types (`instance`: communes, sites, units, staff, rules; `plan`: tours, sessions,
shifts), the exceptions (`errors`), public holidays and closures (`calendar`), distances from
coordinates (`geo`), the travel-matrix type (`travel_matrix`), French formatting (`french`), the
limits every input is held to (`limits`) and the first-use imports of every face (`lazy_names`).

Imports nothing of the project: every other stage may import it.

This face exports what the other stages, the command line and the app use of the domain. Names are
imported on first use: the command line's parser needs the errors and limits, not NumPy (the travel
matrix) or the holiday tables (the calendar).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.lazy_names import import_on_first_use

#: Each exported name by the module that defines it, imported on first use (`__getattr__`).
_EXPORTS = {
    "closed_dates": "planner.domain.calendar",
    "public_holidays": "planner.domain.calendar",
    "InputError": "planner.domain.errors",
    "MoveRefused": "planner.domain.errors",
    "NoRoadData": "planner.domain.errors",
    "PlanWarning": "planner.domain.errors",
    "PlanningError": "planner.domain.errors",
    "Problem": "planner.domain.errors",
    "TerritoryNotFound": "planner.domain.errors",
    "TourneeError": "planner.domain.errors",
    "describe_os_error": "planner.domain.errors",
    "MONTHS_FR_SHORT": "planner.domain.french",
    "PARIS": "planner.domain.french",
    "WEEKDAYS_FR": "planner.domain.french",
    "date_fr": "planner.domain.french",
    "format_weeks": "planner.domain.french",
    "hhmm": "planner.domain.french",
    "moment_fr": "planner.domain.french",
    "number_fr": "planner.domain.french",
    "parse_time": "planner.domain.french",
    "percent_fr": "planner.domain.french",
    "plural_fr": "planner.domain.french",
    "setup_fr": "planner.domain.french",
    "weekday_date_fr": "planner.domain.french",
    "BUS_TOP_SPEED_KMH": "planner.domain.geo",
    "DEFAULT_DETOUR_FACTOR": "planner.domain.geo",
    "DEFAULT_SPEED_KMH": "planner.domain.geo",
    "EARTH_RADIUS_KM": "planner.domain.geo",
    "chord_km": "planner.domain.geo",
    "estimated_km_minutes": "planner.domain.geo",
    "haversine_km": "planner.domain.geo",
    "unit_vectors": "planner.domain.geo",
    "BannedDay": "planner.domain.instance",
    "Commune": "planner.domain.instance",
    "CommuneClosure": "planner.domain.instance",
    "DateRange": "planner.domain.instance",
    "HalfDay": "planner.domain.instance",
    "Instance": "planner.domain.instance",
    "Pin": "planner.domain.instance",
    "Point": "planner.domain.instance",
    "Role": "planner.domain.instance",
    "Rules": "planner.domain.instance",
    "Site": "planner.domain.instance",
    "Staff": "planner.domain.instance",
    "TimeWindow": "planner.domain.instance",
    "Unit": "planner.domain.instance",
    "UnitClosure": "planner.domain.instance",
    "UnitKind": "planner.domain.instance",
    "Weights": "planner.domain.instance",
    "ceil_to": "planner.domain.instance",
    "floor_to": "planner.domain.instance",
    "half_days_of": "planner.domain.instance",
    "time_step_problem": "planner.domain.instance",
    "DATE_RANGE_TEXT": "planner.domain.limits",
    "MAX_APL": "planner.domain.limits",
    "MAX_CELL_CHARS": "planner.domain.limits",
    "MAX_COMMUNES": "planner.domain.limits",
    "MAX_LIST_ITEMS": "planner.domain.limits",
    "MAX_NESTING": "planner.domain.limits",
    "MAX_PLAN_BYTES": "planner.domain.limits",
    "MAX_POPULATION": "planner.domain.limits",
    "MAX_SCENARIO_BYTES": "planner.domain.limits",
    "MAX_SEED": "planner.domain.limits",
    "MAX_SHIFTS_PER_MONTH": "planner.domain.limits",
    "MAX_SHIFTS_PER_WEEK": "planner.domain.limits",
    "MAX_STAFF": "planner.domain.limits",
    "MAX_TABLE_BYTES": "planner.domain.limits",
    "MAX_TOWN_KM": "planner.domain.limits",
    "MAX_TRAVEL_PLACES": "planner.domain.limits",
    "MAX_UNITS": "planner.domain.limits",
    "MAX_WEEKS": "planner.domain.limits",
    "date_problem": "planner.domain.limits",
    "forbidden_character": "planner.domain.limits",
    "horizon_problem": "planner.domain.limits",
    "identifier_problem": "planner.domain.limits",
    "invisible_character": "planner.domain.limits",
    "normalise_identifier": "planner.domain.limits",
    "seconds_problem": "planner.domain.limits",
    "shown": "planner.domain.limits",
    "text_problem": "planner.domain.limits",
    "Plan": "planner.domain.plan",
    "Session": "planner.domain.plan",
    "Shift": "planner.domain.plan",
    "Tour": "planner.domain.plan",
    "Unserved": "planner.domain.plan",
    "shift_times": "planner.domain.plan",
    "TravelMatrix": "planner.domain.travel_matrix",
    "TravelSource": "planner.domain.travel_matrix",
    "whole_minutes": "planner.domain.travel_matrix",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what type checkers see: the names themselves
    from planner.domain.calendar import closed_dates, public_holidays  # noqa: F401
    from planner.domain.errors import (  # noqa: F401
        InputError,
        MoveRefused,
        NoRoadData,
        PlanningError,
        PlanWarning,
        Problem,
        TerritoryNotFound,
        TourneeError,
        describe_os_error,
    )
    from planner.domain.french import (  # noqa: F401
        MONTHS_FR_SHORT,
        PARIS,
        WEEKDAYS_FR,
        date_fr,
        format_weeks,
        hhmm,
        moment_fr,
        number_fr,
        parse_time,
        percent_fr,
        plural_fr,
        setup_fr,
        weekday_date_fr,
    )
    from planner.domain.geo import (  # noqa: F401
        BUS_TOP_SPEED_KMH,
        DEFAULT_DETOUR_FACTOR,
        DEFAULT_SPEED_KMH,
        EARTH_RADIUS_KM,
        chord_km,
        estimated_km_minutes,
        haversine_km,
        unit_vectors,
    )
    from planner.domain.instance import (  # noqa: F401
        BannedDay,
        Commune,
        CommuneClosure,
        DateRange,
        HalfDay,
        Instance,
        Pin,
        Point,
        Role,
        Rules,
        Site,
        Staff,
        TimeWindow,
        Unit,
        UnitClosure,
        UnitKind,
        Weights,
        ceil_to,
        floor_to,
        half_days_of,
        time_step_problem,
    )
    from planner.domain.limits import (  # noqa: F401
        DATE_RANGE_TEXT,
        MAX_APL,
        MAX_CELL_CHARS,
        MAX_COMMUNES,
        MAX_LIST_ITEMS,
        MAX_NESTING,
        MAX_PLAN_BYTES,
        MAX_POPULATION,
        MAX_SCENARIO_BYTES,
        MAX_SEED,
        MAX_SHIFTS_PER_MONTH,
        MAX_SHIFTS_PER_WEEK,
        MAX_STAFF,
        MAX_TABLE_BYTES,
        MAX_TOWN_KM,
        MAX_TRAVEL_PLACES,
        MAX_UNITS,
        MAX_WEEKS,
        date_problem,
        forbidden_character,
        horizon_problem,
        identifier_problem,
        invisible_character,
        normalise_identifier,
        seconds_problem,
        shown,
        text_problem,
    )
    from planner.domain.plan import Plan, Session, Shift, Tour, Unserved, shift_times  # noqa: F401
    from planner.domain.travel_matrix import TravelMatrix, TravelSource, whole_minutes  # noqa: F401
else:
    __getattr__ = import_on_first_use(globals(), _EXPORTS)
