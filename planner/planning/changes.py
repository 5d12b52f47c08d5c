"""What changed since a plan was published: a person unavailable, a unit out of service, a commune closed.

The change types, their check against the instance, the instance as it now is (`apply_to_instance`),
and the one-line text form the CLI and the scenario use (``unavailable d1:2026-12-02..2026-12-04``).

A re-plan or a move made from a version older than the newest one carries over what the newer
versions accepted (`changes_since` gathers it from the version store, `CarriedOver` holds it), or is
refused with `CarryOverRefused`, whose French message names the versions and changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Protocol, TypeVar

from planner.domain.errors import InputError, Problem, TourneeError
from planner.domain.french import date_fr, hhmm, parse_time
from planner.domain.instance import CommuneClosure, DateRange, Instance, UnitClosure
from planner.domain.limits import date_problem, shown


@dataclass(frozen=True)
class StaffUnavailable:
    """A person cannot work from ``first`` to ``last`` (both included)."""

    staff_id: str
    first: date
    last: date


@dataclass(frozen=True)
class UnitOutOfService:
    """A unit (bus, consultation place) cannot work from ``first`` to ``last`` (both included)."""

    unit_id: str
    first: date
    last: date


@dataclass(frozen=True)
class CommuneClosed:
    """A commune cannot host a session on ``dates`` (the site is closed, an event…)."""

    insee: str
    dates: frozenset[date]


Change = StaffUnavailable | UnitOutOfService | CommuneClosed


@dataclass(frozen=True)
class SessionMove:
    """Move the session of ``unit_id`` on ``day`` in ``insee`` to ``to_day`` (with ``to_unit`` when
    given, starting at ``start`` minutes when given, else as close to its old time as the day allows).

    With ``swap_with`` (an INSEE code), the move is a swap (`planner.planning.swap`): the session of
    that commune on ``to_day`` with the target unit comes to ``day`` and ``unit_id`` in exchange, both
    as close to their old times as their days allow. A swap is kept and re-applied like a move.
    """

    unit_id: str
    day: date
    insee: str
    to_day: date
    to_unit: str = ""
    start: int | None = None
    swap_with: str = ""

    @classmethod
    def swap(cls, first: tuple[str, date, str], second: tuple[str, date, str]) -> SessionMove:
        """The swap of two sessions, each a unit id, a day and an INSEE code."""
        return cls(first[0], first[1], first[2], second[1], second[0], swap_with=second[2])

    @property
    def target_unit(self) -> str:
        return self.to_unit or self.unit_id

    @property
    def sessions(self) -> tuple[tuple[str, date, str], ...]:
        """The session moved, and for a swap the one it is exchanged with (unit id, day, INSEE code)."""
        moved = (self.unit_id, self.day, self.insee)
        return (moved, (self.target_unit, self.to_day, self.swap_with)) if self.swap_with else (moved,)

    def as_dict(self) -> dict[str, str]:
        """The JSON form kept with a plan's inputs (`from_dict` reads it back)."""
        data = {
            "unit": self.unit_id,
            "date": self.day.isoformat(),
            "insee": self.insee,
            "to_date": self.to_day.isoformat(),
        }
        if self.to_unit:
            data["to_unit"] = self.to_unit
        if self.start is not None:
            data["start"] = hhmm(self.start)
        if self.swap_with:
            data["swap_with"] = self.swap_with
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> SessionMove:
        start = data.get("start")
        return cls(
            data["unit"],
            date.fromisoformat(data["date"]),
            data["insee"],
            date.fromisoformat(data["to_date"]),
            data.get("to_unit", ""),
            parse_time(start) if start else None,
            data.get("swap_with", ""),
        )

    def text(self, instance: Instance) -> str:
        """« Envermeu : mardi 12 janv. 2027 (Bus 1) → jeudi 14 janv. 2027 (Bus 1, 14:00) »; a swap:
        « Envermeu : mardi 12 janv. 2027 (Bus 1) ⇄ Luneray : jeudi 14 janv. 2027 (Bus 1) »."""
        name = instance.commune(self.insee).name if instance.has_commune(self.insee) else self.insee
        if self.swap_with:
            other = instance.commune(self.swap_with).name if instance.has_commune(self.swap_with) else self.swap_with
            return (
                f"{name} : {date_fr(self.day)} ({unit_name(instance, self.unit_id)}) ⇄ "
                f"{other} : {date_fr(self.to_day)} ({unit_name(instance, self.target_unit)})"
            )
        to = unit_name(instance, self.target_unit) + (f", {hhmm(self.start)}" if self.start is not None else "")
        return f"{name} : {date_fr(self.day)} ({unit_name(instance, self.unit_id)}) → {date_fr(self.to_day)} ({to})"


