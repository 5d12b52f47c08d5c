"""Benchmark of the rota (CP-SAT) on a generated large case, and of re-planning after a cancellation.

Case: 60 invented staff, 5 units (3 buses doctor + driver, 1 Mobil'Santé-like unit nurse + social
worker + remote doctor, 1 fixed consultation place with one doctor), 12 weeks, one tour on every
working day of each unit (tours built by hand, no routing). Prints the rota time (median of 3 runs),
fairness spread, continuity share, preferences met, median km from home and shifts far from home
(KPI ``far_shifts``), then the re-plan time after one doctor cancels a week. Targets: rota < 30 s,
re-plan < 5 s.

Run: ``python bench/bench_rota.py [--time-limit 20]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, timedelta

from planner.crews.far_shifts import FAR_SHIFT_KM, far_shifts, start_km
from planner.crews.rota_search import assign_crews
from planner.domain.calendar import closed_dates
from planner.domain.instance import (
    Commune,
    HalfDay,
    Instance,
    Point,
    Role,
    Rules,
    Site,
    Staff,
    TimeWindow,
    Unit,
    UnitKind,
)
from planner.domain.plan import Plan, Tour
from planner.planning.changes import StaffUnavailable
from planner.planning.replan import replan
from planner.results.staff_load import continuity_share, preferences_met, staff_totals
from planner.tours.day_routing import route_day
from planner.travel import travel_for

START = date(2027, 1, 4)
WEEKS = 12


def routed_tours(instance: Instance, days: dict[tuple[str, int], list[str]]) -> list[Tour]:
    """Every working date of the horizon, each unit visiting ``days[(unit, weekday)]``, timed by routing."""
    travel = travel_for(instance)
    closed = closed_dates(instance.rules)
    timed: dict[tuple[str, int], Tour | None] = {}
    for (unit_id, weekday), insees in days.items():
        unit = instance.unit(unit_id)
        communes = [instance.commune(i) for i in insees]
        length = instance.rules.session_length(unit)
        timed[(unit_id, weekday)] = route_day(
            unit,
            START,
            communes,
            session_minutes=length,
            travel=travel,
            time_step=instance.rules.time_step,
            max_drive=instance.rules.max_drive_between_sessions,
        ).tour
    return [
        replace(tour, date=day)
        for day in instance.rules.dates()
        if day not in closed
        for u in instance.units
        if (tour := timed.get((u.id, day.weekday()))) is not None
    ]


def make_case(seed: int = 1) -> tuple[Instance, list[Tour]]:
    """The generated territory and roster, and every working-day tour of each unit."""
    rng = random.Random(seed)
    depot = Point("Dépôt (exemple)", 49.90, 1.10)
    communes = []
    for i in range(50):
        lat, lon = (
            depot.lat + rng.uniform(-0.08, 0.08),
            depot.lon + rng.uniform(-0.1, 0.1),
        )
        insee = f"76{i + 100:03d}"
        site = Site(insee, insee, f"Mairie {insee}", lat, lon)
        communes.append(
            Commune(
                insee,
                f"Commune {insee} (exemple)",
                800,
                lat,
                lon,
                "CC Bench",
                site,
                100.0,
                True,
                1.0,
            )
        )
    hours = TimeWindow(8 * 60 + 30, 17 * 60 + 30)
    lunch = TimeWindow(12 * 60 + 30, 13 * 60 + 30)

    def unit(
        uid: str,
        kind: UnitKind,
        crew: dict[Role, int],
        remote: frozenset[Role] = frozenset(),
        places=(),
    ) -> Unit:
        return Unit(
            uid,
            uid,
            kind,
            depot,
            frozenset(range(5)),
            hours,
            lunch,
            2,
            crew,
            remote,
            places=places,
        )

    units = (
        unit("bus1", UnitKind.BUS, {Role.DOCTOR: 1, Role.DRIVER: 1}),
        unit("bus2", UnitKind.BUS, {Role.DOCTOR: 1, Role.DRIVER: 1}),
        unit("bus3", UnitKind.BUS, {Role.DOCTOR: 1, Role.DRIVER: 1}),
        unit(
            "mobil",
            UnitKind.BUS,
            {Role.NURSE: 1, Role.SOCIAL_WORKER: 1, Role.DOCTOR: 1},
            frozenset({Role.DOCTOR}),
        ),
        unit(
            "fixe",
            UnitKind.FIXED,
            {Role.DOCTOR: 1},
            places=tuple(c.insee for c in communes[40:]),
        ),
    )
    roles = [Role.DOCTOR] * 30 + [Role.DRIVER] * 14 + [Role.NURSE] * 8 + [Role.SOCIAL_WORKER] * 8
    staff = []
    for i, role in enumerate(roles):
        weekdays = rng.sample(range(5), rng.randint(2, 5))
        availability = frozenset((d, h) for d in weekdays for h in HalfDay)
        home = Point(
            "Domicile (exemple)",
            depot.lat + rng.uniform(-0.3, 0.3),
            depot.lon + rng.uniform(-0.4, 0.4),
        )
        prefs = frozenset(c.insee for c in rng.sample(communes, 8)) if i % 3 == 0 else frozenset()
        units_pref = frozenset({rng.choice(units).id}) if i % 5 == 0 else frozenset()
        staff.append(
            Staff(
                id=f"p{i:02d}",
                name=f"{'Dr ' if role is Role.DOCTOR else ''}Personne {i:02d} (exemple)",
                roles=frozenset({role}),
                availability=availability,
                max_shifts_per_week=rng.randint(2, 3),
                max_shifts_per_month=rng.randint(6, 10),
                min_shifts_per_month=2 if i % 4 == 0 else 0,
                home=home,
                preferred_communes=prefs,
                preferred_units=units_pref,
            )
        )
    instance = Instance("bench", tuple(communes), units, tuple(staff), Rules(start=START, weeks=WEEKS))
    # Each unit serves its own communes, the same ones on the same weekday every week.
    days = {
        (u.id, d): [communes[10 * k + 2 * d].insee, communes[10 * k + 2 * d + 1].insee]
        for k, u in enumerate(units)
        for d in range(5)
    }
    return instance, routed_tours(instance, days)


def fairness_spread(instance: Instance, plan: Plan) -> dict[str, tuple[int, float]]:
    """Per role: (max − min shifts, max − min share of what was offered)."""
    spread = {}
    totals = [t for t in staff_totals(instance, plan) if t.offered > 0]
    for role in sorted({r for t in totals for r in t.roles}, key=lambda r: r.value):
        mine = [t for t in totals if role in t.roles]
        shifts = [t.shifts for t in mine]
        shares = [t.share for t in mine]
        spread[role.label_fr] = (max(shifts) - min(shifts), max(shares) - min(shares))
    return spread


def home_figures(instance: Instance, plan: Plan) -> tuple[float, int]:
    """Median km from home to where on-site shifts start, and the shifts far from home (KPIs
    ``home_km_median`` and ``far_shifts``)."""
    by_key = {t.key: t for t in plan.tours}
    km = [
        value
        for s in plan.shifts
        if not s.remote and s.tour_key in by_key
        if (value := start_km(instance, instance.person(s.staff_id), s, by_key[s.tour_key])) is not None
    ]
    return (statistics.median(km) if km else 0.0), len(far_shifts(instance, plan.tours, plan.shifts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    instance, tours = make_case()
    print(
        f"Cas : {len(instance.staff)} personnes, {len(instance.units)} unités, {WEEKS} semaines, {len(tours)} tournées"
    )
    times, result = [], None
    for _ in range(args.runs):
        began = time.perf_counter()
        result = assign_crews(instance, tours, time_limit=args.time_limit, seed=0)
        print(
            f"  run: {time.perf_counter() - began:.1f} s, {result.status}, "
            f"pénalité totale {sum(p.amount for p in result.penalties)}"
        )
        times.append(time.perf_counter() - began)
    assert result is not None
    crewed = [t for t in tours if t.key not in set(result.uncrewed)]
    plan = Plan(instance.name, START, WEEKS, tuple(crewed), result.shifts)
    print(f"Rota : médiane {statistics.median(times):.1f} s sur {args.runs} (cible < 30 s), état {result.status}")
    print(f"  tournées sans équipe : {len(result.uncrewed)} / {len(tours)}")
    for role, (shifts, share) in fairness_spread(instance, plan).items():
        print(f"  équité {role} : écart {shifts} garde(s), écart de part offerte {share:.0%}")
    doctors = continuity_share(crewed, result.shifts, [Role.DOCTOR])
    print(f"  continuité (médecins) : {doctors:.0%} des visites par le médecin habituel de la commune")
    met = preferences_met(instance, crewed, result.shifts)
    print(f"  préférences respectées : {met:.0%} des gardes des personnes ayant des préférences")
    median_km, far = home_figures(instance, plan)
    print(
        f"  domicile → service : médiane {median_km:.1f} km ; gardes loin de chez soi "
        f"(> {FAR_SHIFT_KM:g} km de plus que le lieu le plus proche) : {far}"
    )
    penalties: Counter[str] = Counter()
    for p in result.penalties:
        penalties[p.name] += p.amount
    print(f"  pénalités : {dict(penalties)}")

    doctor_load: defaultdict[str, int] = defaultdict(int)
    for s in result.shifts:
        if s.role is Role.DOCTOR and s.date >= START + timedelta(days=28):
            doctor_load[s.staff_id] += 1
    victim = max(sorted(doctor_load), key=lambda k: doctor_load[k])
    first, last = START + timedelta(days=28), START + timedelta(days=34)
    changes = [StaffUnavailable(victim, first, last)]
    times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        outcome = replan(instance, plan, changes, today=first, time_limit=args.time_limit)
        times.append(time.perf_counter() - began)
    lost = sum(1 for s in plan.shifts if s.staff_id == victim and first <= s.date <= last)
    print(
        f"Re-planification ({victim} absent·e du {first} au {last}, {lost} garde(s) perdue(s)) : "
        f"médiane {statistics.median(times):.2f} s (cible < 5 s), {outcome.shifts_changed} garde(s) modifiée(s)"
    )


if __name__ == "__main__":
    main()
