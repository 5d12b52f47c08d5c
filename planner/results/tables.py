"""A plan as tables: one row per session, one row per shift.

`sessions_table` and `shifts_table` are the machine-readable columns (English names, ISO dates, ``HH:MM``
times) of ``sessions.csv`` and ``shifts.csv``, for programs; `in_french` renames them for the app and the
workbook; `for_people` also writes every value as a French reader reads it (``seances.csv``, ``gardes.csv``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from planner.domain.french import WEEKDAYS_FR, date_fr, hhmm, number_fr, time_fr
from planner.domain.instance import Instance
from planner.domain.plan import Plan


def sessions_table(instance: Instance, plan: Plan) -> pd.DataFrame:
    """One row per session: the columns of ``sessions.csv``."""
    rows = []
    for tour, s in plan.sessions():
        commune = instance.commune(s.insee)
        rows.append(
            {
                "date": tour.date.isoformat(),
                "weekday": WEEKDAYS_FR[tour.date.weekday()],
                "unit": tour.unit_id,
                "insee": s.insee,
                "commune": commune.name,
                "site": commune.site.name,
                "lat": commune.site.lat,
                "lon": commune.site.lon,
                "arrival": hhmm(s.arrival),
                "start": hhmm(s.start),
                "end": hhmm(s.end),
                "departure": hhmm(s.departure),
                "room": s.room + 1,
            }
        )
    columns = [
        "date",
        "weekday",
        "unit",
        "insee",
        "commune",
        "site",
        "lat",
        "lon",
        "arrival",
        "start",
        "end",
        "departure",
        "room",
    ]
    return pd.DataFrame(rows, columns=columns)


def shifts_table(instance: Instance, plan: Plan) -> pd.DataFrame:
    """One row per shift: the columns of ``shifts.csv`` (private: it names the staff)."""
    tours = {t.key: t for t in plan.tours}
    rows = []
    for sh in plan.shifts:
        communes = [instance.commune(s.insee) for s in sh.sessions_of(tours.get(sh.tour_key))]
        rows.append(
            {
                "date": sh.date.isoformat(),
                "unit": sh.unit_id,
                "staff_id": sh.staff_id,
                "name": instance.person(sh.staff_id).name,
                "role": sh.role.value,
                "role_fr": sh.role.label_fr,
                "remote": sh.remote,
                "start": hhmm(sh.start),
                "end": hhmm(sh.end),
                "insee": ";".join(c.insee for c in communes),
                "commune": ";".join(c.name for c in communes),
            }
        )
    columns = ["date", "unit", "staff_id", "name", "role", "role_fr", "remote", "start", "end", "insee", "commune"]
    return pd.DataFrame(rows, columns=columns)


#: French headers of the session and shift tables (their columns are the CSV files' English ones).
COLUMNS_FR = {
    "date": "date", "weekday": "jour", "unit": "unité", "insee": "insee", "commune": "commune", "site": "lieu",
    "arrival": "arrivée", "start": "début", "end": "fin", "departure": "départ", "staff_id": "identifiant",
    "name": "nom", "role_fr": "rôle", "remote": "à distance", "room": "salle", "lat": "latitude",
    "lon": "longitude",
}  # fmt: skip

#: The columns of times of day (``HH:MM`` in the machine tables).
TIME_COLUMNS = ("arrival", "start", "end", "departure")

#: How a yes/no value reads in the files for people (never ``True``/``false``).
YES_NO = {True: "oui", False: "non"}


def in_french(table: pd.DataFrame) -> pd.DataFrame:
    """A table with French headers, without the columns people do not read (lat, lon, role id)."""
    shown = table.drop(columns=[c for c in ("lat", "lon", "role") if c in table.columns])
    return shown.rename(columns=COLUMNS_FR)


def _readable(column: str, value: Any) -> Any:
    if isinstance(value, bool):
        return YES_NO[value]
    if column == "date":
        return date_fr(date.fromisoformat(value))
    if column in TIME_COLUMNS:
        hours, _, minutes = value.partition(":")  # ``HH:MM``, 24:00 (an end at midnight) included
        return time_fr(int(hours) * 60 + int(minutes))
    if column in ("lat", "lon"):
        return number_fr(value, None)
    if column in ("insee", "commune") and isinstance(value, str):
        return value.replace(";", ", ")  # a shift's communes, listed
    return value


def for_people(table: pd.DataFrame) -> pd.DataFrame:
    """A session or shift table as a French reader reads it: the CSV files for people.

    French headers; dates ``lundi 7 déc. 2026`` (the weekday column goes, the date names it); times
    ``9 h 15``; coordinates with a decimal comma; ``oui``/``non``; a shift's communes separated by commas;
    without the role id (the French role stays).
    """
    shown = table.drop(columns=[c for c in ("weekday", "role") if c in table.columns])
    readable = pd.DataFrame(
        {c: [_readable(c, v) for v in shown[c].tolist()] for c in shown.columns},
        columns=list(shown.columns),
        dtype=object,
    )
    return readable.rename(columns=COLUMNS_FR)
