"""Plans as versioned JSON (schema ``tournee.plan/1``), written and read back with every problem named.

A plan outlives the program run that made it: it is saved in the workspace store, published, compared
with the next one. The JSON schema (``"tournee.plan/1"``, see docs/plan-schema.md) is therefore
explicit and versioned: dates are ISO ``YYYY-MM-DD``, times of day ``HH:MM``, ids as in the input
files. Reading a file of another schema fails with a French message saying what to do.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from planner.domain.errors import InputError, Problem, describe_os_error
from planner.domain.french import hhmm
from planner.domain.instance import Role
from planner.domain.limits import MAX_PLAN_BYTES, MAX_WEEKS, date_problem, shown, text_problem
from planner.domain.plan import Plan, Session, Shift, Tour, Unserved
from planner.publish.files import write_atomic

SCHEMA = "tournee.plan/1"

_HHMM = re.compile(r"(\d{2}):(\d{2})")


def _session_to_dict(s: Session) -> dict[str, Any]:
    session = {
        "insee": s.insee,
        "site": s.site_id,
        "arrival": hhmm(s.arrival),
        "start": hhmm(s.start),
        "end": hhmm(s.end),
        "departure": hhmm(s.departure),
    }
    return session | ({"room": s.room} if s.room else {})


def _tour_to_dict(t: Tour) -> dict[str, Any]:
    return {
        "unit": t.unit_id,
        "date": t.date.isoformat(),
        "leave_depot": hhmm(t.leave_depot),
        "back_at_depot": hhmm(t.back_at_depot),
        "drive_minutes": t.drive_minutes,
        "drive_km": t.drive_km,
        "sessions": [_session_to_dict(s) for s in t.sessions],
    }


def _shift_to_dict(s: Shift) -> dict[str, Any]:
    shift = {
        "unit": s.unit_id,
        "date": s.date.isoformat(),
        "staff": s.staff_id,
        "role": s.role.value,
        "start": hhmm(s.start),
        "end": hhmm(s.end),
        "remote": s.remote,
    }
    return shift | ({"session": s.session} if s.session is not None else {})


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON-ready data following schema ``tournee.plan/1``."""
    return {
        "schema": SCHEMA,
        "instance": plan.instance_name,
        "start": plan.start.isoformat(),
        "weeks": plan.weeks,
        "tours": [_tour_to_dict(t) for t in plan.tours],
        "shifts": [_shift_to_dict(s) for s in plan.shifts],
        "unserved": [
            {
                "insee": u.insee,
                "name": u.name,
                "target_visits": u.target_visits,
                "planned_visits": u.planned_visits,
                "reason": u.reason,
            }
            for u in plan.unserved
        ],
        "kpis": dict(plan.kpis),
        "warnings": list(plan.warnings),
        "travel_label": plan.travel_label,
        "solver_seconds": plan.solver_seconds,
        "search": plan.search,
    }


def _value_problem(value: object) -> str | None:
    """Why a JSON value cannot be part of a plan: a text with a control character, or too long; a
    number that is not finite."""
    if isinstance(value, str):
        return text_problem(value, what="texte trop long")
    if isinstance(value, float) and not math.isfinite(value):
        return f"nombre {value} : un nombre fini est attendu"
    return None


