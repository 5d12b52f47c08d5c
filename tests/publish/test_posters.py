"""Tests of the printable pages: commune posters (public, no staff names, QR code), unit tables and
personal lists (private), the public timetable CSV."""

from __future__ import annotations

import csv
import html
from dataclasses import replace

import pytest
import segno

from planner.publish.feeds import publish_feeds
from planner.publish.posters import (
    commune_poster,
    person_list,
    rota_table,
    unit_table,
    week_page,
    write_posters,
)


@pytest.fixture
def instance(small_instance):
    base = small_instance
    c = base.communes[1]
    commune = replace(c, name="=Saint-Jean, le Haut; <b>test</b>")
    staff = (replace(base.staff[0], name="Dr Zoé <O'Brien> (exemple)"), *base.staff[1:])
    return base.replace(communes=(base.communes[0], commune, *base.communes[2:]), staff=staff)


def test_write_posters_files(tmp_path, instance, sample_plan):
    """One poster per visited commune and the timetable in public/, one page per unit and person in prive/."""
    paths = write_posters(instance, sample_plan(instance), tmp_path)
    public = sorted(p.name for p in paths if p.parent.name == "public")
    private = sorted(p.relative_to(tmp_path / "prive").as_posix() for p in paths if p.parent.parent.name == "prive")
    assert public == [
        "affiche-76001.html",
        "affiche-76002.html",
        "affiche-76003.html",
        "affiche-76004.html",
        "horaires.csv",
    ]
    assert private == sorted(
        [
            "coordination/equipes-semaines.html",
            "unite-bus1/planning-unite.html",
            *(f"personnel-{s.id}/planning.html" for s in instance.staff),
        ]
    )
    assert all(p.exists() for p in paths)


def test_no_staff_name_in_any_public_file(tmp_path, instance, sample_plan):
    """Posters, the timetable, the feeds, their subscription pages and the index, all of public/: no
    roster name, raw or escaped."""
    plan = sample_plan(instance)
    write_posters(instance, plan, tmp_path, base_url="https://example.org/bus/public")
    publish_feeds(instance, plan, tmp_path, base_url="https://example.org/bus/public")
    files = list((tmp_path / "public").iterdir())
    assert len(files) == 4 + 1 + 4 + 4 + 1
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        for person in instance.staff:
            assert person.name not in text and html.escape(person.name) not in text, (path.name, person.name)


def test_commune_poster_content(instance, sample_plan):
    """The poster lists the commune's visits (date, hours, site), what to bring, an inline SVG QR code
    to the commune's subscription page, A4 print CSS; names are HTML-escaped."""
    page = commune_poster(instance, sample_plan(instance), "76002", base_url="https://example.org/bus")
    assert "@page { size: A4" in page
    assert "lundi 4 janv. 2027" in page and "lundi 11 janv. 2027" in page and "14:00 – 17:00" in page
    assert page.count("<tr><td>") == 2
    assert "carte Vitale" in page and "ordonnances" in page and "carnet de santé" in page
    assert "<svg" in page and "https://example.org/bus/commune-76002.html" in page and ".ics" not in page
    assert "&lt;b&gt;test&lt;/b&gt;" in page and "<b>test</b>" not in page


def test_poster_without_base_url_has_no_useless_qr_code(instance, sample_plan):
    """Without a public address there is no QR code (it would hold a bare file name) and no "scannez":
    the poster says where to ask for the calendar; with one, the QR code and the address to type."""
    page = commune_poster(instance, sample_plan(instance), "76001")
    assert "<svg" not in page and "Scannez" not in page and "commune-76001.ics" not in page
    assert "auprès de votre mairie" in page
    online = commune_poster(instance, sample_plan(instance), "76001", base_url="https://example.org/bus")
    assert "<title>https://example.org/bus/commune-76001.html</title>" in online
    assert "<strong>https://example.org/bus/commune-76001.html</strong>" in online


def test_qr_code_holds_the_subscription_page_address(tmp_path, instance, sample_plan):
    """The QR code encodes the commune's subscription page (which the feeds write), not the raw .ics
    (a phone would import a one-off copy): the poster's SVG is segno's code of the page's address."""
    plan = sample_plan(instance)
    base = "https://example.org/bus/public"
    feeds = publish_feeds(instance, plan, tmp_path, base_url=base)
    page = commune_poster(instance, plan, "76001", base_url=base)
    url = f"{base}/commune-76001.html"
    assert segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2, title=url) in page
    assert feeds.commune_pages["76001"].name == "commune-76001.html"
    for target in (f"{base}/commune-76001.ics", "webcal://"):
        assert segno.make(target, error="m", micro=False).svg_inline(scale=4, border=2, title=target) not in page


def test_unit_table_and_person_list_are_private_pages(instance, sample_plan):
    """The unit table has a page per week (days × sessions) and names the crew; the personal list has
    each shift; the rota page has a page per week."""
    plan = sample_plan(instance)
    table = unit_table(instance, plan, "bus1")
    assert table.count("<section class='week'>") == plan.weeks == 2 and "size: A4 landscape" in table
    assert "séance 2" in table and "break-after: page" in table
    rota = rota_table(instance, plan)
    assert rota.count("<section class='week'>") == 2 and all(html.escape(p.name) in rota for p in instance.staff)
    assert html.escape(instance.person("d1").name) in table and "chauffeur : c1 (exemple)" in table
    mine = person_list(instance, plan, "d2")
    assert mine.count("<tr><td>") == 2 and "lundi 11 janv. 2027" in mine and "jeudi 14 janv. 2027" in mine
    assert "Aucune garde" in person_list(instance, plan, "d3")


def test_week_page_prints_one_week_of_the_rota_and_of_each_unit(instance, sample_plan):
    """The page of week 2 for the briefing: the rota then the unit's week, A4 landscape, escaped names,
    and only that week's dates."""
    plan = sample_plan(instance)
    page = week_page(instance, plan, 1)
    assert page.count("<section class='week'>") == 1 + len(instance.units) and "size: A4 landscape" in page
    assert "Équipes — semaine 2" in page and "Bus bus1 — semaine 2" in page
    assert html.escape(instance.person("d1").name) in page and "<O'Brien>" not in page
    assert "lun. 11/01" in page and "lun. 04/01" not in page


def test_public_timetable_csv_is_formula_safe(tmp_path, instance, sample_plan):
    """horaires.csv has a row per session, no staff column, and the '=' commune name neutralised."""
    write_posters(instance, sample_plan(instance), tmp_path)
    with (tmp_path / "public" / "horaires.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 8
    assert rows[1]["commune"] == "'=Saint-Jean, le Haut; <b>test</b>"
    assert set(rows[0]) == {"date", "jour", "debut", "fin", "insee", "commune", "lieu", "unite"}
