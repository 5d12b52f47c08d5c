"""How the weekly pattern was found, said plainly: proven optimal, how far from its proven bound, or
greedy and why (docs/architecture.md: no silent fallback)."""

from __future__ import annotations

from planner.domain.french import number_fr
from planner.domain.instance import UnitKind
from planner.planning.options import PlanOptions
from planner.tours.pattern_problem import Pattern, PatternProblem


def search_report(
    problem: PatternProblem, pattern: Pattern, options: PlanOptions, *, first_budget: float = 0.0, rounds: int = 0
) -> tuple[str, dict[str, float]]:
    """A French sentence for the summary, and the search's KPIs (``pattern_bound_share``: the proven
    bound on the need any regular weekly pattern of the search's model can serve, at the pattern's
    priority-zone need, in the unit of ``need_served_share``; the bound of every plan is
    ``need_bound_share``, `planner.planning.pipeline.rules_bound_for`). ``rounds`` is how many times the
    pattern was chosen again without the days the rota could not crew, after a first search of
    ``first_budget`` seconds."""
    kpis: dict[str, float] = {}
    if pattern.need_bound is not None:
        kpis["pattern_bound_share"] = round(problem.need_share(pattern.need_bound), 4)
    if options.method != "cp-sat":
        return (
            "Motif hebdomadaire : méthode gloutonne (la commune au plus fort besoin la plus proche d'abord), "
            "choisie dans les réglages ; aucune borne du motif calculée.",
            kpis,
        )
    budget = f"budget {number_fr(first_budget or pattern.budget, None)} s"
    if rounds:
        budget += (
            f", puis {rounds} fois {number_fr(pattern.budget, None)} s sans les jours que l'équipe ne peut pas tenir"
        )
    if pattern.method == "greedy":
        why = pattern.notes[0] if pattern.notes else "aucune solution CP-SAT"
        return f"Motif hebdomadaire : méthode gloutonne conservée ({why}).", kpis
    tolerance = problem.instance.rules.need_tolerance_percent
    priority = " (zones prioritaires d'abord)" if any(d.priority_need for d in problem.demand.values()) else ""
    if pattern.proven:
        text = f"Motif hebdomadaire (CP-SAT, {budget}) : besoin servi optimal prouvé{priority}"
        if pattern.need_bound and pattern.need < pattern.need_bound:
            gap = 100 * (pattern.need_bound - pattern.need) / pattern.need_bound
            drives = any(u.kind is not UnitKind.FIXED for u in problem.instance.units)
            if tolerance and drives and gap <= tolerance + 1e-9:
                text += f", dont {number_fr(gap)} % cédé pour moins conduire (tolérance {tolerance} %)"
            else:  # the bound is that of the days before those no crew could take were set aside
                text += f", à {number_fr(gap)} % de la borne du motif avant les jours écartés faute d'équipe"
    elif pattern.need_bound:
        gap = 100 * (pattern.need_bound - pattern.need) / pattern.need_bound
        text = (
            f"Motif hebdomadaire (CP-SAT, {budget}) : besoin servi à {number_fr(gap)} % au plus "
            f"de la borne du motif{priority}"
        )
    else:
        text = f"Motif hebdomadaire (CP-SAT, {budget}) : besoin servi amélioré, sans borne prouvée dans ce temps"
    drive = "conduite minimale prouvée" if pattern.drive_proven else "conduite : la plus faible trouvée"
    return f"{text} ; {drive}.", kpis
