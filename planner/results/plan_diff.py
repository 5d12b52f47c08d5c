"""What changed from one plan to the next: sessions added, removed, moved, and crews changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from planner.domain.french import hhmm
from planner.domain.instance import Role
from planner.domain.plan import Plan


@dataclass(frozen=True)
class SessionRef:
    """A session as the diff speaks of it."""

    unit_id: str
    date: date
    insee: str
    site_id: str
    start: int
    end: int


@dataclass(frozen=True)
class ShiftChange:
    """Who fills a role on a tour, before and after (staff ids, sorted; empty = nobody)."""

    unit_id: str
    date: date
    role: Role
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class PlanDiff:
    """What changed from one plan to the next, for the coordinator (and `text()` in French)."""

    added: tuple[SessionRef, ...]
    removed: tuple[SessionRef, ...]
    moved: tuple[tuple[SessionRef, SessionRef], ...]
    shifts_changed: tuple[ShiftChange, ...]
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    versions: tuple[int, int] | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.moved or self.shifts_changed)

    def _name(self, kind: str, key: str) -> str:
        return self.labels.get(kind, {}).get(key, key)

    def _session(self, s: SessionRef) -> str:
        return (
            f"{self._name('communes', s.insee)} le {s.date.strftime('%d/%m/%Y')} "
            f"{hhmm(s.start)}–{hhmm(s.end)} ({self._name('units', s.unit_id)})"
        )

    def text(self) -> str:
        """A French summary, one line per change."""
        head = (
            f"Différences entre la version {self.versions[0]} et la version {self.versions[1]}"
            if self.versions
            else "Différences entre les deux plans"
        )
        if self.is_empty:
            return f"{head} : aucune."
        lines = [f"{head} :"]
        lines += [f"+ passage ajouté : {self._session(s)}" for s in self.added]
        lines += [f"- passage supprimé : {self._session(s)}" for s in self.removed]
        lines += [f"~ passage déplacé : {self._session(a)} → {self._session(b)}" for a, b in self.moved]
        for c in self.shifts_changed:
            before = ", ".join(self._name("staff", s) for s in c.before) or "personne"
            after = ", ".join(self._name("staff", s) for s in c.after) or "personne"
            lines.append(
                f"* équipe du {c.date.strftime('%d/%m/%Y')} ({self._name('units', c.unit_id)}), "
                f"{c.role.label_fr} : {before} → {after}"
            )
        return "\n".join(lines)


def _session_refs(plan: Plan) -> list[SessionRef]:
    return [SessionRef(t.unit_id, t.date, s.insee, s.site_id, s.start, s.end) for t, s in plan.sessions()]


def _pair_off(
    left: list[SessionRef], right: list[SessionRef], key: Callable[[SessionRef], Any]
) -> list[tuple[SessionRef, SessionRef]]:
    """Match sessions of ``left`` and ``right`` with equal ``key`` in date order; remove the matched ones."""
    by_key: dict[Any, list[SessionRef]] = defaultdict(list)
    for s in sorted(right, key=lambda s: (s.date, s.start)):
        by_key[key(s)].append(s)
    pairs = []
    for s in sorted(left, key=lambda s: (s.date, s.start)):
        candidates = by_key.get(key(s))
        if candidates:
            pairs.append((s, candidates.pop(0)))
    for a, b in pairs:
        left.remove(a)
        right.remove(b)
    return pairs


def diff_plans(old: Plan, new: Plan, *, labels: Mapping[str, Mapping[str, str]] | None = None) -> PlanDiff:
    """Sessions added, removed and moved, and crews changed, from ``old`` to ``new``.

    A session is "moved" when the same commune is still visited by the same unit on the same day at
    another time or site, or else in the same week on another day; any other difference is an
    addition or a removal.
    """
    before, after = _session_refs(old), _session_refs(new)
    _pair_off(before, after, lambda s: s)  # unchanged
    moved = _pair_off(before, after, lambda s: (s.unit_id, s.date, s.insee))
    moved += _pair_off(before, after, lambda s: (s.insee, s.date.isocalendar()[:2]))

    def crews(plan: Plan) -> dict[tuple[str, date, Role], tuple[str, ...]]:
        out: dict[tuple[str, date, Role], list[str]] = defaultdict(list)
        for s in plan.shifts:
            out[(s.unit_id, s.date, s.role)].append(s.staff_id)
        return {k: tuple(sorted(v)) for k, v in out.items()}

    old_crews, new_crews = crews(old), crews(new)
    changes = [
        ShiftChange(unit, day, role, old_crews.get((unit, day, role), ()), new_crews.get((unit, day, role), ()))
        for unit, day, role in sorted(set(old_crews) | set(new_crews), key=lambda k: (k[1], k[0], k[2].value))
        if old_crews.get((unit, day, role), ()) != new_crews.get((unit, day, role), ())
    ]

    def order(s: SessionRef) -> tuple[date, int, str]:
        return (s.date, s.start, s.unit_id)

    return PlanDiff(
        added=tuple(sorted(after, key=order)),
        removed=tuple(sorted(before, key=order)),
        moved=tuple(sorted(moved, key=lambda p: order(p[0]))),
        shifts_changed=tuple(changes),
        labels=labels or {},
    )
