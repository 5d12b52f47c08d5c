"""The hard rule of the validator about published times: sessions and shifts sit on the time grid
(`Rules.time_step`), so that residents and crews read round times (docs/formats.md)."""

from __future__ import annotations

from collections.abc import Iterator

from planner.check.context import Context, Violation
from planner.domain.french import hhmm

TIME_GRID = "TIME_GRID"


def check_time_grid(ctx: Context) -> Iterator[Violation]:
    """Every session starts and ends, and every shift starts and ends, on the grid of
    ``rules.time_step`` minutes (a session's arrival and departure, and a tour's depot times, are
    real driving times and may fall between)."""
    step = ctx.instance.rules.time_step
    if step == 1:
        return
    for tour in ctx.plan.tours:
        for s in tour.sessions:
            off = [hhmm(t) for t in (s.start, s.end) if t % step]
            if off:
                msg = (
                    f"{ctx.where(tour)}, séance à {ctx.place_name(s)} ({hhmm(s.start)}-{hhmm(s.end)}) : "
                    f"{' et '.join(off)} hors de la grille de {step} min ; attendu : des horaires ronds "
                    "(refaites le plan avec « planner plan »)"
                )
                yield Violation(TIME_GRID, msg, tour.key)
    for shift in ctx.plan.shifts:
        off = [hhmm(t) for t in (shift.start, shift.end) if t % step]
        if off:
            msg = (
                f"{ctx.shift_where(shift)} : service {hhmm(shift.start)}-{hhmm(shift.end)}, "
                f"{' et '.join(off)} hors de la grille de {step} min ; attendu : des horaires ronds"
            )
            yield Violation(TIME_GRID, msg, shift.tour_key, shift.staff_id)