def unit_name(instance: Instance, unit_id: str) -> str:
    """The unit's name, or its id when the instance has no such unit (a message must still be said)."""
    return next((u.name for u in instance.units if u.id == unit_id), unit_id)


def check_changes(instance: Instance, changes: Sequence[Change]) -> None:
    problems = []
    for i, change in enumerate(changes, start=1):
        where = f"changement {i}"
        if isinstance(change, StaffUnavailable) and not any(p.id == change.staff_id for p in instance.staff):
            problems.append(
                Problem(
                    where,
                    None,
                    None,
                    f"personne « {shown(change.staff_id)} » inconnue dans l'équipe",
                )
            )
        if isinstance(change, UnitOutOfService) and not any(u.id == change.unit_id for u in instance.units):
            problems.append(Problem(where, None, None, f"unité « {shown(change.unit_id)} » inconnue"))
        if isinstance(change, CommuneClosed) and not instance.has_commune(change.insee):
            problems.append(
                Problem(
                    where,
                    None,
                    None,
                    f"commune « {shown(change.insee)} » inconnue dans le territoire",
                )
            )
        if isinstance(change, StaffUnavailable | UnitOutOfService) and change.last < change.first:
            problems.append(
                Problem(
                    where,
                    None,
                    None,
                    f"période du {change.first} au {change.last} à l'envers",
                )
            )
    if problems:
        raise InputError(problems)


def apply_to_instance(instance: Instance, changes: Sequence[Change], *, today: date) -> Instance:
    """The instance as it now is: new dates off, unit and commune closures (from ``today`` on only).

    Everything a change forbids becomes part of the instance, so that a later ``plan()`` of it never
    puts back a tour of a unit out of service, nor a session in a closed commune.
    """
    staff = list(instance.staff)
    closures = list(instance.rules.commune_closures)
    unit_closures = list(instance.rules.unit_closures)
    for change in changes:
        if isinstance(change, StaffUnavailable) and change.last >= today:
            span = DateRange(max(change.first, today), change.last)
            staff = [replace(p, dates_off=(*p.dates_off, span)) if p.id == change.staff_id else p for p in staff]
        elif isinstance(change, UnitOutOfService) and change.last >= today:
            first = max(change.first, today)
            days = frozenset(first + timedelta(days=i) for i in range((change.last - first).days + 1))
            unit_closures.append(UnitClosure(change.unit_id, days))
        elif isinstance(change, CommuneClosed):
            days = frozenset(d for d in change.dates if d >= today)
            if days:
                closures.append(CommuneClosure(change.insee, days))
    rules = replace(instance.rules, commune_closures=tuple(closures), unit_closures=tuple(unit_closures))
    return instance.replace(staff=tuple(staff), rules=rules)


_KINDS = {
    "unavailable": "unavailable",
    "indisponible": "unavailable",
    "out-of-service": "out-of-service",
    "hors-service": "out-of-service",
    "closed": "closed",
    "fermee": "closed",
    "fermée": "closed",
}
_SPAN = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$")


def _dates(text: str) -> tuple[date, date]:
    match = _SPAN.match(text.strip())
    if not match:
        msg = f"« {shown(text)} » n'est pas une date AAAA-MM-JJ ni une période AAAA-MM-JJ..AAAA-MM-JJ"
        raise ValueError(msg)
    try:
        first = date.fromisoformat(match[1])
        last = date.fromisoformat(match[2]) if match[2] else first
    except ValueError:
        msg = f"« {text} » : date impossible (pas dans le calendrier) ; attendu : AAAA-MM-JJ"
        raise ValueError(msg) from None
    problem = date_problem(first) or date_problem(last)
    if problem:
        raise ValueError(f"« {text} » : {problem}")
    if last < first:
        msg = f"« {text} » : la période finit avant de commencer"
        raise ValueError(msg)
    return first, last


def parse_change(line: str) -> Change:
    """One change from ``KIND ID:DATES``: ``unavailable d1:2026-12-02..2026-12-04``,
    ``out-of-service bus1:2026-12-03``, ``closed 76217:2026-12-02;2026-12-09``."""
    kind_text, _, rest = line.strip().partition(" ")
    kind = _KINDS.get(kind_text.lower())
    if kind is None:
        msg = f"changement « {shown(kind_text)} » inconnu : attendu unavailable, out-of-service ou closed"
        raise ValueError(msg)
    ident, sep, spans = rest.strip().partition(":")
    if not sep or not ident or not spans:
        msg = f"« {shown(rest.strip())} » : format attendu IDENTIFIANT:AAAA-MM-JJ[..AAAA-MM-JJ]"
        raise ValueError(msg)
    periods = [_dates(part) for part in re.split(r"[;,]", spans) if part.strip()]
    if kind == "closed":
        days = frozenset(a + timedelta(days=i) for a, b in periods for i in range((b - a).days + 1))
        return CommuneClosed(ident.strip(), days)
    if len(periods) != 1:
        msg = f"« {spans} » : une seule période par changement"
        raise ValueError(msg)
    first, last = periods[0]
    if kind == "unavailable":
        return StaffUnavailable(ident.strip(), first, last)
    return UnitOutOfService(ident.strip(), first, last)


