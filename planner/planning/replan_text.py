"""What a re-plan says, in French: the lines of its change list and its summary.

The re-plan (`planner.planning.replan`) and the manual moves (`planner.planning.moves`) both tell
the coordinator who and what changed, one dated line each; the wording lives here, apart from the
decisions, so that the two say it the same way (`summary_text` is what the command line prints).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from planner.crews.rota_rules import staff_name
from planner.domain.french import date_fr, hhmm
from planner.domain.instance import Instance
from planner.domain.plan import Shift, Tour
from planner.planning.changes import unit_name

if TYPE_CHECKING:
    from planner.planning.replan import ReplanResult


def commune_name(instance: Instance, insee: str) -> str:
    return instance.commune(insee).name if instance.has_commune(insee) else insee


def retimed_lines(instance: Instance, before: Sequence[Tour], after: Sequence[Tour]) -> list[tuple[date, str]]:
    """Kept sessions whose times changed because a moved session joined their day."""
    old = {(t.unit_id, t.date, s.insee): s for t in before for s in t.sessions}
    lines = []
    for tour in after:
        for s in tour.sessions:
            was = old.get((tour.unit_id, tour.date, s.insee))
            if was is not None and was.start != s.start:
                head = f"{date_fr(tour.date)} — {unit_name(instance, tour.unit_id)}"
                times = f"de {hhmm(s.start)} à {hhmm(s.end)} (au lieu de {hhmm(was.start)})"
                lines.append((tour.date, f"{head} : {commune_name(instance, s.insee)} {times}"))
    return lines


def crew_diff(
    instance: Instance,
    tours: Sequence[Tour],
    old: Sequence[Shift],
    new: Sequence[Shift],
) -> list[tuple[date, str]]:
    """Per tour and role: who left and who came in, paired as replacements where possible."""
    lines = []
    by_key = {t.key: t for t in tours}
    old_by = defaultdict(list)
    new_by = defaultdict(list)
    for s in old:
        if s.tour_key in by_key:
            old_by[(s.tour_key, s.role)].append(s.staff_id)
    for s in new:
        new_by[(s.tour_key, s.role)].append(s.staff_id)
    for key, role in sorted(set(old_by) | set(new_by), key=lambda k: (by_key[k[0]].date, k[0], k[1].value)):
        gone = sorted(set(old_by[(key, role)]) - set(new_by[(key, role)]))
        came = sorted(set(new_by[(key, role)]) - set(old_by[(key, role)]))
        if not gone and not came:
            continue
        tour = by_key[key]
        head = f"{date_fr(tour.date)} — {instance.unit(tour.unit_id).name}, {role.label_fr}"
        for a, b in zip(gone, came, strict=False):
            lines.append(
                (
                    tour.date,
                    f"{head} : {staff_name(instance, a)} remplacé·e par {staff_name(instance, b)}",
                )
            )
        for a in gone[len(came) :]:
            lines.append((tour.date, f"{head} : {staff_name(instance, a)} retiré·e"))
        for b in came[len(gone) :]:
            lines.append((tour.date, f"{head} : {staff_name(instance, b)} ajouté·e"))
    return lines


def summary_text(result: ReplanResult) -> str:
    """The French account of a re-planning, for the CLI and the app."""
    moved = f"{result.sessions_moved} séance(s) déplacée(s), " if result.sessions_moved else ""
    head = (
        f"{result.tours_removed} tournée(s) supprimée(s), {result.sessions_removed} séance(s) supprimée(s), {moved}"
        f"{result.shifts_changed} garde(s) réaffectée(s), {result.shifts_cancelled} garde(s) annulée(s)."
    )
    lines = [head, *result.carried]
    lines += [f"- {line}" for line in result.diff] or ["- aucun changement de planning"]
    lines += [f"Attention : {text}" for text in result.rota.explanations]
    return "\n".join(lines)
