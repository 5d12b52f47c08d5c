"""The KPIs and left-out communes of the summary (planner.results.summary): figures as French
readers write them, one driving figure under the estimate, communes with a target of 0 explained."""

from __future__ import annotations

from dataclasses import replace

from planner.domain.french import THIN_SPACE
from planner.domain.plan import Unserved
from planner.results.kpis import not_targeted
from planner.results.need_source import need_source_sentence
from planner.results.summary import BELOW_TARGET, format_kpi, kpi_lines, summary
from tests.support import builders, plan_builders


def test_format_kpi_is_french_for_known_and_unknown_keys() -> None:
    """Shares as percentages, integers without decimals, other numbers with one; a key the summary does
    not know yet (a KPI added later) is still formatted."""
    assert format_kpi("need_served_share", 0.92) == f"92,0{THIN_SPACE}%"
    assert format_kpi("population_within_15min", 107422) == f"107{THIN_SPACE}422"
    assert format_kpi("drive_km_per_week", 308.4) == "308,4"
    assert format_kpi("a_future_kpi", 12.25) == "12,2"
    assert format_kpi("a_future_count", 3.0) == "3"


def _with_kpis(travel_label: str, minutes: float, km: float):
    instance = builders.small_instance()
    plan = replace(
        plan_builders.sample_plan(instance),
        travel_label=travel_label,
        kpis={"sessions_per_week": 4.0, "drive_minutes_per_week": minutes, "drive_km_per_week": km},
    )
    return instance, plan


def test_estimate_shows_one_driving_figure_and_says_why() -> None:
    """Under the 60 km/h estimate minutes and km are the same number: one line, with the reason."""
    instance, plan = _with_kpis("estimation (distance à vol d'oiseau × 1,3, 60 km/h)", 308.4, 308.4)
    lines = {k.key: k for k in kpi_lines(plan)}
    assert "drive_minutes_per_week" not in lines
    assert lines["drive_km_per_week"].value == "308,4" and "60 km/h" in lines["drive_km_per_week"].note
    text = summary(instance, plan)
    assert text.count("308,4") == 1 and "308.4" not in text and "Conduite (min / semaine)" not in text


def test_road_times_keep_both_driving_figures() -> None:
    instance, plan = _with_kpis("réseau routier OpenStreetMap", 290.0, 308.4)
    keys = [k.key for k in kpi_lines(plan)]
    assert keys == ["sessions_per_week", "drive_minutes_per_week", "drive_km_per_week"]
    assert all(not k.note for k in kpi_lines(plan))
    assert "290" in summary(instance, plan)


def test_summary_names_communes_below_target_and_those_never_visited_by_choice(
    small_instance, commune, sample_plan
) -> None:
    """A commune with a target of 0 is listed as never visited by choice, not as left out; the list of
    communes below their target has the same name as in the app and the version history."""
    base = small_instance
    never = commune("76099", 49.90, 1.10, need=400, visits_per_week=0.0)
    instance = base.replace(communes=(*base.communes, replace(never, name="Ville-sans-objectif")))
    plan = replace(
        sample_plan(instance),
        unserved=(Unserved("76004", "Commune 76004", 0.5, 0, "capacité insuffisante"),),
    )
    assert [c.insee for c in not_targeted(instance, plan.tours)] == ["76099"]
    text = summary(instance, plan)
    assert f"{BELOW_TARGET} (1) :" in text and "0 visite(s) sur 0,5 visées" in text
    assert "Communes jamais visitées, par choix (objectif 0) : 1 — Ville-sans-objectif" in text


def test_a_commune_with_target_0_that_is_visited_is_not_called_never_visited(small_instance, sample_plan) -> None:
    instance = small_instance
    instance = instance.replace(communes=(replace(instance.communes[0], visits_per_week=0.0), *instance.communes[1:]))
    assert not_targeted(instance, sample_plan(instance).tours) == []  # 76001 is in the plan's tours


def test_summary_lists_far_shifts_with_their_reason() -> None:
    """After the KPIs, the shifts far from home, the farthest first, each with why; the KPI has its
    French label and explanation."""
    from tests.support.far_case import far_instance, far_plan

    instance = far_instance()
    plan = replace(far_plan(instance), kpis={"far_shifts": 6.0})
    [line] = kpi_lines(plan)
    assert line.label == "Gardes loin de chez soi" and "15 km" in line.explanation
    text = summary(instance, plan)
    head = "Gardes loin de chez soi (6), les plus loin d'abord :"
    assert head in text and text.index("Indicateurs :") < text.index(head)
    block = text[text.index(head) :].split("\n\n")[0].splitlines()[1:]
    assert sum(item.startswith("  - Dr DN Exemple (exemple), ") for item in block) == 6
    assert "aucune séance de Bus busa ce jour-là" in text and "a déjà son équipe ce jour-là" in text


def test_summary_says_which_communes_have_a_real_need() -> None:
    """The summary carries the sentence of the need's sources, naming the communes with a real figure."""
    instance = builders.small_instance()
    real = replace(instance.communes[0], need_source="apl", need_is_proxy=False)
    instance = instance.replace(communes=(real, *instance.communes[1:]))
    text = summary(instance, plan_builders.sample_plan(instance))
    assert need_source_sentence(instance.communes) in text.splitlines()
    assert f"chiffres réels pour 1 commune(s) sur {len(instance.communes)}" in text and real.name in text