class _Reader:
    """Reads fields out of plan data, collecting every problem with where it is."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.source, None, where, message))

    def get(self, d: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if not isinstance(d, Mapping):
            self.fail(where, "un objet JSON est attendu ici")
            return None
        if key not in d:
            if default is not ...:
                return default
            self.fail(f"{where}.{key}", "champ manquant")
            return None
        value = d[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value) if abs(value) < 1e300 else math.inf
        if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
            self.fail(f"{where}.{key}", f"valeur {shown(repr(value))} d'un type inattendu")
            return None
        problem = _value_problem(value)
        if problem:
            self.fail(f"{where}.{key}", problem)
            return None
        return value

    def day(self, d: Mapping[str, Any], key: str, where: str) -> date | None:
        text = self.get(d, key, where, str)
        if text is None:
            return None
        try:
            day = date.fromisoformat(text)
        except ValueError:
            self.fail(f"{where}.{key}", f"date « {shown(text)} » invalide : format attendu AAAA-MM-JJ")
            return None
        problem = date_problem(day)
        if problem:
            self.fail(f"{where}.{key}", problem)
            return None
        return day

    def time(self, d: Mapping[str, Any], key: str, where: str) -> int | None:
        text = self.get(d, key, where, str)
        if text is None:
            return None
        match = _HHMM.fullmatch(text)
        minutes = int(match[1]) * 60 + int(match[2]) if match else -1
        if not match or int(match[2]) >= 60 or not 0 <= minutes <= 24 * 60:
            self.fail(f"{where}.{key}", f"heure « {shown(text)} » invalide : format attendu HH:MM")
            return None
        return minutes

    def items(self, d: Mapping[str, Any], key: str, where: str) -> list[Any]:
        value = self.get(d, key, where, list, default=[])
        return value or []


def _check_schema(d: Any, source: str) -> None:
    if not isinstance(d, Mapping):
        raise InputError([Problem(source, None, None, "le fichier ne contient pas un plan (objet JSON attendu)")])
    found = d.get("schema")
    if found != SCHEMA:
        if isinstance(found, str) and found.startswith("tournee.plan/"):
            msg = (
                f"ce plan suit le schéma « {found} » alors que cette version de Tournée lit « {SCHEMA} » : "
                "refaites le plan avec cette version (planner plan) ou utilisez la version de Tournée qui l'a écrit"
            )
        else:
            msg = f"ce fichier n'est pas un plan Tournée (schéma « {shown(found)} » au lieu de « {SCHEMA} »)"
        raise InputError([Problem(source, None, "schema", msg)])


def plan_from_dict(d: Mapping[str, Any], *, source: str = "plan") -> Plan:
    """Rebuild a `Plan` from `plan_to_dict` data; raises `InputError` listing every problem found."""
    _check_schema(d, source)
    r = _Reader(source)
    tours = []
    for i, td in enumerate(r.items(d, "tours", "plan")):
        where = f"tours[{i}]"
        sessions = []
        for j, sd in enumerate(r.items(td, "sessions", where) if isinstance(td, Mapping) else []):
            sw = f"{where}.sessions[{j}]"
            insee = r.get(sd, "insee", sw, str)
            site = r.get(sd, "site", sw, str)
            arrival = r.time(sd, "arrival", sw)
            start = r.time(sd, "start", sw)
            end = r.time(sd, "end", sw)
            departure = r.time(sd, "departure", sw)
            room = r.get(sd, "room", sw, int, default=0)
            if (
                insee is not None
                and site is not None
                and arrival is not None
                and start is not None
                and end is not None
                and departure is not None
                and room is not None
            ):
                sessions.append(Session(insee, site, arrival, start, end, departure, room=room))
        unit = r.get(td, "unit", where, str)
        day = r.day(td, "date", where)
        leave = r.time(td, "leave_depot", where)
        back = r.time(td, "back_at_depot", where)
        drive_minutes = r.get(td, "drive_minutes", where, float, default=0.0)
        drive_km = r.get(td, "drive_km", where, float, default=0.0)
        if (
            unit is not None
            and day is not None
            and leave is not None
            and back is not None
            and drive_minutes is not None
            and drive_km is not None
        ):
            tours.append(Tour(unit, day, leave, back, tuple(sessions), drive_minutes, drive_km))
    shifts = []
    for i, sd in enumerate(r.items(d, "shifts", "plan")):
        where = f"shifts[{i}]"
        role_id = r.get(sd, "role", where, str)
        role = None
        if role_id is not None:
            try:
                role = Role(role_id)
            except ValueError:
                r.fail(f"{where}.role", f"rôle « {shown(role_id)} » inconnu ({', '.join(x.value for x in Role)})")
        unit = r.get(sd, "unit", where, str)
        day = r.day(sd, "date", where)
        staff = r.get(sd, "staff", where, str)
        start = r.time(sd, "start", where)
        end = r.time(sd, "end", where)
        remote = r.get(sd, "remote", where, bool, default=False)
        session = r.get(sd, "session", where, int, default=None)
        if (
            unit is not None
            and day is not None
            and staff is not None
            and role is not None
            and start is not None
            and end is not None
            and remote is not None
        ):
            shifts.append(Shift(unit, day, staff, role, start, end, remote, session=session))
    unserved = []
    for i, ud in enumerate(r.items(d, "unserved", "plan")):
        where = f"unserved[{i}]"
        values = (
            r.get(ud, "insee", where, str),
            r.get(ud, "name", where, str),
            r.get(ud, "target_visits", where, float),
            r.get(ud, "planned_visits", where, int),
            r.get(ud, "reason", where, str),
        )  # all Any: read from the file, None when wrong
        if None not in values:
            unserved.append(Unserved(*values))
    kpis = r.get(d, "kpis", "plan", dict, default={}) or {}
    for key, value in kpis.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or _value_problem(float(value)):
            r.fail(f"kpis.{shown(key)}", f"valeur {shown(repr(value))} : un nombre fini est attendu")
        elif _value_problem(key):
            r.fail("kpis", f"nom « {shown(key)} » : {_value_problem(key)}")
    warnings = r.items(d, "warnings", "plan")
    if not all(isinstance(w, str) for w in warnings):
        r.fail("warnings", "une liste de textes est attendue")
    for i, warning in enumerate(w for w in warnings if isinstance(w, str)):
        if problem := _value_problem(warning):
            r.fail(f"warnings[{i}]", problem)
    instance_name = r.get(d, "instance", "plan", str)
    plan_start = r.day(d, "start", "plan")
    weeks = r.get(d, "weeks", "plan", int)
    if weeks is not None and not 1 <= weeks <= MAX_WEEKS:
        r.fail("plan.weeks", f"{shown(weeks)} semaines ; attendu : de 1 à {MAX_WEEKS}")
    travel_label = r.get(d, "travel_label", "plan", str, default="")
    solver_seconds = r.get(d, "solver_seconds", "plan", float, default=0.0)
    search = r.get(d, "search", "plan", str, default="")
    if r.problems:
        raise InputError(r.problems)
    assert plan_start is not None  # r.day reported why otherwise
    return Plan(
        instance_name=instance_name,
        start=plan_start,
        weeks=weeks,
        tours=tuple(tours),
        shifts=tuple(shifts),
        unserved=tuple(unserved),
        kpis={k: float(v) for k, v in kpis.items()},
        warnings=tuple(warnings),
        travel_label=travel_label,
        solver_seconds=solver_seconds,
        search=search,
    )


def plan_to_json(plan: Plan, *, inputs: Mapping[str, Any] | None = None) -> str:
    """The plan's JSON text (indented, UTF-8 characters kept readable), with what it was made from
    (``inputs``: `planner.publish.plan_inputs.PlanInputs.to_dict`) when given."""
    data = plan_to_dict(plan)
    if inputs is not None:
        data["inputs"] = dict(inputs)
    return json.dumps(data, ensure_ascii=False, indent=1)


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} n'est pas un nombre JSON ; attendu : un nombre fini")


def plan_from_json(text: str, *, source: str = "plan") -> Plan:
    """Parse `plan_to_json` text; raises `InputError` on malformed JSON or data."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(source, exc.lineno, None, f"JSON invalide : {exc.msg}")]) from None
    except ValueError as exc:
        raise InputError([Problem(source, None, None, f"JSON invalide : {exc}")]) from None
    except RecursionError:
        msg = "JSON imbriqué trop profondément ; attendu : le plan.json écrit par « planner plan »"
        raise InputError([Problem(source, None, None, msg)]) from None
    return plan_from_dict(data, source=source)


