"""A plan as tables: one row per session, one row per shift (the columns of sessions.csv, shifts.csv)."""

from __future__ import annotations

import pandas as pd

from planner.domain.french import WEEKDAYS_FR, hhmm
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
    "name": "nom", "role_fr": "rôle", "remote": "à distance",
}  # fmt: skip


def in_french(table: pd.DataFrame) -> pd.DataFrame:
    """A table with French headers, without the columns people do not read (lat, lon, role id)."""
    shown = table.drop(columns=[c for c in ("lat", "lon", "role") if c in table.columns])
    return shown.rename(columns=COLUMNS_FR)
