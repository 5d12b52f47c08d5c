"""What one crew staffs: a bus's whole tour, or one session of a fixed place's tour.

At a fixed consultation place each session (each room) has its own crew: a doctor available only
in the mornings can take a morning session. The rota works on posts, which read like tours (key,
unit, date, times, sessions, half-days) so that its rules apply to both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from planner.domain.instance import HalfDay, Instance, UnitKind, half_days_of
from planner.domain.plan import Session, Shift, Tour, shift_times


@dataclass(frozen=True)
class Post:
    """A tour (``session`` is None) or one session of a fixed place's tour (its index), with the
    times of its shifts (`planner.domain.plan.shift_times`: set-up included, on the grid)."""

    tour: Tour
    session: int | None
    times: tuple[int, int]

    @property
    def key(self) -> str:
        return self.tour.key if self.session is None else f"{self.tour.key}#{self.session}"

    @property
    def unit_id(self) -> str:
        return self.tour.unit_id

    @property
    def date(self) -> date:
        return self.tour.date

    @property
    def sessions(self) -> tuple[Session, ...]:
        return self.tour.sessions if self.session is None else (self.tour.sessions[self.session],)

    @property
    def half_days(self) -> frozenset[HalfDay]:
        """The half-days its shifts touch (set-up included)."""
        return half_days_of(*self.times)


#: What the rota's rules judge: a tour, or a post, which reads like one.
TourOrPost = Tour | Post


def posts_of(instance: Instance, tours: Iterable[Tour]) -> list[Post]:
    """The posts of ``tours``: one per bus tour, one per session of a fixed place."""
    posts = []
    for tour in tours:
        parts = range(len(tour.sessions)) if instance.unit(tour.unit_id).kind is UnitKind.FIXED else [None]
        posts += [Post(tour, part, shift_times(tour, part, instance.rules)) for part in parts]
    return posts


def without_posts(
    instance: Instance, tours: Sequence[Tour], shifts: Sequence[Shift], dropped: Iterable[str]
) -> tuple[list[Tour], list[Shift]]:
    """``tours`` and their ``shifts`` without the posts ``dropped`` (post keys): a bus tour goes, a
    fixed place loses that session (and the tour, when no session is left); the shifts of the
    sessions kept follow their session's new place in the tour."""
    dropped = set(dropped)
    kept: list[Tour] = []
    moved: dict[str, int] = {}
    for tour in tours:
        posts = posts_of(instance, [tour])
        if all(p.key not in dropped for p in posts):
            kept.append(tour)
            continue
        if instance.unit(tour.unit_id).kind is not UnitKind.FIXED:
            continue
        left = [(p, s) for p, s in zip(posts, tour.sessions, strict=True) if p.key not in dropped]
        if left:
            sessions = tuple(s for _, s in left)
            kept.append(
                Tour(tour.unit_id, tour.date, min(s.start for s in sessions), max(s.end for s in sessions), sessions)
            )
            moved |= {p.key: i for i, (p, _) in enumerate(left)}
    shifts = [replace(s, session=moved.get(s.post_key, s.session)) for s in shifts if s.post_key not in dropped]
    return kept, shifts