def write_plan_json(plan: Plan, path: str | Path, *, inputs: Mapping[str, Any] | None = None) -> Path:
    """Write the plan as JSON (schema ``tournee.plan/1``, with its ``inputs`` when given), atomically."""
    return write_atomic(Path(path), plan_to_json(plan, inputs=inputs).encode("utf-8"))


def read_plan_json(path: str | Path) -> Plan:
    """Read a plan written by `write_plan_json`; a wrong or old schema gives a French `InputError`."""
    return read_plan_file(path)[0]


def read_plan_file(path: str | Path) -> tuple[Plan, dict[str, Any] | None]:
    """The plan of a `write_plan_json` file and its ``inputs`` object (None in files without one)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            msg = f"fichier trop volumineux ({size / 1e6:.0f} Mo) ; attendu : au plus {MAX_PLAN_BYTES / 1e6:.0f} Mo"
            raise InputError([Problem(path.name, None, None, msg)])
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            [Problem(shown(path, max_chars=200), None, None, f"lecture impossible ({describe_os_error(exc)})")]
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = (
            f"ce fichier n'est pas du texte UTF-8 (octet invalide à la position {exc.start}) ; "
            "attendu : le plan.json écrit par « planner plan »"
        )
        raise InputError([Problem(path.name, None, None, msg)]) from None
    plan = plan_from_json(text, source=path.name)
    inputs = json.loads(text).get("inputs")  # a plan's text: an object, read above
    if inputs is not None and not isinstance(inputs, dict):
        raise InputError([Problem(path.name, None, "inputs", "un objet JSON est attendu ici")])
    return plan, inputs