def parse_changes(lines: Iterable[str]) -> list[Change]:
    """Every change of ``lines`` (see `parse_change`); raises `InputError` listing every bad line."""
    changes, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            changes.append(parse_change(line))
        except ValueError as exc:
            problems.append(Problem("changements", number, None, str(exc)))
    if problems:
        raise InputError(problems)
    return changes


def change_warnings(changes: Sequence[Change], first: date, last: date, today: date) -> list[str]:
    """Legal but odd, said in French: ``today`` outside the plan's dates ``first``–``last``, or a change
    that falls wholly outside them (it then changes nothing)."""
    horizon = f"du {date_fr(first)} au {date_fr(last)}"
    found = []
    if not first <= today <= last:
        found.append(f"aujourd'hui ({date_fr(today)}) est hors de l'horizon du plan, {horizon}")
    for change in changes:
        if isinstance(change, CommuneClosed):
            days, what = sorted(change.dates), f"la fermeture de {shown(change.insee)}"
        else:
            days = [change.first, change.last]
            what = (
                f"l'absence de {shown(change.staff_id)}"
                if isinstance(change, StaffUnavailable)
                else (f"la panne de {shown(change.unit_id)}")
            )
        if days and (days[-1] < first or days[0] > last):
            found.append(f"{what} tombe hors de l'horizon du plan, {horizon} : elle ne change rien")
    return found


# --- Changes carried over from newer versions ----------------------------------------------------


def change_text(instance: Instance, change: Change) -> str:
    """A change in French: « Jean Dupont indisponible du … au … », « Envermeu fermée le … »."""
    if isinstance(change, StaffUnavailable):
        name = next((p.name for p in instance.staff if p.id == change.staff_id), change.staff_id)
        return f"{name} indisponible du {date_fr(change.first)} au {date_fr(change.last)}"
    if isinstance(change, UnitOutOfService):
        name = unit_name(instance, change.unit_id)
        return f"{name} hors service du {date_fr(change.first)} au {date_fr(change.last)}"
    name = instance.commune(change.insee).name if instance.has_commune(change.insee) else change.insee
    return f"{name} fermée le(s) {', '.join(date_fr(d) for d in sorted(change.dates))}"


class CarryOverRefused(TourneeError):
    """A re-plan or move from an older version that cannot carry over what a newer version accepted;
    ``versions`` are the newer versions concerned (the message, in French, names them and the changes)."""

    def __init__(self, versions: Iterable[int], message: str) -> None:
        self.versions = tuple(sorted(set(versions)))
        super().__init__(message)


class _Accepting(Protocol):
    """Inputs that accept changes and moves (`planner.publish.PlanInputs`)."""

    def with_changes(self, changes: Sequence[Change], today: date) -> Any: ...

    def with_move(self, move: SessionMove, today: date) -> Any: ...


_Inputs = TypeVar("_Inputs", bound=_Accepting)


@dataclass(frozen=True)
class CarriedOver:
    """What the versions newer than ``base`` accepted and ``base`` lacks: each change and move with the
    ``today`` it was accepted on and the first newer version that accepted it (`changes_since`).

    ``newest`` is the newest version of the store (0 when ``base`` is the newest). `replan` and
    `move_session` given it make a plan that respects it; `into` adds it to the base version's
    inputs, so that the new version stores it too.
    """

    base: int
    changes: tuple[tuple[Change, date, int], ...] = ()
    moves: tuple[tuple[SessionMove, date, int], ...] = ()
    newest: int = 0

    def __bool__(self) -> bool:
        return bool(self.changes or self.moves)

    @property
    def versions(self) -> tuple[int, ...]:
        return tuple(sorted({v for *_, v in self.changes} | {v for *_, v in self.moves}))

    def lines(self, instance: Instance) -> list[str]:
        """« Changements repris de la version 2 : Jean Dupont indisponible du … ; Envermeu fermée le … »,
        one line per newer version."""
        found = []
        for version in self.versions:
            texts = [change_text(instance, c) for c, _, v in self.changes if v == version]
            texts += [f"{_moved(m)} ({m.text(instance)})" for m, _, v in self.moves if v == version]
            found.append(f"Changements repris de la version {version} : {' ; '.join(texts)}")
        return found

    def texts(self, instance: Instance) -> list[str]:
        """Each carried change and move in French, with its version: « Envermeu fermée le … (version 2) »."""
        found = [f"{change_text(instance, c)} (version {v})" for c, _, v in self.changes]
        return found + [f"{_moved(m)}, {m.text(instance)} (version {v})" for m, _, v in self.moves]

    def into(self, inputs: _Inputs) -> _Inputs:
        """``inputs`` (those of the base version) with every carried change and move, each with its own
        ``today``, in the order `apply_carried` applies them."""
        for change, today, _ in self.changes:
            inputs = inputs.with_changes([change], today)
        for move, today, _ in self.moves:
            inputs = inputs.with_move(move, today)
        return inputs


