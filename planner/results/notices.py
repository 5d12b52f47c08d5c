"""Who to tell after an accepted change (a re-plan, a move): one ready-to-send French message per
person whose shifts changed and per commune whose visits changed, each with a ``mailto:`` link.

Computed from the plans before and after the change, so it works for any change. A town hall's
message never names a member of staff; no address is known, so each link opens a new message with
its subject and text and no recipient (``mailto:?subject=…&body=…``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from planner.domain.french import date_fr, time_fr
from planner.domain.instance import Instance
from planner.domain.plan import Plan, Shift, Tour
from planner.results.plan_diff import SessionRef, diff_plans

#: How the staff know the service, in their messages (« votre planning Médicobus change »).
SERVICE = "Médicobus"
#: Who signs the town halls' messages.
SIGNATURE = "La coordination de l'unité mobile de santé"


@dataclass(frozen=True)
class Notice:
    """One message to send: to a person (``kind`` ``"personne"``, ``key`` their id) or to a town hall
    (``kind`` ``"commune"``, ``key`` its INSEE code); ``name`` says whom, ``lines`` the changes."""

    kind: str
    key: str
    name: str
    subject: str
    body: str
    lines: tuple[str, ...]

    @property
    def mailto(self) -> str:
        """A ``mailto:`` link opening this message, recipient left blank (`mailto_url`)."""
        return mailto_url(self.subject, self.body)


@dataclass(frozen=True)
class Notices:
    """Everyone to tell after a change: the people, then the communes (town halls), by name."""

    people: tuple[Notice, ...]
    communes: tuple[Notice, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.people or self.communes)

    @property
    def headline(self) -> str:
        """« À prévenir : 2 personne(s), 1 commune(s) »."""
        return f"À prévenir : {len(self.people)} personne(s), {len(self.communes)} commune(s)"

    def text(self) -> str:
        """Every message, one after the other, for a file (`a-prevenir.txt`)."""
        if self.is_empty:
            return f"{self.headline}\n\nPersonne ni aucune commune à prévenir : aucun planning ne change.\n"
        blocks = [self.headline]
        for title, notices in (("Personnes", self.people), ("Communes (mairies)", self.communes)):
            for n in notices:
                blocks.append(f"=== {title} : {n.name} ===\nObjet : {n.subject}\n\n{n.body}")
        return "\n\n".join(blocks) + "\n"


def mailto_url(subject: str, body: str) -> str:
    """A ``mailto:`` URL with no recipient, ``subject`` and ``body`` percent-encoded (UTF-8)."""
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def _unit_name(instance: Instance, unit_id: str) -> str:
    return next((u.name for u in instance.units if u.id == unit_id), unit_id)


def _commune_name(instance: Instance, insee: str) -> str:
    return instance.commune(insee).name if instance.has_commune(insee) else insee


def _person_name(instance: Instance, staff_id: str) -> str:
    return next((p.name for p in instance.staff if p.id == staff_id), staff_id)


def _span(start: int, end: int) -> str:
    return f"{time_fr(start)}–{time_fr(end)}"


def _shift_text(instance: Instance, shift: Shift, tours: dict[str, Tour]) -> str:
    """« Bus 1, médecin, 8 h 30–17 h 00 (Envermeu, Luneray) »."""
    places = ", ".join(_commune_name(instance, s.insee) for s in shift.sessions_of(tours.get(shift.tour_key)))
    where = f" ({places})" if places else ""
    return f"{_unit_name(instance, shift.unit_id)}, {shift.role.label_fr}, {_span(shift.start, shift.end)}{where}"


def _person_lines(instance: Instance, before: Plan, after: Plan) -> dict[str, list[tuple[date, str]]]:
    """Per person, the changes of their shifts, dated: added, removed, changed (same unit, day and
    role, other hours or places)."""
    old_tours = {t.key: t for t in before.tours}
    new_tours = {t.key: t for t in after.tours}
    old_by: dict[tuple[str, str, date, str], list[str]] = defaultdict(list)
    new_by: dict[tuple[str, str, date, str], list[str]] = defaultdict(list)
    for s in before.shifts:
        old_by[(s.staff_id, s.unit_id, s.date, s.role.value)].append(_shift_text(instance, s, old_tours))
    for s in after.shifts:
        new_by[(s.staff_id, s.unit_id, s.date, s.role.value)].append(_shift_text(instance, s, new_tours))
    lines: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for key in sorted(set(old_by) | set(new_by), key=lambda k: (k[2], k[1], k[3], k[0])):
        staff_id, day = key[0], key[2]
        old, new = sorted(old_by.get(key, [])), sorted(new_by.get(key, []))
        gone = [t for t in old if t not in new]
        came = [t for t in new if t not in old]
        when = date_fr(day)
        for a, b in zip(gone, came, strict=False):
            lines[staff_id].append((day, f"le {when}, {a} devient : {b}"))
        for a in gone[len(came) :]:
            lines[staff_id].append((day, f"le {when}, garde annulée : {a}"))
        for b in came[len(gone) :]:
            lines[staff_id].append((day, f"le {when}, nouvelle garde : {b}"))
    return lines


def _visit(instance: Instance, s: SessionRef) -> str:
    return f"le {date_fr(s.date)} de {time_fr(s.start)} à {time_fr(s.end)} ({_unit_name(instance, s.unit_id)})"


def _commune_lines(instance: Instance, before: Plan, after: Plan) -> dict[str, list[tuple[date, str]]]:
    """Per commune, its visits cancelled, moved and added, dated (never a member of staff)."""
    diff = diff_plans(before, after)
    lines: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for s in diff.removed:
        lines[s.insee].append((s.date, f"{_visit(instance, s)} : passage annulé"))
    for a, b in diff.moved:
        lines[a.insee].append((a.date, f"{_visit(instance, a)} : passage déplacé {_visit(instance, b)}"))
    for s in diff.added:
        lines[s.insee].append((s.date, f"{_visit(instance, s)} : nouveau passage"))
    return lines


def _body(opening: str, lines: list[str], closing: str) -> str:
    return "\n".join([opening, "", *(f"- {line}" for line in lines), "", closing])


def notices(instance: Instance, before: Plan, after: Plan) -> Notices:
    """Who to tell that ``before`` became ``after``: each person whose shifts changed (added, removed,
    other hours or places) and each commune whose visits changed (cancelled, moved, added), with a
    French message each, the changes by date."""
    people = []
    for staff_id, dated in _person_lines(instance, before, after).items():
        name = _person_name(instance, staff_id)
        lines = [text for _, text in sorted(dated, key=lambda item: item[0])]
        body = _body(f"Bonjour {name},\n\nvotre planning {SERVICE} change :", lines, "Merci !")
        people.append(Notice("personne", staff_id, name, f"Votre planning {SERVICE} change", body, tuple(lines)))
    communes = []
    for insee, dated in _commune_lines(instance, before, after).items():
        name = _commune_name(instance, insee)
        lines = [text for _, text in sorted(dated, key=lambda item: item[0])]
        body = _body(
            f"Madame, Monsieur,\n\nles passages de l'unité mobile de santé à {name} changent :",
            lines,
            f"Merci de bien vouloir en informer vos administrés.\n\nCordialement,\n{SIGNATURE}",
        )
        communes.append(
            Notice("commune", insee, name, f"Passages de l'unité mobile de santé à {name}", body, tuple(lines))
        )
    return Notices(
        tuple(sorted(people, key=lambda n: (n.name, n.key))),
        tuple(sorted(communes, key=lambda n: (n.name, n.key))),
    )
