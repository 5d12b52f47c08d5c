"""Tests of the download of the APL (`planner.inputs.need_download`), offline: the one function that
reaches the network, `http_get`, is replaced by a fake serving data.gouv.fr's answers."""

from __future__ import annotations

import json

import pytest

from planner.inputs import need_download
from planner.inputs.need_download import APL_DATASET_API, apl_file_url, download_apl
from planner.inputs.need_indicators import IndicatorError
from tests.support.need_files import write_apl_xlsx

NEW = "https://static.data.gouv.fr/resources/apl/2025/apl-medecins-generalistes-2023.xlsx"


def dataset(resources: list[dict]) -> bytes:
    return json.dumps({"title": "L'accessibilité potentielle localisée (APL)", "resources": resources}).encode()


RESOURCES = [
    {
        "title": "APL aux médecins généralistes",
        "format": "xlsx",
        "url": NEW.replace("2023", "2022"),
        "last_modified": "2024-07-01T10:00:00",
    },
    {"title": "APL aux médecins généralistes", "format": "xlsx", "url": NEW, "last_modified": "2025-07-01T10:00:00"},
    {
        "title": "APL aux infirmiers",
        "format": "xlsx",
        "url": "https://example.org/inf.xlsx",
        "last_modified": "2026-01-01",
    },
    {
        "title": "Documentation APL médecins généralistes",
        "format": "pdf",
        "url": "https://example.org/doc.pdf",
        "last_modified": "2026-01-01",
    },
]


@pytest.fixture
def served(monkeypatch, tmp_path):
    """A fake network: the dataset's description and the newest workbook; records what was asked."""
    workbook = write_apl_xlsx(tmp_path / "apl.xlsx", {"76217": 3.1, "76008": 1.8}).read_bytes()
    pages = {APL_DATASET_API: dataset(RESOURCES), NEW: workbook}
    asked: list[str] = []

    def fake_get(url: str) -> bytes:
        asked.append(url)
        if url not in pages:
            raise IndicatorError(f"téléchargement impossible de {url}")
        return pages[url]

    monkeypatch.setattr(need_download, "http_get", fake_get)
    return asked


def test_the_newest_workbook_of_general_practitioners_is_chosen(served):
    assert apl_file_url()[0] == NEW


def test_download_reads_the_workbook_like_a_local_file(served):
    indicator = download_apl()
    assert indicator.values == pytest.approx({"76217": 3.1, "76008": 1.8})
    assert served == [APL_DATASET_API, NEW]


def test_a_dataset_without_a_workbook_is_said_in_french(monkeypatch):
    monkeypatch.setattr(need_download, "http_get", lambda url: dataset(RESOURCES[2:]))
    with pytest.raises(IndicatorError, match="aucun classeur de l'APL aux médecins généralistes"):
        download_apl()
    monkeypatch.setattr(need_download, "http_get", lambda url: b"<html>maintenance</html>")
    with pytest.raises(IndicatorError, match="réponse illisible"):
        download_apl()
