"""Who to tell after a change (`planner.notices`): one French message per person whose shifts changed
and per commune whose visits changed, town halls never told a staff name, each with a mailto link;
`planner replan` prints how many and writes them all to a-prevenir.txt."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

from planner import notices, replan
from planner.cli import main
from planner.domain import date_fr
from planner.planning import CommuneClosed, StaffUnavailable
from planner.results import Notice, mailto_url
from tests.support.builders import MONDAY
from tests.support.paths import TINY
from tests.support.replan_case import published_plan, two_bus_territory


def _staff_names(instance) -> list[str]:
    return [p.name for p in instance.staff]


def _town_halls_name_no_one(instance, told) -> None:
    for notice in told.communes:
        assert not [name for name in _staff_names(instance) if name in notice.body + notice.subject], notice.key


def test_hand_built_change_names_exactly_the_people_and_communes_affected(
    small_instance, sample_plan, replanned_sample_plan
) -> None:
    """The sample plan re-planned by hand: Monday week 1's afternoon moved to 15:00 with d3 instead
    of d1, Thursday week 2 dropped (d2, c1). Told: d1, d2, d3, c1 (not c2); communes 76002 (moved),
    76003 and 76004 (cancelled), not 76001 (same morning visit)."""
    before, after = sample_plan(small_instance), replanned_sample_plan(small_instance)
    told = notices(small_instance, before, after)
    assert sorted(n.key for n in told.people) == ["c1", "d1", "d2", "d3"]
    assert sorted(n.key for n in told.communes) == ["76002", "76003", "76004"]
    assert told.headline == "À prévenir : 4 personne(s), 3 commune(s)"

    d1 = next(n for n in told.people if n.key == "d1")
    assert d1.body.startswith("Bonjour Dr D1 Exemple (exemple),\n\nvotre planning Médicobus change :")
    assert d1.body.endswith("Merci !")
    assert f"le {date_fr(MONDAY)}, garde annulée : Bus bus1, médecin" in d1.body
    d3 = next(n for n in told.people if n.key == "d3")
    assert "nouvelle garde" in d3.body and "Commune 76002" in d3.body
    c1 = next(n for n in told.people if n.key == "c1")
    assert len(c1.lines) == 2  # Monday's hours changed, Thursday week 2 cancelled
    assert "devient" in c1.lines[0] and "garde annulée" in c1.lines[1]

    moved = next(n for n in told.communes if n.key == "76002")
    assert moved.body.startswith(
        "Madame, Monsieur,\n\nles passages de l'unité mobile de santé à Commune 76002 changent :"
    )
    assert "de 14 h 00 à 17 h 00 (Bus bus1) : passage déplacé le lundi 4 janv. 2027 de 15 h 00 à 18 h 00" in moved.body
    assert all("passage annulé" in n.body for n in told.communes if n.key != "76002")
    _town_halls_name_no_one(small_instance, told)


def test_mailto_links_decode_back_to_the_message(small_instance, sample_plan, replanned_sample_plan) -> None:
    """Each link has no recipient, and its subject and body decode back to the message exactly
    (accents, line breaks, parentheses, « & » and « ? »)."""
    told = notices(small_instance, sample_plan(small_instance), replanned_sample_plan(small_instance))
    for notice in (*told.people, *told.communes):
        url = urlsplit(notice.mailto)
        assert url.scheme == "mailto" and url.path == ""
        assert " " not in notice.mailto and "\n" not in notice.mailto
        fields = parse_qs(url.query, keep_blank_values=True)
        assert fields == {"subject": [notice.subject], "body": [notice.body]}
    tricky = mailto_url("Été & co ?", "a=b&c\n(d) 50 %")
    query = tricky.removeprefix("mailto:?")
    subject, body = (unquote(part.partition("=")[2]) for part in query.split("&"))
    assert (subject, body) == ("Été & co ?", "a=b&c\n(d) 50 %")


def test_no_change_tells_no_one(small_instance, sample_plan) -> None:
    plan = sample_plan(small_instance)
    told = notices(small_instance, plan, plan)
    assert told.is_empty and told.people == () and told.communes == ()
    assert "Personne ni aucune commune à prévenir" in told.text()


def test_after_a_replan_each_person_and_commune_whose_plan_changed_is_told() -> None:
    """The two-bus case: a doctor unavailable in week 2 and a commune closed on a day. Told: exactly
    the people whose shifts differ (the unavailable one among them) and exactly the closed commune."""
    instance = two_bus_territory()
    published = published_plan(instance)
    absent = next(s.staff_id for s in published.shifts if s.role.value == "doctor" and s.date >= MONDAY + timedelta(7))
    closed = published.tours[0].sessions[0].insee
    day = published.tours[0].date
    result = replan(
        instance,
        published,
        [
            StaffUnavailable(absent, MONDAY + timedelta(7), MONDAY + timedelta(11)),
            CommuneClosed(closed, frozenset({day})),
        ],
        today=MONDAY,
        time_limit=2,
    )
    told = notices(instance, published, result.plan)

    def crew(plan, staff_id):
        return sorted((s.unit_id, s.date, s.role.value, s.start, s.end) for s in plan.shifts if s.staff_id == staff_id)

    changed = {p.id for p in instance.staff if crew(published, p.id) != crew(result.plan, p.id)}
    assert absent in changed
    assert {n.key for n in told.people} == changed
    assert [n.key for n in told.communes] == [closed]
    # cancelled that day (or moved to another day of the week, when the re-plan finds room elsewhere)
    assert f"le {date_fr(day)} de " in told.communes[0].body
    assert "passage annulé" in told.communes[0].body or "passage déplacé" in told.communes[0].body
    _town_halls_name_no_one(instance, told)
    absent_notice = next(n for n in told.people if n.key == absent)
    assert absent_notice.name == instance.person(absent).name
    assert "garde annulée" in absent_notice.body
    assert isinstance(absent_notice, Notice)


def test_replan_command_prints_who_to_tell_and_writes_the_messages(tmp_path, capsys) -> None:
    """`planner replan` with a doctor unavailable on the plan's first day: « À prévenir : N personne(s), M commune(s) »
    on the terminal, and a-prevenir.txt beside plan.json holding the doctor's message."""
    first, second = tmp_path / "v1", tmp_path / "v2"
    assert main(["plan", str(TINY), "--weeks", "2", "--time-limit", "1", "--out", str(first)]) == 0
    published = json.loads((first / "plan.json").read_text(encoding="utf-8"))
    start = min(s["date"] for s in published["shifts"])
    doctor = next(s["staff"] for s in published["shifts"] if s["role"] == "doctor" and s["date"] == start)
    capsys.readouterr()
    code = main(
        ["replan", str(TINY), "--plan", str(first / "plan.json"), "--out", str(second), "--time-limit", "1",
         "--unavailable", f"{doctor}:{start}..{start}", "--today", start]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("À prévenir : "))
    people = int(line.split(":")[1].split("personne")[0])
    assert people >= 1 and line.endswith("commune(s)")
    text = (second / "a-prevenir.txt").read_text(encoding="utf-8")
    assert text.startswith(line)
    assert text.count("Bonjour ") == people and "votre planning Médicobus change" in text
    assert "a-prevenir.txt" in out.split("Fichiers écrits")[1]