def _moved(move: SessionMove) -> str:
    return "séances échangées" if move.swap_with else "séance déplacée"


def apply_carried(instance: Instance, carried: CarriedOver | None) -> Instance:
    """``instance`` with each carried change applied from the ``today`` it was accepted on (as
    `planner.publish.PlanInputs.instance` applies accepted changes)."""
    for change, today, _ in carried.changes if carried else ():
        instance = apply_to_instance(instance, [change], today=today)
    return instance


def check_carried(instance: Instance, carried: CarriedOver | None) -> None:
    """Raise `CarryOverRefused` when a carried change names a person, unit or commune ``instance``
    lacks (the newer version was made from other files)."""
    problems: list[tuple[int, str]] = []
    for change, _, version in carried.changes if carried else ():
        try:
            check_changes(instance, [change])
        except InputError as exc:
            problems += [(version, f"« {change_text(instance, change)} » : {p.message}") for p in exc.problems]
    if problems:
        raise CarryOverRefused(
            (v for v, _ in problems),
            refusal_text(carried, [text for _, text in problems], "ils ne s'appliquent pas au territoire de ce plan"),
        )


def refusal_text(carried: CarriedOver | None, items: Sequence[str], why: str) -> str:
    """« Refusé : la version 2 (plus récente que la version 1) a accepté des changements que ce plan ne
    peut pas reprendre (why) : items. Repartez de la version 2 … »."""
    versions = carried.versions if carried else ()
    newest = (carried.newest if carried else 0) or (versions[-1] if versions else 0)
    than = f" (plus récente{'s' if len(versions) > 1 else ''} que la version {carried.base})" if carried else ""
    if len(versions) > 1:
        who = f"les versions {', '.join(map(str, versions[:-1]))} et {versions[-1]}{than} ont"
    else:
        who = f"la version {versions[0] if versions else '?'}{than} a"
    again = f"Repartez de la version {newest} (--version {newest}) ou" if newest else "Ou"
    return (
        f"Refusé : {who} accepté des changements que ce plan ne peut pas reprendre ({why}) : "
        f"{' ; '.join(items)}. {again} retirez ce qui empêche de les reprendre."
    )


class _Accepted(Protocol):
    @property
    def today(self) -> date: ...


class _AcceptedChange(_Accepted, Protocol):
    @property
    def change(self) -> Change: ...


class _AcceptedMove(_Accepted, Protocol):
    @property
    def move(self) -> SessionMove: ...


class VersionInputs(Protocol):
    """What a saved version was made from, as far as carrying over needs it (`planner.publish.PlanInputs`)."""

    @property
    def territory(self) -> str: ...

    @property
    def changes(self) -> Sequence[_AcceptedChange]: ...

    @property
    def moves(self) -> Sequence[_AcceptedMove]: ...


class _VersionLine(Protocol):
    @property
    def version(self) -> int: ...


class VersionStore(Protocol):
    """The version store, as far as carrying over needs it (`planner.publish.PlanStore`)."""

    def history(self) -> Sequence[_VersionLine]: ...

    def inputs(self, version: int) -> VersionInputs | None: ...


def changes_since(store: VersionStore, version: int) -> CarriedOver:
    """What the versions of ``store`` newer than ``version`` (of the same territory, saved with their
    inputs) accepted and ``version`` lacks: changes and moves, each once, oldest version first."""
    base = store.inputs(version)
    newer = [line.version for line in store.history() if line.version > version]
    if base is None or not newer:
        return CarriedOver(version, newest=max(newer, default=0))
    seen_changes = {(a.change, a.today) for a in base.changes}
    seen_moves = {(m.move, m.today) for m in base.moves}
    changes: list[tuple[Change, date, int]] = []
    moves: list[tuple[SessionMove, date, int]] = []
    for number in sorted(newer):
        inputs = store.inputs(number)
        if inputs is None or inputs.territory != base.territory:
            continue
        for accepted in inputs.changes:
            if (accepted.change, accepted.today) not in seen_changes:
                seen_changes.add((accepted.change, accepted.today))
                changes.append((accepted.change, accepted.today, number))
        for moved in inputs.moves:
            if (moved.move, moved.today) not in seen_moves:
                seen_moves.add((moved.move, moved.today))
                moves.append((moved.move, moved.today, number))
    return CarriedOver(version, tuple(changes), tuple(moves), max(newer))
