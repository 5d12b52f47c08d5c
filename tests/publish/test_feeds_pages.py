"""Tests of the subscription pages: one public page per commune and one private page per person,
with one-tap subscribe links (webcal://, Google Agenda, Outlook) and the next visits; no staff name
on public pages; without a web address, no subscription link that would lead nowhere."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from planner.publish.feed_names import private_base_url, subscribe_links
from planner.publish.feeds import publish_feeds
from tests.support.feeds import STAMP, with_awkward_names

BASE = "https://example.org/bus/public"


@pytest.fixture
def instance(small_instance):
    return with_awkward_names(small_instance)


def _hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]


def test_subscribe_links_of_an_online_feed():
    links = subscribe_links("https://example.org/bus/public/commune-76001.ics", "Passages à Éu")
    assert links is not None
    assert links["webcal"] == "webcal://example.org/bus/public/commune-76001.ics"
    assert (
        links["google"]
        == "https://calendar.google.com/calendar/r?cid=webcal://example.org/bus/public/commune-76001.ics"
    )
    outlook = urlsplit(links["outlook"])
    assert (outlook.scheme, outlook.netloc, outlook.path) == ("https", "outlook.live.com", "/calendar/0/addfromweb")
    assert parse_qs(outlook.query) == {
        "url": ["https://example.org/bus/public/commune-76001.ics"],
        "name": ["Passages à Éu"],
    }
    assert subscribe_links("commune-76001.ics", "x") is None


def test_private_base_url_follows_the_documented_layout():
    assert private_base_url("https://example.org/medicobus/public/") == "https://example.org/medicobus/prive"
    assert private_base_url("https://example.org/medicobus") is None
    assert private_base_url(None) is None


def test_every_commune_has_a_public_page_with_subscribe_buttons(tmp_path, instance, sample_plan):
    index = publish_feeds(instance, sample_plan(instance), tmp_path, stamp=STAMP, base_url=BASE)
    assert set(index.commune_pages) == set(index.communes)
    for insee, path in index.commune_pages.items():
        assert path.parent.name == "public" and path.name == f"commune-{insee}.html"
        page = path.read_text(encoding="utf-8")
        feed = f"{BASE}/commune-{insee}.ics"
        hrefs = _hrefs(page)
        assert f"webcal://example.org/bus/public/commune-{insee}.ics" in hrefs
        assert (
            f"https://calendar.google.com/calendar/r?cid=webcal://example.org/bus/public/commune-{insee}.ics" in hrefs
        )
        (outlook,) = [h for h in hrefs if h.startswith("https://outlook.live.com/")]
        assert parse_qs(urlsplit(outlook).query)["url"] == [feed]
        assert "Prochains passages" in page and "janv. 2027" in page
    # Names are escaped; the index links each commune's page.
    assert "Saint-Jean, le Haut; &quot;test&quot;" in index.commune_pages["76001"].read_text(encoding="utf-8")
    assert f'href="{BASE}/commune-76002.html"' in index.index_html.read_text(encoding="utf-8")


def test_public_pages_name_no_staff(tmp_path, instance, sample_plan):
    index = publish_feeds(instance, sample_plan(instance), tmp_path, stamp=STAMP, base_url=BASE)
    for path in index.commune_pages.values():
        page = path.read_text(encoding="utf-8")
        for person in instance.staff:
            assert person.name not in page and html.escape(person.name) not in page, (path.name, person.name)
        assert "prive" not in page


def test_each_person_has_a_private_page_beside_their_feed(tmp_path, instance, sample_plan):
    index = publish_feeds(instance, sample_plan(instance), tmp_path, stamp=STAMP, base_url=BASE)
    assert set(index.staff_pages) == set(index.staff)
    for staff_id, path in index.staff_pages.items():
        assert path.parent == index.staff[staff_id].parent and path.parent.parent.name == "prive"
        folder = path.parent.name
        hrefs = _hrefs(path.read_text(encoding="utf-8"))
        assert f"webcal://example.org/bus/prive/{folder}/planning.ics" in hrefs
        assert (
            f"https://calendar.google.com/calendar/r?cid=webcal://example.org/bus/prive/{folder}/planning.ics" in hrefs
        )
    d1 = index.staff_pages["d1"].read_text(encoding="utf-8")
    assert html.escape(instance.person("d1").name) in d1 and "Prochaines gardes" in d1
    assert all(p in index.private_paths() for p in index.staff_pages.values())


def test_pages_without_web_address_offer_no_dead_subscription(tmp_path, instance, sample_plan):
    index = publish_feeds(instance, sample_plan(instance), tmp_path, stamp=STAMP)
    page = index.commune_pages["76001"].read_text(encoding="utf-8")
    assert "webcal://" not in page and "calendar.google.com" not in page and "outlook" not in page
    assert 'href="commune-76001.ics"' in page
    person = index.staff_pages["d1"].read_text(encoding="utf-8")
    assert "webcal://" not in person and 'href="planning.ics"' in person


def test_next_visits_start_from_the_publication_day(tmp_path, instance, sample_plan):
    """Visits before the day of publication are no longer listed."""
    late = datetime(2027, 1, 8, 8, 0, tzinfo=UTC)
    index = publish_feeds(instance, sample_plan(instance), tmp_path, stamp=late, base_url=BASE)
    page = index.commune_pages["76001"].read_text(encoding="utf-8")
    assert "4 janv. 2027" not in page and "11 janv. 2027" in page
